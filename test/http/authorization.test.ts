import { randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROLES, type Role } from '../../src/core/roles.ts';
import { TokenService } from '../../src/http/auth/tokens.ts';
import { createTestApi, TEST_JWT_SECRET, type TestApi } from '../support/api.ts';

/**
 * Every route the app registers, with the access it declares: no token, an expired token, a
 * wrong signature, a wrong issuer or audience, and every role below the one required must be
 * refused (401/403) in the problem envelope; an allowed role must get past authorization.
 */
describe('authorization matrix over every route', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await createTestApi('pglite');
  });
  afterAll(async () => {
    await api.close();
  });

  const guarded = (): { method: string; url: string; allowed: readonly Role[] }[] =>
    api.app.routeAccess
      .filter((r) => r.access !== 'public')
      .map((r) => ({ method: r.method, url: r.url, allowed: r.access === 'read' ? ROLES : (r.access as readonly Role[]) }));

  const call = (method: string, url: string, headers: Record<string, string>) =>
    api.app.inject({
      method: method as 'GET',
      url: url.replaceAll(':id', randomUUID()),
      headers,
      ...(method === 'POST' ? { payload: {} } : {}),
    });

  const expectProblem = (res: Awaited<ReturnType<typeof call>>, status: number, code: string, where: string): void => {
    expect(res.statusCode, where).toBe(status);
    expect(res.headers['content-type'], where).toContain('application/problem+json');
    const body = res.json<{ error_code: string; request_id: string; status: number }>();
    expect(body.error_code, where).toBe(code);
    expect(body.status, where).toBe(status);
    expect(body.request_id, where).toBe(res.headers['x-request-id']);
  };

  it('covers the whole API', () => {
    const urls = new Set(guarded().map((r) => `${r.method} ${r.url}`));
    expect(urls.size).toBeGreaterThanOrEqual(30);
    expect(urls).toContain('POST /api/v1/genesis/skills/:id/certify');
    expect(urls).toContain('DELETE /api/v1/entities/:id');
    expect(urls).toContain('GET /api/v1/audit/export');
  });

  it('verification material (keys, checkpoints, proofs) is open by default; PUBLIC_VERIFICATION=false puts it behind a token', async () => {
    const material = ['/api/v1/keys', '/api/v1/log/checkpoint', '/api/v1/log/proof/consistency?first=0&second=0', '/api/v1/log/proof/inclusion?leaf_index=0'];
    for (const url of material) {
      const res = await api.app.inject({ method: 'GET', url });
      expect([401, 403], url).not.toContain(res.statusCode);
    }
    expect((await api.app.inject({ method: 'GET', url: '/api/v1/keys' })).json<{ keys: unknown[] }>().keys.length).toBeGreaterThan(0);
    // The catalog itself is not verification material: it still needs a token (PUBLIC_READ is off).
    expectProblem(await api.app.inject({ method: 'GET', url: '/api/v1/genesis/skills' }), 401, 'UNAUTHENTICATED', 'catalog');
    const closed = await createTestApi('pglite', { publicVerification: false });
    try {
      for (const url of material) expectProblem(await closed.app.inject({ method: 'GET', url }), 401, 'UNAUTHENTICATED', url);
      const reader = await closed.auth(['reader']);
      expect((await closed.app.inject({ method: 'GET', url: '/api/v1/keys', headers: reader })).statusCode).toBe(200);
    } finally {
      await closed.close();
    }
  });

  it('refuses missing, expired, forged, mis-issued and mis-addressed tokens with 401', async () => {
    const key = new TextEncoder().encode(TEST_JWT_SECRET);
    const expired = await new SignJWT({ roles: ['admin'] })
      .setProtectedHeader({ alg: 'HS256' }).setSubject('x').setIssuer('plant').setAudience('plant-api')
      .setIssuedAt(Math.floor(Date.now() / 1000) - 7200).setExpirationTime(Math.floor(Date.now() / 1000) - 3600).sign(key);
    const notYet = await new SignJWT({ roles: ['admin'] })
      .setProtectedHeader({ alg: 'HS256' }).setSubject('x').setIssuer('plant').setAudience('plant-api')
      .setNotBefore(Math.floor(Date.now() / 1000) + 3600).setExpirationTime('2h').sign(key);
    const forged = await new TokenService({ secret: 'another-secret-that-is-long-enough-000000', issuer: 'plant', audience: 'plant-api' }).mint('x', ['admin']);
    const wrongIssuer = await new TokenService({ secret: TEST_JWT_SECRET, issuer: 'evil', audience: 'plant-api' }).mint('x', ['admin']);
    const wrongAudience = await new TokenService({ secret: TEST_JWT_SECRET, issuer: 'plant', audience: 'other-api' }).mint('x', ['admin']);
    const cases: [string, Record<string, string>][] = [
      ['no token', {}],
      ['not a bearer header', { authorization: 'Basic dXNlcjpwYXNz' }],
      ['not a JWT', { authorization: 'Bearer not-a-jwt' }],
      ['expired', { authorization: `Bearer ${expired}` }],
      ['not yet valid', { authorization: `Bearer ${notYet}` }],
      ['wrong signature', { authorization: `Bearer ${forged}` }],
      ['wrong issuer', { authorization: `Bearer ${wrongIssuer}` }],
      ['wrong audience', { authorization: `Bearer ${wrongAudience}` }],
      ['alg none', { authorization: `Bearer ${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from('{"sub":"x","roles":["admin"]}').toString('base64url')}.` }],
    ];
    for (const route of guarded()) {
      for (const [label, headers] of cases) {
        expectProblem(await call(route.method, route.url, headers), 401, 'UNAUTHENTICATED', `${route.method} ${route.url} with ${label}`);
      }
    }
  });

  it('refuses every role below the one required with 403, and a token without roles', async () => {
    for (const route of guarded()) {
      const refused = ROLES.filter((r) => r !== 'admin' && !route.allowed.includes(r));
      for (const role of refused) {
        expectProblem(await call(route.method, route.url, await api.auth([role])), 403, 'FORBIDDEN', `${route.method} ${route.url} as ${role}`);
      }
      expectProblem(await call(route.method, route.url, await api.auth([])), 403, 'FORBIDDEN', `${route.method} ${route.url} without roles`);
    }
  });

  it('lets each allowed role (and admin) past authorization', async () => {
    for (const route of guarded()) {
      for (const role of [...route.allowed, 'admin' as const]) {
        const res = await call(route.method, route.url, await api.auth([role]));
        expect([401, 403], `${route.method} ${route.url} as ${role}: ${res.body.slice(0, 200)}`).not.toContain(res.statusCode);
      }
    }
  });

  it('with PUBLIC_READ, catalog reads need no token but writes still do', async () => {
    const open = await createTestApi('pglite', { publicRead: true });
    try {
      expect((await open.app.inject({ method: 'GET', url: '/api/v1/agents' })).statusCode).toBe(200);
      expect((await open.app.inject({ method: 'GET', url: '/api/v1/genesis/skills' })).statusCode).toBe(200);
      expect((await open.app.inject({ method: 'POST', url: '/api/v1/genesis/skills', payload: {} })).statusCode).toBe(401);
      expect((await open.app.inject({ method: 'POST', url: '/api/v1/audit/run' })).statusCode).toBe(401);
    } finally {
      await open.close();
    }
  });
});
