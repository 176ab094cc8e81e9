import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines } from '../support/engines.ts';
import * as f from '../support/factories.ts';
import { createTestApi, type TestApi } from '../support/api.ts';
import { testConfig } from '../support/ledger.ts';

interface Answer {
  status: number;
  body: Record<string, unknown> & { error_code?: string; errors?: { field: string; message: string }[] };
  headers: Record<string, unknown>;
}

describe.each(await engines())('the /webhooks routes (%s)', (engine) => {
  let api: TestApi;
  let admin: { authorization: string };
  beforeAll(async () => {
    api = await createTestApi(engine, {}, {}, { config: testConfig({ WEBHOOK_ALLOW_HOSTS: '127.0.0.1,hooks.internal' }) });
    admin = await api.auth(['admin']);
  });
  afterAll(async () => {
    await api.close();
  });

  const call = async (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: unknown, headers = admin): Promise<Answer> => {
    const res = await api.app.inject({ method, url, headers, ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }) });
    return { status: res.statusCode, body: res.body === '' ? {} : res.json<Answer['body']>(), headers: res.headers };
  };

  it('create shows the secret once; get and list never do; patch rotates it; delete removes', async () => {
    const created = await call('POST', '/api/v1/webhooks', { url: 'https://portal.example.com/hooks/plant', kinds: ['Agent', 'Team'], operations: ['certify'], description: 'customer portal' });
    expect(created.status).toBe(201);
    expect(created.headers['cache-control']).toBe('no-store');
    expect(created.body).toMatchObject({ url: 'https://portal.example.com/hooks/plant', kinds: ['Agent', 'Team'], operations: ['certify'], enabled: true, created_by: 'user-admin', pending: 0, dead: 0 });
    const secret = created.body.secret as string;
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    const id = created.body.id as string;
    expect(created.headers.location).toBe(`/api/v1/webhooks/${id}`);

    const got = await call('GET', `/api/v1/webhooks/${id}`);
    expect(got.status).toBe(200);
    expect(got.body).not.toHaveProperty('secret');
    const listed = await call('GET', '/api/v1/webhooks');
    expect(JSON.stringify(listed.body)).not.toContain(secret);
    expect((listed.body.items as { id: string }[]).map((w) => w.id)).toContain(id);

    const paused = await call('PATCH', `/api/v1/webhooks/${id}`, { enabled: false, kinds: ['Agent'] });
    expect(paused.body).toMatchObject({ enabled: false, disabled_reason: 'disabled by an admin', kinds: ['Agent'] });
    expect(paused.body).not.toHaveProperty('secret');
    const rotated = await call('PATCH', `/api/v1/webhooks/${id}`, { rotate_secret: true, enabled: true });
    expect(rotated.body).toMatchObject({ enabled: true, disabled_reason: null });
    expect(rotated.body.secret).toMatch(/^whsec_/);
    expect(rotated.body.secret).not.toBe(secret);

    expect((await call('DELETE', `/api/v1/webhooks/${id}`)).status).toBe(204);
    expect((await call('GET', `/api/v1/webhooks/${id}`)).body.error_code).toBe('SUBSCRIPTION_NOT_FOUND');
    expect((await call('DELETE', `/api/v1/webhooks/${id}`)).status).toBe(404);
  });

  it.each([
    ['http outside the allow-list', 'http://portal.example.com/h', 'must be https'],
    ['a loopback IP', 'https://127.0.0.2/h', 'private, loopback or link-local'],
    ['a private IP', 'https://10.1.2.3/h', 'private, loopback or link-local'],
    ['a link-local IP (cloud metadata)', 'https://169.254.169.254/latest', 'private, loopback or link-local'],
    ['an IPv6 loopback', 'https://[::1]/h', 'private, loopback or link-local'],
    ['an IPv4-mapped IPv6 address', 'https://[::ffff:10.0.0.1]/h', 'private, loopback or link-local'],
    ['localhost', 'https://localhost/h', 'localhost is not reachable'],
    ['credentials in the URL', 'https://user:pw@portal.example.com/h', 'must not carry credentials'],
    ['not a URL', 'portal.example.com/h', 'must be an absolute URL'],
    ['another scheme', 'ftp://portal.example.com/h', 'must be https'],
  ])('refuses %s with a 422 naming the url', async (_, url, message) => {
    const res = await call('POST', '/api/v1/webhooks', { url });
    expect(res.status).toBe(422);
    expect(res.body.error_code).toBe('VALIDATION_ERROR');
    expect(res.body.errors?.[0]).toMatchObject({ field: 'url', message: expect.stringContaining(message) as unknown });
  });

  it('allows http and internal addresses for allow-listed hosts', async () => {
    const a = await call('POST', '/api/v1/webhooks', { url: 'http://127.0.0.1:9/h' });
    const b = await call('POST', '/api/v1/webhooks', { url: 'http://hooks.internal/h' });
    expect([a.status, b.status]).toEqual([201, 201]);
    await call('DELETE', `/api/v1/webhooks/${a.body.id as string}`);
    await call('DELETE', `/api/v1/webhooks/${b.body.id as string}`);
  });

  it('refuses a duplicate URL (409), unknown kinds and operations, unknown fields and an empty patch (422)', async () => {
    const first = await call('POST', '/api/v1/webhooks', { url: 'https://dup.example.com/h' });
    expect(first.status).toBe(201);
    const again = await call('POST', '/api/v1/webhooks', { url: 'https://dup.example.com/h', kinds: ['Skill'] });
    expect(again.status).toBe(409);
    expect(again.body.error_code).toBe('DUPLICATE_SUBSCRIPTION');
    const other = await call('POST', '/api/v1/webhooks', { url: 'https://other.example.com/h' });
    expect((await call('PATCH', `/api/v1/webhooks/${other.body.id as string}`, { url: 'https://dup.example.com/h' })).body.error_code).toBe('DUPLICATE_SUBSCRIPTION');
    expect((await call('PATCH', `/api/v1/webhooks/${other.body.id as string}`, { url: 'http://dup.example.com/h' })).status).toBe(422);

    for (const body of [{ url: 'https://x.example.com/h', kinds: ['Robot'] }, { url: 'https://x.example.com/h', operations: ['explode'] }, { url: 'https://x.example.com/h', kinds: ['Skill', 'Skill'] }, { url: 'https://x.example.com/h', secret: 'mine' }, {}]) {
      const res = await call('POST', '/api/v1/webhooks', body);
      expect(res.status, JSON.stringify(body)).toBe(422);
      expect(res.body.error_code).toBe('VALIDATION_ERROR');
    }
    expect((await call('PATCH', `/api/v1/webhooks/${first.body.id as string}`, {})).status).toBe(422);
    await call('DELETE', `/api/v1/webhooks/${first.body.id as string}`);
    await call('DELETE', `/api/v1/webhooks/${other.body.id as string}`);
  });

  it('is admin only', async () => {
    const governance = await api.auth(['governance']);
    expect((await call('GET', '/api/v1/webhooks', undefined, governance)).status).toBe(403);
    expect((await call('POST', '/api/v1/webhooks', { url: 'https://portal.example.com/x' }, governance)).status).toBe(403);
    const anonymous = await api.app.inject({ method: 'GET', url: '/api/v1/webhooks' });
    expect(anonymous.statusCode).toBe(401);
  });

  it('lists deliveries in leaf order with paging, replays from a leaf index, retries dead letters', async () => {
    const created = await call('POST', '/api/v1/webhooks', { url: 'https://feed.example.com/h', kinds: ['Skill'] });
    const id = created.body.id as string;
    const s1 = await f.skill(api.t.write, { certified: false });
    await f.skill(api.t.write, { certified: false });
    const page = await call('GET', `/api/v1/webhooks/${id}/deliveries?limit=1`);
    expect(page.status).toBe(200);
    const [first] = page.body.items as { leaf_index: number; state: string; attempts: number }[];
    expect(first).toMatchObject({ state: 'pending', attempts: 0, last_status: null });
    expect(page.body.next).toBe(first?.leaf_index);
    const rest = await call('GET', `/api/v1/webhooks/${id}/deliveries?after=${String(page.body.next)}`);
    expect((rest.body.items as unknown[]).length).toBe(1);
    expect(rest.body.next).toBeNull();
    expect((await call('GET', `/api/v1/webhooks/${id}/deliveries?state=dead`)).body.items).toEqual([]);

    const [leaf] = await api.t.log.store.leavesOfEntity(s1.id);
    const replay = await call('POST', `/api/v1/webhooks/${id}/replay`, { from: 0 });
    expect(replay.status).toBe(202);
    // Every Skill leaf of the log, the ones before the subscription included.
    const skillLeaves = (await api.t.log.store.changes(-1, 1000, 'Skill')).length;
    expect(replay.body.queued).toBe(skillLeaves);
    expect((await call('GET', `/api/v1/webhooks/${id}`)).body.pending).toBe(skillLeaves);
    expect(leaf).toBeDefined();

    const size = await api.t.log.store.size();
    const beyond = await call('POST', `/api/v1/webhooks/${id}/replay`, { from: size + 1 });
    expect(beyond.status).toBe(422);
    expect((await call('POST', `/api/v1/webhooks/${id}/replay`, { from: -1 })).status).toBe(422);
    expect((await call('POST', `/api/v1/webhooks/${id}/retry`)).body).toEqual({ queued: 0 });
    expect((await call('GET', `/api/v1/webhooks/${id}/deliveries?after=-1`)).status).toBe(422);
    expect((await call('GET', `/api/v1/webhooks/${id}/deliveries?state=lost`)).status).toBe(422);
    const missing = '01900000-0000-7000-8000-000000000000';
    expect((await call('POST', `/api/v1/webhooks/${missing}/replay`, { from: 0 })).body.error_code).toBe('SUBSCRIPTION_NOT_FOUND');
    expect((await call('GET', `/api/v1/webhooks/${missing}/deliveries`)).status).toBe(404);
    await call('DELETE', `/api/v1/webhooks/${id}`);
  });
});
