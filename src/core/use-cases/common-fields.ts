import { DomainError, type FieldError } from '../errors.ts';
import type { CommonContent, JsonObject } from '../entity.ts';

/** Optional envelope fields a client may set on create (and evolve). */
export interface CommonInput {
  governance_agent_id?: string | undefined;
  external_id?: string | null | undefined;
  tags?: string[] | undefined;
  custom_attributes?: Record<string, unknown> | undefined;
  governance_notes?: string | null | undefined;
  parent_id?: string | null | undefined;
  child_ids?: string[] | undefined;
}

export const DEFAULT_AUTHORITY = 'genesis';

export const commonContent = (name: string, input: CommonInput): CommonContent => ({
  name,
  status: 'active',
  external_id: input.external_id ?? null,
  governance_agent_id: input.governance_agent_id ?? DEFAULT_AUTHORITY,
  amendment_alignment: 'aligned',
  tags: input.tags ?? [],
  // Parsed from JSON by every caller, so it is JSON; canonicalization rejects anything else.
  custom_attributes: (input.custom_attributes ?? {}) as JsonObject,
  governance_notes: input.governance_notes ?? null,
  parent_id: input.parent_id ?? null,
  child_ids: input.child_ids ?? [],
  supersedes: null,
  superseded_by: null,
});

// PostgreSQL text and jsonb cannot hold U+0000; refuse it up front with a field error instead
// of letting the driver fail mid-transaction.
const hasNul = (value: unknown): boolean => {
  if (typeof value === 'string') return value.includes('\u0000');
  if (Array.isArray(value)) return value.some(hasNul);
  if (value !== null && typeof value === 'object') {
    return Object.entries(value).some(([k, v]) => k.includes('\u0000') || hasNul(v));
  }
  return false;
};

export const assertStorable = (input: Record<string, unknown>): void => {
  const errors: FieldError[] = [];
  for (const [field, value] of Object.entries(input)) {
    if (hasNul(value)) errors.push({ field, message: 'must not contain the NUL character (U+0000)' });
  }
  if (errors.length > 0) throw new DomainError('VALIDATION_ERROR', 'Request contains unstorable characters', { errors });
};
