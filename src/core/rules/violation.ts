import type { Violation } from '../errors.ts';

export const violation = (code: string, text: string): Violation => ({ code, message: `${code}: ${text}` });

/** `L1-AGENT-04` → `l1_agent_04`, the key used in compliance maps (the seed's `l0_01` style). */
export const ruleKey = (code: string): string => code.toLowerCase().replaceAll('-', '_');

export const isBlank = (value: unknown): boolean => typeof value !== 'string' || value.trim() === '';
