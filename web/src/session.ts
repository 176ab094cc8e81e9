import { createPlantClient, type PlantClient } from '@plant/client';

/** Who is signed in: the bearer token and what it says about its holder (for display only). */
export interface Session {
  token: string;
  subject: string;
  roles: string[];
  /** Seconds since the epoch. */
  expires: number;
  /** Where the token keeps its roles: `roles` for Plant's own, JWT_ROLES_CLAIM for an issuer's. */
  rolesClaim: string;
}

/** A claim by dotted path (`realm_access.roles`), as the server reads JWT_ROLES_CLAIM. */
const claimAt = (claims: object, path: string): unknown =>
  path.split('.').reduce<unknown>((value, part) => (typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[part] : undefined), claims);

const KEY = 'plant.console.token';
const CLAIM_KEY = 'plant.console.roles-claim';

/**
 * Reads the claims of a JWT without checking it: the server checks every request; the console only
 * needs to say who is signed in and hide what their roles cannot do.
 */
export const sessionFromToken = (token: string, rolesClaim = 'roles'): Session | null => {
  const part = token.trim().split('.')[1];
  if (part === undefined) return null;
  try {
    const json = atob(part.replace(/-/g, '+').replace(/_/g, '/'));
    const claims = JSON.parse(json) as { sub?: unknown; exp?: unknown };
    if (typeof claims.sub !== 'string') return null;
    const held = claimAt(claims, rolesClaim);
    const roles = Array.isArray(held) ? held.filter((r): r is string => typeof r === 'string') : typeof held === 'string' ? held.split(' ') : [];
    return { token: token.trim(), subject: claims.sub, roles, expires: typeof claims.exp === 'number' ? claims.exp : 0, rolesClaim };
  } catch {
    return null;
  }
};

// Session storage: a token lives as long as the tab, never in a cookie the server would trust.
export const loadSession = (): Session | null => {
  const token = sessionStorage.getItem(KEY);
  const session = token === null ? null : sessionFromToken(token, sessionStorage.getItem(CLAIM_KEY) ?? 'roles');
  return session !== null && session.expires * 1000 > Date.now() ? session : null;
};

export const saveSession = (session: Session | null): void => {
  if (session === null) {
    sessionStorage.removeItem(KEY);
    sessionStorage.removeItem(CLAIM_KEY);
  } else {
    sessionStorage.setItem(KEY, session.token);
    sessionStorage.setItem(CLAIM_KEY, session.rolesClaim);
  }
};

export const may = (session: Session | null, ...roles: string[]): boolean =>
  session !== null && (session.roles.includes('admin') || roles.some((r) => session.roles.includes(r)));

export const clientFor = (session: Session | null): PlantClient =>
  createPlantClient({ baseUrl: window.location.origin, ...(session === null ? {} : { token: session.token }), retry: { retries: 1 } });
