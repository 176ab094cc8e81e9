/** Roles a token can carry (spec §7). `admin` implies every other role. */
export const ROLES = ['reader', 'operator', 'governance', 'auditor', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export const isRole = (value: unknown): value is Role => typeof value === 'string' && (ROLES as readonly string[]).includes(value);

export const hasAnyRole = (held: readonly string[], wanted: readonly Role[]): boolean =>
  held.includes('admin') || wanted.some((role) => held.includes(role));

/** Who may write content of each kind: the catalog is governance's, agents and teams operators'. */
export const WRITER_ROLE = { Skill: 'governance', JobRole: 'governance', Industry: 'governance', Agent: 'operator', Team: 'operator' } as const;
