import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines } from '../support/engines.ts';
import { createTestApi, type TestApi } from '../support/api.ts';

describe.each(await engines())('service accounts over their whole life (%s)', (engine) => {
  let api: TestApi;
  let admin: { authorization: string };
  beforeAll(async () => {
    api = await createTestApi(engine);
    admin = await api.auth(['admin']);
  });
  afterAll(async () => {
    await api.close();
  });

  const call = async (method: 'GET' | 'POST', url: string, headers: Record<string, string> = admin, payload?: Record<string, unknown>) => {
    const res = await api.app.inject({ method, url, headers, ...(payload === undefined ? {} : { payload }) });
    return { status: res.statusCode, body: res.json<Record<string, unknown>>() };
  };
  const tokenFor = async (clientId: string, secret: string) =>
    call('POST', '/api/v1/auth/token', {}, { grant_type: 'client_credentials', client_id: clientId, client_secret: secret });

  it('list and show (never a secret), rotate (the old secret stops at once), revoke (its tokens stop at once, for good)', async () => {
    const created = await call('POST', '/api/v1/auth/service-accounts', admin, { client_id: 'portal-life', roles: ['reader'] });
    expect(created.status).toBe(201);
    const first = String(created.body.client_secret);
    const issued = await tokenFor('portal-life', first);
    expect(issued.status).toBe(200);
    const token = String(issued.body.access_token);
    expect(decodeJwt(token)).toMatchObject({ sub: 'portal-life', client_id: 'portal-life', jti: expect.stringMatching(/^[0-9a-f-]{36}$/) as unknown });
    const bearer = { authorization: `Bearer ${token}` };
    expect((await call('GET', '/api/v1/agents', bearer)).status).toBe(200);

    const listed = await api.app.inject({ method: 'GET', url: '/api/v1/auth/service-accounts', headers: admin });
    expect(listed.statusCode).toBe(200);
    expect(listed.body).not.toMatch(/secret_hash|argon2|client_secret/);
    expect(listed.json<{ client_id: string }[]>().map((a) => a.client_id)).toContain('portal-life');
    expect(await call('GET', '/api/v1/auth/service-accounts/portal-life')).toMatchObject({ status: 200, body: { client_id: 'portal-life', disabled_at: null, secret_rotated_at: null } });
    expect(await call('GET', '/api/v1/auth/service-accounts/no-such-client')).toMatchObject({ status: 404, body: { error_code: 'ACCOUNT_NOT_FOUND' } });
    expect((await call('GET', '/api/v1/auth/service-accounts', await api.auth(['operator']))).status).toBe(403);

    const rotated = await call('POST', '/api/v1/auth/service-accounts/portal-life/rotate-secret');
    expect(rotated).toMatchObject({ status: 200, body: { secret_rotated_at: expect.stringMatching(/Z$/) as unknown } });
    const second = String(rotated.body.client_secret);
    expect(second).not.toBe(first);
    expect((await tokenFor('portal-life', first)).status).toBe(401);
    expect((await tokenFor('portal-life', second)).status).toBe(200);
    // A token issued before the rotation lives out its 30 minutes: rotation is not revocation.
    expect((await call('GET', '/api/v1/agents', bearer)).status).toBe(200);

    const revoked = await call('POST', '/api/v1/auth/service-accounts/portal-life/revoke');
    expect(revoked).toMatchObject({ status: 200, body: { disabled_at: expect.stringMatching(/Z$/) as unknown } });
    // The same token, verified (and remembered) a moment ago, is refused now.
    expect(await call('GET', '/api/v1/agents', bearer)).toMatchObject({ status: 401, body: { error_code: 'UNAUTHENTICATED', detail: 'The service account this token was issued to is revoked' } });
    expect((await tokenFor('portal-life', second)).status).toBe(401);
    expect(await call('POST', '/api/v1/auth/service-accounts/portal-life/rotate-secret')).toMatchObject({ status: 409, body: { error_code: 'INVALID_STATE' } });
    expect((await call('POST', '/api/v1/auth/service-accounts/portal-life/revoke')).body.disabled_at).toBe(revoked.body.disabled_at);
    // People's tokens carry no client_id and are not looked up.
    expect(decodeJwt(admin.authorization.slice(7))).not.toHaveProperty('client_id');
    expect((await call('GET', '/api/v1/agents')).status).toBe(200);
  });
});
