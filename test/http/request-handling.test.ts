import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/http/app.ts';
import { createTestApi, DEFAULT_HTTP, type TestApi } from '../support/api.ts';

describe('request handling', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await createTestApi('pglite');
  });
  afterAll(async () => {
    await api.close();
  });

  it('keeps a valid X-Request-ID, replaces an invalid one, and echoes it in the header and the problem body', async () => {
    const kept = await api.app.inject({ method: 'GET', url: '/api/v1/agents', headers: { 'x-request-id': 'trace-123.abc' } });
    expect(kept.headers['x-request-id']).toBe('trace-123.abc');
    const replaced = await api.app.inject({ method: 'GET', url: '/api/v1/agents', headers: { 'x-request-id': 'bad id\n<script>' } });
    expect(replaced.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(replaced.json()).toMatchObject({ request_id: replaced.headers['x-request-id'], status: 401 });
  });

  it('answers unknown routes and malformed bodies in the problem envelope', async () => {
    const missing = await api.app.inject({ method: 'GET', url: '/api/v1/nope' });
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toMatchObject({ error_code: 'NOT_FOUND', type: 'urn:plant:error:NOT_FOUND', instance: '/api/v1/nope' });
    const headers = { ...(await api.auth(['governance'])), 'content-type': 'application/json' };
    const broken = await api.app.inject({ method: 'POST', url: '/api/v1/genesis/skills', headers, payload: '{"name": ' });
    expect(broken.statusCode).toBe(400);
    expect(broken.json()).toMatchObject({ error_code: 'MALFORMED_REQUEST' });
    const xml = await api.app.inject({ method: 'POST', url: '/api/v1/genesis/skills', headers: { ...headers, 'content-type': 'application/xml' }, payload: '<a/>' });
    expect(xml.statusCode).toBe(415);
    expect(xml.headers['content-type']).toContain('application/problem+json');
  });

  it('a wrong method on an existing path is 405 with Allow, on every route the app registers', async () => {
    const put = await api.app.inject({ method: 'PUT', url: '/api/v1/genesis/skills' });
    expect(put.statusCode).toBe(405);
    expect(put.headers.allow).toBe('GET, POST, HEAD');
    expect(put.json()).toMatchObject({ error_code: 'METHOD_NOT_ALLOWED', status: 405, detail: 'PUT is not allowed on /api/v1/genesis/skills; allowed: GET, POST' });
    const patch = await api.app.inject({ method: 'PATCH', url: '/api/v1/entities/01900000-0000-7000-8000-000000000000' });
    expect([patch.statusCode, patch.headers.allow]).toEqual([405, 'GET, DELETE, HEAD']);
    // Every registered path answers 405 (never 404) to a method it lacks.
    const byPath = new Map<string, Set<string>>();
    for (const r of api.app.routeAccess) byPath.set(r.url, (byPath.get(r.url) ?? new Set()).add(r.method));
    for (const [url, methods] of byPath) {
      const missing = ['GET', 'POST', 'PATCH', 'DELETE'].find((m) => !methods.has(m));
      if (missing === undefined || url.includes('*')) continue;
      const res = await api.app.inject({ method: missing as 'GET', url: url.replace(/:\w+/g, '01900000-0000-7000-8000-000000000000') });
      expect(res.statusCode, `${missing} ${url}`).toBe(405);
      expect(res.headers.allow, `${missing} ${url}`).toContain([...methods].filter((m) => m !== 'OPTIONS')[0]);
    }
    expect((await api.app.inject({ method: 'PUT', url: '/api/v1/nope' })).statusCode).toBe(404);
  });

  it('an enumeration parameter refused names its allowed values once, on every route', async () => {
    interface Schema { enum?: unknown[]; anyOf?: Schema[] }
    const values = (schema: Schema): unknown[] => [...(schema.enum ?? []), ...(schema.anyOf ?? []).flatMap(values)];
    const spec = api.app.swagger() as { paths: Record<string, Record<string, { parameters?: { in: string; name: string; schema: Schema }[] }>> };
    const admin = await api.auth(['admin']);
    let checked = 0;
    for (const [path, operations] of Object.entries(spec.paths)) {
      for (const [method, operation] of Object.entries(operations)) {
        for (const parameter of operation.parameters ?? []) {
          const allowed = values(parameter.schema);
          if (parameter.in !== 'query' || allowed.length === 0) continue;
          const url = `${path.replace(/\{\w+\}/g, '01900000-0000-7000-8000-000000000000')}?${parameter.name}=not-a-value${path.includes('search') ? '&q=x' : ''}`;
          const res = await api.app.inject({ method: method.toUpperCase() as 'GET', url, headers: admin, ...(method === 'post' ? { payload: {} } : {}) });
          const where = `${method} ${url}`;
          expect(res.statusCode, where).toBe(422);
          const errors = res.json<{ errors: { field: string; message: string }[] }>().errors;
          expect(errors, where).toEqual([{ field: `querystring/${parameter.name}`, message: `must be one of: ${allowed.join(', ')}` }]);
          checked++;
        }
      }
    }
    expect(checked).toBeGreaterThanOrEqual(19);
  });

  it('refuses bodies over the limit with 413', async () => {
    const small = await createTestApi('pglite', { bodyLimitBytes: 2048 });
    try {
      const res = await small.app.inject({
        method: 'POST',
        url: '/api/v1/genesis/skills',
        headers: await small.auth(['governance']),
        payload: { name: 'x', description: 'y'.repeat(5000), category: 'technical' },
      });
      expect(res.statusCode).toBe(413);
      expect(res.json()).toMatchObject({ error_code: 'PAYLOAD_TOO_LARGE' });
    } finally {
      await small.close();
    }
  });

  it('rate-limits per client with 429 and Retry-After, without touching health', async () => {
    const limited = await createTestApi('pglite', { rateLimitPerMinute: 3 });
    try {
      const a = await limited.auth(['reader'], 'client-a');
      const b = await limited.auth(['reader'], 'client-b');
      const codes = [];
      for (let i = 0; i < 5; i++) codes.push((await limited.app.inject({ method: 'GET', url: '/api/v1/agents', headers: a })).statusCode);
      expect(codes).toEqual([200, 200, 200, 429, 429]);
      const over = await limited.app.inject({ method: 'GET', url: '/api/v1/agents', headers: a });
      expect(over.json()).toMatchObject({ error_code: 'RATE_LIMITED' });
      expect(Number(over.headers['retry-after'])).toBeGreaterThan(0);
      expect((await limited.app.inject({ method: 'GET', url: '/api/v1/agents', headers: b })).statusCode).toBe(200);
      for (let i = 0; i < 5; i++) expect((await limited.app.inject({ method: 'GET', url: '/health' })).statusCode).toBe(200);
    } finally {
      await limited.close();
    }
  });

  it('CORS: listed origins only, never a wildcard with credentials', async () => {
    const allowed = await api.app.inject({
      method: 'OPTIONS',
      url: '/api/v1/agents',
      headers: { origin: 'https://portal.example.com', 'access-control-request-method': 'GET' },
    });
    expect(allowed.headers['access-control-allow-origin']).toBe('https://portal.example.com');
    expect(allowed.headers['access-control-allow-credentials']).toBe('true');
    const other = await api.app.inject({
      method: 'OPTIONS',
      url: '/api/v1/agents',
      headers: { origin: 'https://evil.example.net', 'access-control-request-method': 'GET' },
    });
    expect(other.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('an unexpected error is a generic 500: no internals in the response, the full error in the log with the request id', async () => {
    const lines: string[] = [];
    const sink = new Writable({ write(chunk: Buffer, _enc, done) { lines.push(chunk.toString()); done(); } });
    const failingStore = { ...api.deps.store, listEntities: () => Promise.reject(new Error('relation "secret_table" does not exist')) };
    const app = await buildApp({ ...api.deps, store: failingStore }, { ...DEFAULT_HTTP, logLevel: 'info' }, sink);
    const token = (await api.auth(['reader'], 'log-check')).authorization;
    const res = await app.inject({ method: 'GET', url: '/api/v1/agents', headers: { authorization: token, 'x-request-id': 'req-500' } });
    expect(res.statusCode).toBe(500);
    expect(res.body).not.toContain('secret_table');
    expect(res.json()).toMatchObject({ error_code: 'INTERNAL_ERROR', request_id: 'req-500' });
    const log = lines.join('');
    expect(log).toContain('secret_table');
    expect(log).toContain('"request_id":"req-500"');
    const access = lines.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l.msg === 'request');
    expect(access).toMatchObject({ method: 'GET', path: '/api/v1/agents', status: 500, actor: 'log-check', request_id: 'req-500' });
    expect(typeof access?.latency_ms).toBe('number');
    expect(log).not.toContain(token.slice(7));
    await app.close();
  });
});

describe('keys, audit and service-account routes', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await createTestApi('pglite');
  });
  afterAll(async () => {
    await api.close();
  });

  it('GET /keys publishes the signing key as a JWKS with its RFC 7638 kid', async () => {
    const res = await api.app.inject({ method: 'GET', url: '/api/v1/keys', headers: await api.auth(['reader']) });
    const keys = res.json<{ keys: { kid: string; kty: string; d?: string }[] }>().keys;
    expect(keys.map((k) => k.kid)).toEqual([api.t.key.keyId]);
    expect(keys[0]?.d).toBeUndefined();
  });

  it('audit run, tampering and export (JSON bundle and CSV)', async () => {
    const gov = await api.auth(['governance']);
    const auditor = await api.auth(['auditor']);
    const skill = (await api.app.inject({ method: 'POST', url: '/api/v1/genesis/skills', headers: gov, payload: { name: '=SUM(A1)', description: 'd', category: 'technical' } })).json<{ id: string }>();
    const run = await api.app.inject({ method: 'POST', url: '/api/v1/audit/run', headers: auditor, payload: { entity_type: 'Skill' } });
    expect(run.json()).toMatchObject({ total_entities: 1, compliant: 1, statistics: { l0_pass: 1, l1_pass: 1, hash_chain_intact: 1 } });
    expect((await api.app.inject({ method: 'POST', url: `/api/v1/audit/run?entity_id=${skill.id}`, headers: auditor })).json()).toMatchObject({ total_entities: 1 });
    const tamper = await api.app.inject({ method: 'GET', url: `/api/v1/audit/tampering/${skill.id}`, headers: auditor });
    expect(tamper.json()).toMatchObject({ entity_id: skill.id, tampered: false, broken_at_index: null, amendment_count: 1, hash_chain_length: 1 });
    const bundle = await api.app.inject({ method: 'GET', url: '/api/v1/audit/export', headers: auditor });
    expect(bundle.json()).toMatchObject({ format: 'plant.export/v1', exportable: true, public_keys: { keys: [{ kid: api.t.key.keyId }] } });
    const entities = bundle.json<{ entities: { id: string; amendments: { hash: string; signature: string }[] }[] }>().entities;
    expect(entities.find((e) => e.id === skill.id)?.amendments).toHaveLength(1);
    expect(bundle.json()).toMatchObject({ scope: { complete: true, entity_type: null, entity_ids: null } });
    const one = await api.app.inject({ method: 'GET', url: `/api/v1/audit/export?entity_id=${skill.id}`, headers: auditor });
    expect(one.json()).toMatchObject({ scope: { complete: false, entity_ids: [skill.id] }, entities: [{ id: skill.id }] });
    const both = await api.app.inject({ method: 'GET', url: `/api/v1/audit/export?entity_id=${skill.id}&entity_type=Skill`, headers: auditor });
    expect(both.statusCode).toBe(422);
    expect(both.json()).toMatchObject({ error_code: 'VALIDATION_ERROR', errors: [{ field: 'entity_id' }] });
    const unknown = await api.app.inject({ method: 'GET', url: '/api/v1/audit/export?entity_id=01900000-0000-7000-8000-00000000dead', headers: auditor });
    expect(unknown.json()).toMatchObject({ status: 404, error_code: 'ENTITY_NOT_FOUND' });
    const bad = await api.app.inject({ method: 'GET', url: '/api/v1/audit/export?entity_id=nope', headers: auditor });
    expect(bad.statusCode).toBe(422);
    const csv = await api.app.inject({ method: 'GET', url: '/api/v1/audit/export?format=csv', headers: auditor });
    expect(csv.headers['content-type']).toContain('text/csv');
    expect(csv.body.split('\r\n')[0]).toBe('entity_id,entity_type,name,version,compliant,l0_pass,l1_pass,chain_intact,amendment_alignment,violations');
    expect(csv.body).toContain(`"'=SUM(A1)"`);
  });

  it('service accounts: admin creates one, the secret buys a 30-minute token carrying its roles, a wrong secret does not', async () => {
    const admin = await api.auth(['admin'], 'root');
    const created = await api.app.inject({ method: 'POST', url: '/api/v1/auth/service-accounts', headers: admin, payload: { client_id: 'customer-portal', roles: ['reader'] } });
    expect(created.statusCode, created.body).toBe(201);
    const { client_secret } = created.json<{ client_secret: string }>();
    const dup = await api.app.inject({ method: 'POST', url: '/api/v1/auth/service-accounts', headers: admin, payload: { client_id: 'customer-portal', roles: ['reader'] } });
    expect(dup.statusCode).toBe(409);
    const stored = await api.t.owner.query<{ secret_hash: string }>("SELECT secret_hash FROM service_accounts WHERE client_id = 'customer-portal'");
    expect(stored.rows[0]?.secret_hash.startsWith('$argon2id$')).toBe(true);
    expect(stored.rows[0]?.secret_hash).not.toContain(client_secret);

    const token = await api.app.inject({ method: 'POST', url: '/api/v1/auth/token', payload: { grant_type: 'client_credentials', client_id: 'customer-portal', client_secret } });
    expect(token.json()).toMatchObject({ token_type: 'Bearer', expires_in: 1800, scope: 'reader' });
    const bearer = { authorization: `Bearer ${token.json<{ access_token: string }>().access_token}` };
    expect((await api.app.inject({ method: 'GET', url: '/api/v1/agents', headers: bearer })).statusCode).toBe(200);
    expect((await api.app.inject({ method: 'POST', url: '/api/v1/genesis/skills', headers: bearer, payload: { name: 'n', description: 'd', category: 'technical' } })).statusCode).toBe(403);

    const form = await api.app.inject({
      method: 'POST',
      url: '/api/v1/auth/token',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: `grant_type=client_credentials&client_id=customer-portal&client_secret=${encodeURIComponent(client_secret)}`,
    });
    expect(form.statusCode).toBe(200);
    for (const bad of [{ client_id: 'customer-portal', client_secret: 'wrong' }, { client_id: 'nobody', client_secret }]) {
      const res = await api.app.inject({ method: 'POST', url: '/api/v1/auth/token', payload: { grant_type: 'client_credentials', ...bad } });
      expect(res.statusCode).toBe(401);
      expect(res.json()).toMatchObject({ error_code: 'UNAUTHENTICATED' });
    }
    const notAdmin = await api.app.inject({ method: 'POST', url: '/api/v1/auth/service-accounts', headers: await api.auth(['governance']), payload: { client_id: 'x-portal', roles: ['admin'] } });
    expect(notAdmin.statusCode).toBe(403);
  });
});
