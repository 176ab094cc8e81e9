/** Roles a token can carry (spec §7). `admin` implies every other role. */
export const ROLES = ['reader', 'operator', 'governance', 'auditor', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export const isRole = (value: unknown): value is Role => typeof value === 'string' && (ROLES as readonly string[]).includes(value);

export const hasAnyRole = (held: readonly string[], wanted: readonly Role[]): boolean =>
  held.includes('admin') || wanted.some((role) => held.includes(role));

/** Who may write content of each kind: the catalog is governance's, agents and teams operators'. */
export const WRITER_ROLE = { Skill: 'governance', JobRole: 'governance', Industry: 'governance', Agent: 'operator', Team: 'operator' } as const;

/**
 * Who may append what to the ledger: the same policy the database's row-level security enforces
 * (0001_ledger.sql, amendments_insert and entities_insert/update). Stores that have no database
 * under them (the in-memory twin) enforce it from here.
 */
const GOVERNANCE_ONLY: ReadonlySet<string> = new Set(['certify', 'decertify', 'review', 'certification_approval', 'certification_rejected']);

export const mayAppend = (roles: readonly string[], kind: string, operation: string, birth: boolean): boolean => {
  const entityRow = birth ? hasAnyRole(roles, ['operator', 'governance']) : hasAnyRole(roles, ['operator', 'governance', 'auditor']);
  if (!entityRow) return false;
  if (GOVERNANCE_ONLY.has(operation)) return hasAnyRole(roles, ['governance']);
  if (operation === 'require_review') return hasAnyRole(roles, ['governance', 'operator']);
  if (kind === 'Skill' || kind === 'JobRole' || kind === 'Industry') return hasAnyRole(roles, ['governance']);
  return hasAnyRole(roles, ['operator']);
};
