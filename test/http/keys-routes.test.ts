import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { publishKey } from '../../src/adapters/db/key-registry.ts';
import { engines } from '../support/engines.ts';
import * as f from '../support/factories.ts';
import { testKey } from '../support/ledger.ts';
import { createTestApi, type TestApi } from '../support/api.ts';

describe.each(await engines())('retiring signing keys (%s)', (engine) => {
  let api: TestApi;
  beforeAll(async () => {
    api = await createTestApi(engine);
  });
  afterAll(async () => {
    await api.close();
  });

  const retire = async (kid: string, roles: Parameters<TestApi['auth']>[0] = ['admin']) => {
    const res = await api.app.inject({ method: 'POST', url: `/api/v1/keys/${kid}/retire`, headers: await api.auth(roles) });
    return { status: res.statusCode, body: res.json<{ error_code?: string; key_id?: string; retired_at?: string }>() };
  };

  it('retires another key once (it stays published), refuses the key in use, unknown ids and non-admins', async () => {
    const old = await testKey('RSA-PSS-SHA256');
    await publishKey(api.t.owner, old);
    expect((await retire(old.keyId, ['operator'])).status).toBe(403);
    expect(await retire('A'.repeat(43))).toMatchObject({ status: 404, body: { error_code: 'KEY_NOT_FOUND' } });
    expect((await retire('short')).status).toBe(422);
    expect(await retire(api.t.key.keyId)).toMatchObject({ status: 409, body: { error_code: 'KEY_IN_USE' } });

    const first = await retire(old.keyId);
    expect(first).toMatchObject({ status: 200, body: { key_id: old.keyId, retired_at: expect.stringMatching(/Z$/) as unknown } });
    expect((await retire(old.keyId)).body).toEqual(first.body);
    const keys = (await api.app.inject({ method: 'GET', url: '/api/v1/keys' })).json<{ keys: { kid: string; retired_at: string | null }[] }>().keys;
    expect(keys.find((k) => k.kid === old.keyId)?.retired_at).toBe(first.body.retired_at);
    expect(keys.find((k) => k.kid === api.t.key.keyId)?.retired_at).toBeNull();
  });

  it('the database refuses an amendment under a retired key, whoever signs with it: 503, nothing written', async () => {
    const before = await f.skill(api.t.write);
    // Retired behind this server's back (another operator, another replica's view).
    await api.t.owner.query('UPDATE signing_keys SET retired_at = now() WHERE key_id = $1', [api.t.key.keyId]);
    const headers = await api.auth(['governance']);
    const res = await api.app.inject({ method: 'POST', url: '/api/v1/genesis/skills', headers, payload: { name: 'Signed too late', description: 'under a retired key', category: 'technical' } });
    expect(res.statusCode).toBe(503);
    expect(res.json()).toMatchObject({ error_code: 'SIGNING_KEY_RETIRED' });
    const evolved = await api.app.inject({ method: 'POST', url: `/api/v1/entities/${before.id}/evolve`, headers, payload: { changes: { description: 'no' } } });
    expect(evolved.statusCode).toBe(503);
    const counts = await api.t.store.countByKind();
    expect(counts.Skill).toBe(1);
    expect((await api.t.store.getEntity(before.id))?.version).toBe(before.version);
  });
});
