import { createPlantClient, type PlantClient } from '@plant/client';

/** Who is signed in: the bearer token and what it says about its holder (for display only). */
export interface Session {
  token: string;
  subject: string;
  roles: string[];
  /** Seconds since the epoch. */
  expires: number;
}

const KEY = 'plant.console.token';

/**
 * Reads the claims of a JWT without checking it: the server checks every request; the console only
 * needs to say who is signed in and hide what their roles cannot do.
 */
export const sessionFromToken = (token: string): Session | null => {
  const part = token.trim().split('.')[1];
  if (part === undefined) return null;
  try {
    const json = atob(part.replace(/-/g, '+').replace(/_/g, '/'));
    const claims = JSON.parse(json) as { sub?: unknown; roles?: unknown; exp?: unknown };
    if (typeof claims.sub !== 'string') return null;
    const roles = Array.isArray(claims.roles) ? claims.roles.filter((r): r is string => typeof r === 'string') : [];
    return { token: token.trim(), subject: claims.sub, roles, expires: typeof claims.exp === 'number' ? claims.exp : 0 };
  } catch {
    return null;
  }
};

// Session storage: a token lives as long as the tab, never in a cookie the server would trust.
export const loadSession = (): Session | null => {
  const token = sessionStorage.getItem(KEY);
  const session = token === null ? null : sessionFromToken(token);
  return session !== null && session.expires * 1000 > Date.now() ? session : null;
};

export const saveSession = (session: Session | null): void => {
  if (session === null) sessionStorage.removeItem(KEY);
  else sessionStorage.setItem(KEY, session.token);
};

export const may = (session: Session | null, ...roles: string[]): boolean =>
  session !== null && (session.roles.includes('admin') || roles.some((r) => session.roles.includes(r)));

export const clientFor = (session: Session | null): PlantClient =>
  createPlantClient({ baseUrl: window.location.origin, ...(session === null ? {} : { token: session.token }), retry: { retries: 1 } });
