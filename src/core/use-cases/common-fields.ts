import { DomainError, type FieldError } from '../errors.ts';
import type { CommonContent, JsonObject } from '../entity.ts';
import { normalizeName } from '../names.ts';

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

/** The envelope every new entity starts with; the name as normalised (names.ts). */
export const commonContent = (name: string, input: CommonInput): CommonContent => ({
  name: normalizeName(name),
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

// Lone UTF-16 surrogates have no UTF-8 form and no RFC 8785 form.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

const badString = (s: string): string | null =>
  s.includes('\u0000') ? 'must not contain the NUL character (U+0000)' : LONE_SURROGATE.test(s) ? 'must not contain unpaired UTF-16 surrogates' : null;

/**
 * What PostgreSQL text/jsonb and RFC 8785 cannot carry: U+0000, unpaired surrogates, non-finite
 * numbers. Refused up front as a field error, not left to fail mid-transaction as a 500.
 */
const unstorable = (value: unknown): string | null => {
  if (typeof value === 'string') return badString(value);
  if (typeof value === 'number') return Number.isFinite(value) ? null : 'must be a finite number';
  if (Array.isArray(value)) {
    for (const item of value) {
      const why = unstorable(item);
      if (why !== null) return why;
    }
    return null;
  }
  if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      const why = badString(k) ?? unstorable(v);
      if (why !== null) return why;
    }
  }
  return null;
};

export const assertStorable = (input: Record<string, unknown>): void => {
  const errors: FieldError[] = [];
  for (const [field, value] of Object.entries(input)) {
    const why = unstorable(value);
    if (why !== null) errors.push({ field, message: why });
  }
  if (errors.length > 0) throw new DomainError('VALIDATION_ERROR', 'Request contains unstorable characters', { errors });
};
