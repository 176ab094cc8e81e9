import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines } from '../support/engines.ts';
import * as f from '../support/factories.ts';
import { createTestApi, type TestApi } from '../support/api.ts';
import { testConfig } from '../support/ledger.ts';

describe.each(await engines())('four-eyes certification over HTTP (%s)', (engine) => {
  let api: TestApi;
  beforeAll(async () => {
    api = await createTestApi(engine, {}, {}, { config: testConfig({ CERTIFICATION_QUORUM: '2' }) });
    await api.t.owner.query("UPDATE plant_settings SET value = '2' WHERE key = 'certification_quorum'");
  });
  afterAll(async () => {
    await api.close();
  });

  const certifyAs = async (id: string, sub: string, roles = ['governance'], reason = 'ok') =>
    api.app.inject({ method: 'POST', url: `/api/v1/genesis/skills/${id}/certify`, headers: await api.auth(roles as never, sub), payload: { reason } });

  it('202 with the open request, then 200 certified by two distinct governance actors', async () => {
    const skill = await f.skill(api.t.write, { certified: false });
    const first = await certifyAs(skill.id, 'alice');
    expect(first.statusCode, first.body).toBe(202);
    expect(first.json()).toMatchObject({ certification: { certified: false, request: { approvals: [{ actor: 'alice', reason: 'ok' }] } } });
    const queue = await api.app.inject({ method: 'GET', url: '/api/v1/governance/queue', headers: await api.auth(['reader']) });
    expect(queue.json<{ items: unknown[] }>().items).toContainEqual(expect.objectContaining({ type: 'certification_request', entity_id: skill.id, request: expect.objectContaining({ quorum: 2, expired: false }) as unknown }));
    // A second token for the same subject is the same actor.
    const twice = await certifyAs(skill.id, 'alice', ['governance', 'admin']);
    expect(twice.json()).toMatchObject({ status: 409, error_code: 'DUPLICATE_APPROVAL' });
    const second = await certifyAs(skill.id, 'bob');
    expect(second.statusCode, second.body).toBe(200);
    expect(second.json()).toMatchObject({ certification: { certified: true, certified_by: 'bob', approved_by: ['alice', 'bob'], request: null } });
  });

  it('operators and auditors cannot approve or reject; a rejection closes the request', async () => {
    const skill = await f.skill(api.t.write, { certified: false });
    for (const roles of [['operator'], ['auditor']]) expect((await certifyAs(skill.id, 'eve', roles)).statusCode).toBe(403);
    await certifyAs(skill.id, 'alice');
    const url = `/api/v1/genesis/skills/${skill.id}/certify/reject`;
    expect((await api.app.inject({ method: 'POST', url, headers: await api.auth(['operator']), payload: { reason: 'no' } })).statusCode).toBe(403);
    expect((await api.app.inject({ method: 'POST', url, headers: await api.auth(['governance'], 'bob'), payload: {} })).statusCode).toBe(422);
    const rejected = await api.app.inject({ method: 'POST', url, headers: await api.auth(['governance'], 'bob'), payload: { reason: 'scope unclear' } });
    expect(rejected.statusCode, rejected.body).toBe(200);
    expect(rejected.json()).toMatchObject({ certification: { certified: false, request: null } });
    const history = await api.app.inject({ method: 'GET', url: `/api/v1/entities/${skill.id}/history`, headers: await api.auth(['auditor']) });
    expect(history.json<{ amendments: { operation: string; actor: string }[] }>().amendments.map((a) => `${a.operation}:${a.actor}`).slice(1)).toEqual(['certification_approval:alice', 'certification_rejected:bob']);
    const none = await api.app.inject({ method: 'POST', url, headers: await api.auth(['governance'], 'bob'), payload: { reason: 'again' } });
    expect(none.json()).toMatchObject({ status: 409, error_code: 'INVALID_STATE' });
  });
});
