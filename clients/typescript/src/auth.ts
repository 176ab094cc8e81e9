import { problemOf } from './errors.ts';

export interface ServiceAccount {
  clientId: string;
  clientSecret: string;
}

/** Renew this long before a token expires, so no request goes out with one about to lapse. */
const RENEW_BEFORE_MS = 60_000;

/**
 * Tokens for a service account from `POST /api/v1/auth/token` (client credentials), cached and
 * renewed before expiry; concurrent callers share one renewal.
 */
export const serviceAccountTokens = (baseUrl: string, account: ServiceAccount, fetcher: typeof fetch, now: () => number = Date.now): (() => Promise<string>) => {
  let current: { token: string; renewAt: number } | undefined;
  let pending: Promise<string> | undefined;
  const renew = async (): Promise<string> => {
    const response = await fetcher(new URL('/api/v1/auth/token', baseUrl), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ grant_type: 'client_credentials', client_id: account.clientId, client_secret: account.clientSecret }),
    });
    if (!response.ok) throw await problemOf(response);
    const body = (await response.json()) as { access_token: string; expires_in: number };
    const lifetime = body.expires_in * 1000;
    current = { token: body.access_token, renewAt: now() + Math.max(lifetime / 2, lifetime - RENEW_BEFORE_MS) };
    return body.access_token;
  };
  return async () => {
    if (current !== undefined && now() < current.renewAt) return current.token;
    pending ??= renew().finally(() => {
      pending = undefined;
    });
    return pending;
  };
};
