import type { Hash } from '../merkle.ts';

/** What a witness remembers of one log: the last checkpoint it cosigned. */
export interface WitnessRecord {
  size: number;
  root: Hash;
}

/** A witness's own state, one record per log origin. */
export interface WitnessStateStore {
  get(origin: string): Promise<WitnessRecord | undefined>;
  /**
   * Runs `decide` with the origin's record while no other update of that store runs, and makes
   * what it returns as `save` durable before resolving: check and record are one step (C2SP).
   */
  update<T>(origin: string, decide: (current: WitnessRecord | undefined) => Promise<{ save?: WitnessRecord; result: T }>): Promise<T>;
}

/** What a log hears back from a witness's add-checkpoint. */
export type WitnessAnswer =
  | { kind: 'cosigned'; lines: string[] }
  /** 409: the witness's last cosigned size (when it said one). */
  | { kind: 'conflict'; size: number | null; detail: string }
  | { kind: 'refused'; status: number; detail: string }
  | { kind: 'unreachable'; detail: string };

/** A witness as a log reaches it. */
export interface WitnessClient {
  /** The witness's cosigner verifier key (type 0x04), as configured. */
  readonly vkey: string;
  readonly url: string;
  addCheckpoint(oldSize: number, proof: readonly Hash[], note: string): Promise<WitnessAnswer>;
}
