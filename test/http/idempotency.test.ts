import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines } from '../support/engines.ts';
import { createTestApi, type TestApi } from '../support/api.ts';

describe.each(await engines())('Idempotency-Key on create routes (%s)', (engine) => {
  let api: TestApi;
  let gov: { authorization: string };
  beforeAll(async () => {
    api = await createTestApi(engine);
    gov = await api.auth(['governance'], 'gov-a');
  });
  afterAll(async () => {
    await api.close();
  });

  const create = async (key: string | undefined, body: Record<string, unknown>, headers = gov) => {
    const res = await api.app.inject({
      method: 'POST',
      url: '/api/v1/genesis/skills',
      headers: { ...headers, ...(key === undefined ? {} : { 'idempotency-key': key }) },
      payload: body,
    });
    return { status: res.statusCode, body: res.json<{ id: string; name: string; error_code?: string }>(), replayed: res.headers['idempotent-replayed'] };
  };
  const skill = (name: string) => ({ name, description: 'made once', category: 'technical' });
  const named = async (name: string) => (await api.t.owner.query<{ n: number }>("SELECT count(*)::int AS n FROM entities WHERE content ->> 'name' = $1", [name])).rows[0]?.n;

  it('the same key and body return the first result; the entity and its amendment exist once', async () => {
    const first = await create('k-1', skill('Idem one'));
    expect(first.status).toBe(201);
    expect(first.replayed).toBeUndefined();
    // The same body with its members in another order is the same request.
    const again = await create('k-1', { category: 'technical', description: 'made once', name: 'Idem one' });
    expect(again).toMatchObject({ status: 201, replayed: 'true', body: { id: first.body.id } });
    expect(await named('Idem one')).toBe(1);
    expect((await api.t.store.getAmendments(first.body.id)).length).toBe(1);
  });

  it('the same key with another body is 409 IDEMPOTENCY_KEY_REUSED; keys are per caller', async () => {
    await create('k-2', skill('Idem two'));
    const other = await create('k-2', skill('Idem two, changed'));
    expect(other.status).toBe(409);
    expect(other.body.error_code).toBe('IDEMPOTENCY_KEY_REUSED');
    const someoneElse = await create('k-2', skill('Idem two, by B'), await api.auth(['governance'], 'gov-b'));
    expect(someoneElse.status).toBe(201);
  });

  it('concurrent requests with one key make one entity; every answer is that entity or a retryable 409', async () => {
    const answers = await Promise.all(Array.from({ length: 6 }, () => create('k-race', skill('Idem race'))));
    expect(await named('Idem race')).toBe(1);
    const ids = new Set(answers.filter((a) => a.status === 201).map((a) => a.body.id));
    expect(ids.size).toBe(1);
    for (const a of answers) expect(a.status === 201 || a.body.error_code === 'CONCURRENT_MODIFICATION' || a.body.error_code === 'DUPLICATE_ENTITY').toBe(true);
    const retry = await create('k-race', skill('Idem race'));
    expect(retry).toMatchObject({ status: 201, replayed: 'true', body: { id: [...ids][0] } });
  });

  it('a refused create remembers nothing: the key can carry the corrected request', async () => {
    const bad = await create('k-3', { ...skill('Idem three'), category: 'no-such-category' });
    expect(bad.status).toBe(422);
    const fixed = await create('k-3', skill('Idem three'));
    expect(fixed).toMatchObject({ status: 201, replayed: undefined });
  });

  it('a key is forgotten after a day; malformed keys are 422', async () => {
    const first = await create('k-4', skill('Idem four'));
    await api.t.owner.query("UPDATE idempotency_keys SET created_at = now() - interval '25 hours' WHERE key = 'k-4'");
    const later = await create('k-4', skill('Idem four, a day later'));
    expect(later.status).toBe(201);
    expect(later.body.id).not.toBe(first.body.id);
    for (const key of ['x'.repeat(256), 'café', 'two words']) {
      const res = await create(key, skill(`Idem bad key ${key.length}`));
      expect(res.status, key).toBe(422);
    }
  });
});
