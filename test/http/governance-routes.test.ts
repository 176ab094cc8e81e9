import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decertify } from '../../src/core/use-cases/certification.ts';
import { engines } from '../support/engines.ts';
import * as f from '../support/factories.ts';
import { createTestApi, type TestApi } from '../support/api.ts';
import { GOVERNANCE } from '../support/ledger.ts';

describe.each(await engines())('governance queue and reviews over HTTP (%s)', (engine) => {
  let api: TestApi;
  let g: f.Graph;
  let agentId: string;
  beforeAll(async () => {
    api = await createTestApi(engine);
    g = await f.graph(api.t.write);
    agentId = (await f.agent(api.t.write, g)).id;
    await decertify(api.t.write, GOVERNANCE, 'Skill', g.skill.id, { reason: 'outdated' });
  });
  afterAll(async () => {
    await api.close();
  });

  it('lists filter by alignment and certification, together with the other filters', async () => {
    const reader = await api.auth(['reader']);
    const flagged = await api.app.inject({ method: 'GET', url: `/api/v1/agents?amendment_alignment=requires_review&industry_id=${g.industry.id}`, headers: reader });
    expect(flagged.json<{ id: string }[]>().map((a) => a.id)).toEqual([agentId]);
    const uncertified = await api.app.inject({ method: 'GET', url: '/api/v1/genesis/skills?certified=false', headers: reader });
    expect(uncertified.json<{ id: string }[]>().map((s) => s.id)).toContain(g.skill.id);
    const certified = await api.app.inject({ method: 'GET', url: '/api/v1/genesis/skills?certified=true', headers: reader });
    expect(certified.json<{ id: string }[]>().map((s) => s.id)).not.toContain(g.skill.id);
    const bad = await api.app.inject({ method: 'GET', url: '/api/v1/agents?amendment_alignment=maybe', headers: reader });
    expect(bad.json()).toMatchObject({ status: 422, error_code: 'VALIDATION_ERROR', errors: [{ field: expect.stringContaining('amendment_alignment') as unknown }] });
  });

  it('the queue shows what was flagged and why, oldest first; a bad cursor is a 422', async () => {
    const reader = await api.auth(['reader']);
    const res = await api.app.inject({ method: 'GET', url: '/api/v1/governance/queue?limit=50', headers: reader });
    expect(res.statusCode, res.body).toBe(200);
    const page = res.json<{ items: { entity_id: string; type: string; cause: { operation: string; reason: string } | null; waiting_since: string }[]; next_cursor: string | null }>();
    expect(page.items.map((i) => i.entity_id).sort()).toEqual([g.role.id, agentId].sort());
    expect(page.items[0]).toMatchObject({ type: 'review', cause: { operation: 'require_review', reason: `Skill ${g.skill.id} was decertified` } });
    expect(page.next_cursor).toBeNull();
    const bad = await api.app.inject({ method: 'GET', url: '/api/v1/governance/queue?cursor=garbage', headers: reader });
    expect(bad.json()).toMatchObject({ status: 422, error_code: 'VALIDATION_ERROR', errors: [{ field: 'cursor' }] });
  });

  it('only governance reviews; a decision needs an outcome and a reason; the review is a signed amendment', async () => {
    const url = `/api/v1/entities/${g.role.id}/review`;
    for (const roles of [['operator'], ['auditor'], ['reader']] as const) {
      const refused = await api.app.inject({ method: 'POST', url, headers: await api.auth([...roles]), payload: { outcome: 'decertify', reason: 'x' } });
      expect(refused.statusCode, roles.join()).toBe(403);
    }
    const gov = await api.auth(['governance'], 'gov-2');
    for (const payload of [{ outcome: 'maybe', reason: 'x' }, { outcome: 'still_valid' }, { outcome: 'still_valid', reason: '' }, { outcome: 'still_valid', reason: 'x', extra: 1 }]) {
      const bad = await api.app.inject({ method: 'POST', url, headers: gov, payload });
      expect(bad.statusCode, JSON.stringify(payload)).toBe(422);
    }
    const violating = await api.app.inject({ method: 'POST', url, headers: gov, payload: { outcome: 'still_valid', reason: 'looks fine' } });
    expect(violating.json()).toMatchObject({ status: 422, error_code: 'CONSTITUTIONAL_VIOLATION' });
    const done = await api.app.inject({ method: 'POST', url, headers: gov, payload: { outcome: 'decertify', reason: 'its skill was withdrawn' } });
    expect(done.statusCode, done.body).toBe(200);
    expect(done.json()).toMatchObject({ id: g.role.id, amendment_alignment: 'aligned' });
    const history = await api.app.inject({ method: 'GET', url: `/api/v1/entities/${g.role.id}/history`, headers: gov });
    expect(history.json<{ amendments: { operation: string; actor: string; reason: string }[] }>().amendments.at(-1)).toMatchObject({ operation: 'decertify', actor: 'gov-2', reason: 'its skill was withdrawn' });
    const again = await api.app.inject({ method: 'POST', url, headers: gov, payload: { outcome: 'still_valid', reason: 'x' } });
    expect(again.json()).toMatchObject({ status: 409, error_code: 'INVALID_STATE' });
    const missing = await api.app.inject({ method: 'POST', url: '/api/v1/entities/01900000-0000-7000-8000-00000000dead/review', headers: gov, payload: { outcome: 'still_valid', reason: 'x' } });
    expect(missing.statusCode).toBe(404);
  });

  it('an agent leaves its team with {"team_id": null}; the last member cannot', async () => {
    const ops = await api.auth(['operator']);
    const fresh = await f.graph(api.t.write);
    const [a1, a2] = [await f.agent(api.t.write, fresh), await f.agent(api.t.write, fresh)];
    const team = await f.team(api.t.write, fresh, [a1.id, a2.id]);
    const leave = (id: string) => api.app.inject({ method: 'POST', url: `/api/v1/agents/${id}/assign-team`, headers: ops, payload: { team_id: null, reason: 'reorganised' } });
    const left = await leave(a2.id);
    expect(left.statusCode, left.body).toBe(200);
    expect(left.json()).toMatchObject({ id: a2.id, team_id: null });
    const teamNow = await api.app.inject({ method: 'GET', url: `/api/v1/teams/${team.id}`, headers: ops });
    expect(teamNow.json()).toMatchObject({ agents: [a1.id] });
    const last = await leave(a1.id);
    expect(last.json()).toMatchObject({ status: 422, error_code: 'CONSTITUTIONAL_VIOLATION', violations: [{ code: 'L1-TEAM-01' }] });
  });

  it('a drifted embedding waits in the queue as embedding_drift', async () => {
    const skill = await f.skill(api.t.write, { certified: false });
    // What the quality run records (an operational column, not a signed amendment).
    await api.t.owner.query(`UPDATE entities SET drift_detector = '{"drifted": true, "similarity": 0.42}' WHERE id = $1`, [skill.id]);
    const page = (await api.app.inject({ method: 'GET', url: '/api/v1/governance/queue?limit=200', headers: await api.auth(['reader']) })).json<{ items: { entity_id: string; type: string; cause: unknown; drift: unknown }[] }>();
    expect(page.items.find((i) => i.entity_id === skill.id)).toMatchObject({ type: 'embedding_drift', cause: null, drift: { drifted: true, similarity: 0.42 } });
  });

  it('decisions: listed with links, searched by reason in full text, filtered; an unknown precedent is refused', async () => {
    const gov = await api.auth(['governance'], 'carol');
    const skill = await f.skill(api.t.write, { certified: false });
    const first = await api.app.inject({ method: 'POST', url: `/api/v1/genesis/skills/${skill.id}/certify`, headers: gov, payload: { reason: 'Certifying after the guild review of the curriculum' } });
    expect(first.statusCode, first.body).toBe(200);
    const cited = first.json<{ version_hash: string }>().version_hash;
    const unknown = await api.app.inject({ method: 'POST', url: `/api/v1/genesis/skills/${skill.id}/decertify`, headers: gov, payload: { reason: 'x', precedents: ['ab'.repeat(32)] } });
    expect(unknown.json()).toMatchObject({ status: 422, error_code: 'REFERENCE_NOT_FOUND', errors: [{ field: 'precedents/0' }] });
    const malformed = await api.app.inject({ method: 'POST', url: `/api/v1/genesis/skills/${skill.id}/decertify`, headers: gov, payload: { reason: 'x', precedents: ['nope'] } });
    expect(malformed.json()).toMatchObject({ status: 422, error_code: 'VALIDATION_ERROR' });
    const revoked = await api.app.inject({ method: 'POST', url: `/api/v1/genesis/skills/${skill.id}/decertify`, headers: gov, payload: { reason: 'Curriculum withdrawn by the guild', precedents: [cited] } });
    expect(revoked.statusCode, revoked.body).toBe(200);

    const reader = await api.auth(['reader']);
    const list = async (query: string) =>
      (await api.app.inject({ method: 'GET', url: `/api/v1/governance/decisions?${query}`, headers: reader })).json<{ decisions: { operation: string; actor: string; reason: string; precedents: string[]; entity_id: string }[] }>();
    const mine = await list(`entity_id=${skill.id}`);
    expect(mine.decisions.map((d) => d.operation)).toEqual(['decertify', 'certify']);
    expect(mine.decisions[0]).toMatchObject({ actor: 'carol', precedents: [cited] });
    // Full text on PostgreSQL stems words: "certified" finds "Certifying".
    expect((await list('q=certified%20curriculum&actor=carol')).decisions.map((d) => d.operation)).toEqual(['certify']);
    expect((await list(`operation=decertify&entity_id=${skill.id}`)).decisions).toHaveLength(1);
    expect((await list('since=2999-01-01')).decisions).toEqual([]);
    const bad = await api.app.inject({ method: 'GET', url: '/api/v1/governance/decisions?operation=evolve', headers: reader });
    expect(bad.statusCode).toBe(422);
  });
});
