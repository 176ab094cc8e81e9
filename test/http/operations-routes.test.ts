import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApi, type TestApi } from '../support/api.ts';
import { drainJobs } from '../support/embeddings.ts';
import { engines } from '../support/engines.ts';
import * as f from '../support/factories.ts';
import { testConfig } from '../support/ledger.ts';

// The routes behind the CLI's server mode for what used to need the database: the embedding
// pipeline's operations, the demo catalog, rotating a development key.
describe.each(await engines())('operations routes (%s)', (engine) => {
  let api: TestApi;
  beforeAll(async () => {
    // A key from configuration: rotating it is the operator's job (KEY_CONFIGURED).
    api = await createTestApi(engine, {}, {}, { config: testConfig({ SIGNING_KEY_FILE: '/run/secrets/plant-signing-key.pem' }) });
  });
  afterAll(async () => {
    await api.close();
  });

  const call = async (method: 'GET' | 'POST', url: string, roles: Parameters<TestApi['auth']>[0], payload?: unknown) => {
    const res = await api.app.inject({ method, url, headers: await api.auth(roles), ...(payload === undefined ? {} : { payload: payload as object }) });
    return { status: res.statusCode, body: res.json<Record<string, unknown>>() };
  };

  it('POST /demo-catalog loads the catalog once (admin only); the second call writes nothing', async () => {
    expect((await call('POST', '/api/v1/demo-catalog', ['governance'])).status).toBe(403);
    const first = await call('POST', '/api/v1/demo-catalog', ['admin']);
    expect(first.status).toBe(200);
    const perKind = { Industry: 3, Skill: 19, JobRole: 10, Team: 6, Agent: 50 };
    expect(first.body).toMatchObject({ changed: true, created: perKind, certified: 29, catalog: perKind, counts: perKind, signing_key: api.t.key.keyId });
    const again = await call('POST', '/api/v1/demo-catalog', ['admin'], {});
    expect(again.body).toMatchObject({ changed: false, created: { Industry: 0, Skill: 0, JobRole: 0, Team: 0, Agent: 0 }, existing: 88, counts: perKind });
    expect((await call('POST', '/api/v1/demo-catalog', ['admin'], { force: true })).status).toBe(422);
  });

  it('GET /embeddings/status and /dead, POST /retry: the queue as `plant embeddings` shows it', async () => {
    await drainJobs(api.t.embeddings);
    const status = await call('GET', '/api/v1/embeddings/status', ['reader']);
    expect(status).toEqual({
      status: 200,
      body: { provider: 'offline', model: 'plant-offline-v1', cache: expect.any(String) as unknown, documents: 82, embedded: 82, other_model: 0, queued: 0, in_flight: 0, dead: 0 },
    });
    const skill = await f.skill(api.t.write, { name: 'Dead-lettered skill' });
    await api.t.owner.query("UPDATE embedding_jobs SET state = 'dead', attempts = 5, last_error = 'provider said 500' WHERE entity_id = $1", [skill.id]);
    expect((await call('GET', '/api/v1/embeddings/dead', ['reader'])).status).toBe(403);
    const dead = await call('GET', '/api/v1/embeddings/dead', ['operator']);
    expect(dead.body).toEqual({
      jobs: [{ entity_id: skill.id, entity_type: 'Skill', name: 'Dead-lettered skill', attempts: 5, last_error: 'provider said 500', updated_at: expect.stringMatching(/Z$/) as unknown }],
    });
    for (const bad of [{}, { entity_ids: [] }, { entity_ids: ['nope'] }, { all: false }, { all: true, entity_ids: [skill.id] }]) {
      const refused = await call('POST', '/api/v1/embeddings/retry', ['operator'], bad);
      expect(refused.status, JSON.stringify(bad)).toBe(422);
      expect(refused.body.error_code).toBe('VALIDATION_ERROR');
    }
    expect((await call('POST', '/api/v1/embeddings/retry', ['reader'], { all: true })).status).toBe(403);
    const other = '0190d9b2-0000-7000-8000-000000000000';
    expect((await call('POST', '/api/v1/embeddings/retry', ['operator'], { entity_ids: [other, skill.id] })).body).toEqual({ requeued: [skill.id] });
    expect((await call('POST', '/api/v1/embeddings/retry', ['operator'], { all: true })).body).toEqual({ requeued: [] });
    expect((await call('GET', '/api/v1/embeddings/status', ['reader'])).body).toMatchObject({ documents: 83, queued: 1, dead: 0 });
  });

  it('POST /embeddings/reindex queues every document for the workers: 202, admin only', async () => {
    expect((await call('POST', '/api/v1/embeddings/reindex', ['operator'])).status).toBe(403);
    const res = await call('POST', '/api/v1/embeddings/reindex', ['admin']);
    expect(res).toEqual({ status: 202, body: { queued: 83 } });
    expect((await call('GET', '/api/v1/embeddings/status', ['reader'])).body).toMatchObject({ queued: 83 });
    expect(await drainJobs(api.t.embeddings)).toBe(83);
  });

  it('POST /keys/rotate refuses a key from configuration (409 KEY_CONFIGURED) and non-admins', async () => {
    expect((await call('POST', '/api/v1/keys/rotate', ['governance'])).status).toBe(403);
    const refused = await call('POST', '/api/v1/keys/rotate', ['admin']);
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({ error_code: 'KEY_CONFIGURED', detail: expect.stringContaining('SIGNING_KEY_FILE') as unknown });
    const keys = (await api.app.inject({ url: '/api/v1/keys' })).json<{ keys: { kid: string; current: boolean }[] }>().keys;
    expect(keys.filter((k) => k.current).map((k) => k.kid)).toEqual([api.t.key.keyId]);
  });
});
