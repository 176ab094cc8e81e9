import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../../src/core/roles.ts';
import { createTestApi, type TestApi } from '../support/api.ts';

interface EntityView {
  id: string;
  entity_type: string;
  name: string;
  version: number;
  status: string;
  certification?: { certified: boolean; certified_by: string | null };
  team_id?: string | null;
  agents?: string[];
  amendment_alignment: string;
  [key: string]: unknown;
}

describe('catalog routes (genesis, agents, teams)', () => {
  let api: TestApi;
  let gov: { authorization: string };
  let ops: { authorization: string };
  let reader: { authorization: string };

  const post = async (url: string, payload: unknown, headers: { authorization: string }) =>
    api.app.inject({ method: 'POST', url, payload: payload as object, headers });
  const get = async (url: string, headers: { authorization: string } = reader) => api.app.inject({ method: 'GET', url, headers });
  const created = async (url: string, payload: unknown, headers: { authorization: string }): Promise<EntityView> => {
    const res = await post(url, payload, headers);
    expect(res.statusCode, res.body).toBe(201);
    return res.json<EntityView>();
  };
  const certified = async (kind: 'skills' | 'job-roles', id: string): Promise<EntityView> => {
    const res = await post(`/api/v1/genesis/${kind}/${id}/certify`, { reason: 'approved' }, gov);
    expect(res.statusCode, res.body).toBe(200);
    return res.json<EntityView>();
  };
  let n = 0;
  const name = (p: string): string => `${p} ${++n}`;

  beforeAll(async () => {
    api = await createTestApi('pglite');
    gov = await api.auth(['governance'] as Role[], 'gov-alice');
    ops = await api.auth(['operator'], 'ops-bob');
    reader = await api.auth(['reader'], 'reader-carol');
  });
  afterAll(async () => {
    await api.close();
  });

  describe('skills', () => {
    it('happy: create (201, seed fields), get, list with category filter, certify records the token subject', async () => {
      const skill = await created('/api/v1/genesis/skills', { name: name('SEO'), description: 'Search', category: 'technical' }, gov);
      expect(skill).toMatchObject({ entity_type: 'Skill', version: 1, status: 'active', governance_agent_id: 'genesis', append_only: true, amendment_count: 1 });
      expect(skill.l0_compliance_status).toEqual({ l0_01: true, l0_02: true, l0_03: true, l0_04: true, l0_05: true });
      expect(skill.certification?.certified).toBe(false);
      expect((await get(`/api/v1/genesis/skills/${skill.id}`)).json<EntityView>().id).toBe(skill.id);
      const list = await get('/api/v1/genesis/skills?category=technical&limit=200');
      expect(list.json<EntityView[]>().map((s) => s.id)).toContain(skill.id);
      expect((await get('/api/v1/genesis/skills?category=soft_skill')).json<EntityView[]>().map((s) => s.id)).not.toContain(skill.id);
      const cert = await certified('skills', skill.id);
      expect(cert.certification).toMatchObject({ certified: true, certified_by: 'gov-alice' });
      const history = (await get(`/api/v1/entities/${skill.id}/history`)).json<{ amendments: { actor: string; operation: string; hash: string; prev_hash: string }[] }>();
      expect(history.amendments.map((a) => [a.operation, a.actor])).toEqual([['create', 'gov-alice'], ['certify', 'gov-alice']]);
      expect(history.amendments[1]?.prev_hash).toBe(history.amendments[0]?.hash);
    });

    it('happy: the seed accepted arbitrary certify bodies; they are accepted and ignored', async () => {
      const skill = await created('/api/v1/genesis/skills', { name: name('Legacy'), description: 'd', category: 'technical' }, gov);
      const res = await post(`/api/v1/genesis/skills/${skill.id}/certify`, { reason: 'legacy client', certified: false, timestamp: 'now', gate: 'x' }, gov);
      expect(res.json<EntityView>().certification?.certified).toBe(true);
    });

    it('errors: 409 duplicate, 422 rule violations with codes, 422 schema errors naming fields, 404 unknown id', async () => {
      const base = { name: name('Dup'), description: 'd', category: 'technical' };
      await created('/api/v1/genesis/skills', base, gov);
      const dup = await post('/api/v1/genesis/skills', { ...base, name: base.name.toLowerCase() }, gov);
      expect(dup.statusCode).toBe(409);
      expect(dup.json()).toMatchObject({ error_code: 'DUPLICATE_ENTITY', detail: `Skill '${base.name.toLowerCase()}' already exists` });
      const rules = await post('/api/v1/genesis/skills', { name: name('Bad'), description: ' ', category: 'sales' }, gov);
      expect(rules.statusCode).toBe(422);
      expect(rules.json<{ violations: { code: string }[] }>().violations.map((v) => v.code)).toEqual(['L1-SKILL-02', 'L1-SKILL-03']);
      const schema = await post('/api/v1/genesis/skills', { name: 5, category: 'technical', extra: true }, gov);
      expect(schema.statusCode).toBe(422);
      expect(schema.json<{ errors: { field: string }[] }>().errors.map((e) => e.field).sort()).toEqual(['body/description', 'body/extra', 'body/name']);
      expect((await get(`/api/v1/genesis/skills/${randomUUID()}`)).statusCode).toBe(404);
      expect((await get('/api/v1/genesis/skills/not-a-uuid')).json()).toMatchObject({ error_code: 'VALIDATION_ERROR' });
      expect((await get('/api/v1/genesis/skills?limit=0')).statusCode).toBe(422);
      expect((await get('/api/v1/genesis/skills?limit=201')).statusCode).toBe(422);
      const twice = await post(`/api/v1/genesis/skills/${(await created('/api/v1/genesis/skills', { name: name('T'), description: 'd', category: 'technical' }, gov)).id}/decertify`, { reason: 'again' }, gov);
      expect(twice.json()).toMatchObject({ error_code: 'INVALID_STATE' });
    });

    it('security: an operator cannot create or certify skills; a reader cannot write', async () => {
      expect((await post('/api/v1/genesis/skills', { name: name('X'), description: 'd', category: 'technical' }, ops)).statusCode).toBe(403);
      const skill = await created('/api/v1/genesis/skills', { name: name('Y'), description: 'd', category: 'technical' }, gov);
      expect((await post(`/api/v1/genesis/skills/${skill.id}/certify`, {}, ops)).statusCode).toBe(403);
      expect((await post(`/api/v1/genesis/skills/${skill.id}/certify`, {}, reader)).statusCode).toBe(403);
    });
  });

  describe('job roles, industries, agents, teams and entity operations', () => {
    it('happy: the full governance flow, with membership kept consistent both ways', async () => {
      const industry = await created('/api/v1/genesis/industries', { name: name('Retail'), description: 'Shops' }, gov);
      const skill = await certified('skills', (await created('/api/v1/genesis/skills', { name: name('Ads'), description: 'd', category: 'technical' }, gov)).id);
      const roleDraft = await created('/api/v1/genesis/job-roles', { name: name('Ads Manager'), description: 'd', required_skills: [skill.id], industry_id: industry.id, seniority_level: 'senior' }, gov);
      expect(roleDraft).toMatchObject({ seniority_level: 'senior', required_skills: [skill.id], industry_id: industry.id });
      const role = await certified('job-roles', roleDraft.id);
      const agentBody = { skill_id: skill.id, job_role_id: role.id, industry_id: industry.id };
      const a1 = await created('/api/v1/agents', { name: name('Ava'), ...agentBody }, ops);
      const a2 = await created('/api/v1/agents', { name: name('Nova'), ...agentBody }, ops);
      const team = await created('/api/v1/teams', { name: name('Team'), description: 'd', job_role_id: role.id, agents: [a1.id] }, ops);
      expect((await get(`/api/v1/agents/${a1.id}`)).json<EntityView>().team_id).toBe(team.id);
      const moved = await post(`/api/v1/agents/${a2.id}/assign-team`, { team_id: team.id }, ops);
      expect(moved.statusCode, moved.body).toBe(200);
      expect((await get(`/api/v1/teams/${team.id}`)).json<EntityView>().agents).toEqual([a1.id, a2.id]);
      expect((await get(`/api/v1/agents?job_role_id=${role.id}`)).json<EntityView[]>().map((a) => a.id)).toEqual([a1.id, a2.id]);
      expect((await get(`/api/v1/genesis/job-roles?industry_id=${industry.id}&seniority_level=senior`)).json<EntityView[]>()).toHaveLength(1);
      const audit = await api.app.inject({ method: 'POST', url: `/api/v1/audit/run?entity_id=${team.id}`, headers: await api.auth(['auditor']) });
      expect(audit.json()).toMatchObject({ total_entities: 1, compliant: 1 });
    });

    it("happy: the seed's ?team_id= form of assign-team", async () => {
      const industry = await created('/api/v1/genesis/industries', { name: name('Edu'), description: 'd' }, gov);
      const skill = await certified('skills', (await created('/api/v1/genesis/skills', { name: name('Math'), description: 'd', category: 'domain_expertise' }, gov)).id);
      const role = await certified('job-roles', (await created('/api/v1/genesis/job-roles', { name: name('Tutor'), description: 'd', required_skills: [skill.id] }, gov)).id);
      const body = { skill_id: skill.id, job_role_id: role.id, industry_id: industry.id };
      const a1 = await created('/api/v1/agents', { name: name('A'), ...body }, ops);
      const a2 = await created('/api/v1/agents', { name: name('B'), ...body }, ops);
      const team = await created('/api/v1/teams', { name: name('T'), description: 'd', job_role_id: role.id, agents: [a1.id] }, ops);
      const res = await api.app.inject({ method: 'POST', url: `/api/v1/agents/${a2.id}/assign-team?team_id=${team.id}`, headers: ops });
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json<EntityView>().team_id).toBe(team.id);
    });

    it('errors: missing references are 422 naming the field; a missing path entity is 404; rule breaks list codes', async () => {
      const ghost = randomUUID();
      const role = await post('/api/v1/genesis/job-roles', { name: name('R'), description: 'd', required_skills: [ghost] }, gov);
      expect(role.statusCode).toBe(422);
      expect(role.json()).toMatchObject({ error_code: 'REFERENCE_NOT_FOUND', errors: [{ field: 'required_skills/0' }] });
      const agent = await post('/api/v1/agents', { name: name('Z'), skill_id: ghost, job_role_id: ghost, industry_id: ghost }, ops);
      expect(agent.json<{ errors: { field: string }[] }>().errors.map((e) => e.field)).toEqual(['skill_id', 'job_role_id', 'industry_id']);
      expect((await post(`/api/v1/agents/${ghost}/assign-team`, { team_id: ghost }, ops)).statusCode).toBe(404);
      const noTeam = await post(`/api/v1/agents/${ghost}/assign-team`, {}, ops);
      expect(noTeam.statusCode).toBe(422);
      const emptyTeam = await post('/api/v1/teams', { name: name('E'), description: 'd', job_role_id: ghost, agents: [] }, ops);
      expect(emptyTeam.statusCode).toBe(422);
    });

    it('entity operations: evolve, deprecate with successor, archive, soft delete; history and 404s', async () => {
      const s1 = await created('/api/v1/genesis/skills', { name: name('Old'), description: 'd', category: 'technical' }, gov);
      const s2 = await created('/api/v1/genesis/skills', { name: name('New'), description: 'd', category: 'technical' }, gov);
      const evolved = await post(`/api/v1/entities/${s1.id}/evolve`, { changes: { description: 'better' }, reason: 'clarity' }, gov);
      expect(evolved.json()).toMatchObject({ version: 2, description: 'better' });
      const badEvolve = await post(`/api/v1/entities/${s1.id}/evolve`, { changes: { certification: {} } }, gov);
      expect(badEvolve.json()).toMatchObject({ error_code: 'VALIDATION_ERROR', errors: [{ field: 'changes/certification' }] });
      const dep = await post(`/api/v1/entities/${s1.id}/deprecate`, { reason: 'replaced', successor_id: s2.id }, gov);
      expect(dep.json()).toMatchObject({ status: 'deprecated', superseded_by: s2.id });
      expect((await get(`/api/v1/entities/${s2.id}`)).json()).toMatchObject({ supersedes: s1.id });
      expect((await post(`/api/v1/entities/${s1.id}/archive`, { reason: 'old' }, gov)).json()).toMatchObject({ status: 'archived' });
      const del = await api.app.inject({ method: 'DELETE', url: `/api/v1/entities/${s1.id}?reason=cleanup`, headers: gov });
      expect(del.json()).toMatchObject({ status: 'deleted' });
      expect((await api.app.inject({ method: 'DELETE', url: `/api/v1/entities/${s1.id}`, headers: gov })).json()).toMatchObject({ error_code: 'INVALID_STATE' });
      expect((await get(`/api/v1/entities/${s1.id}`)).json()).toMatchObject({ status: 'deleted' });
      expect((await get('/api/v1/genesis/skills?status=deleted&limit=200')).json<EntityView[]>().map((s) => s.id)).toContain(s1.id);
      expect((await get(`/api/v1/entities/${randomUUID()}/history`)).statusCode).toBe(404);
      expect((await post(`/api/v1/entities/${randomUUID()}/evolve`, { changes: { name: 'x' } }, gov)).statusCode).toBe(404);
    });

    it('security: write role follows the entity kind (operator cannot evolve a skill, governance cannot delete an agent)', async () => {
      const skill = await created('/api/v1/genesis/skills', { name: name('Guarded'), description: 'd', category: 'technical' }, gov);
      const res = await post(`/api/v1/entities/${skill.id}/evolve`, { changes: { description: 'x' } }, ops);
      expect(res.statusCode).toBe(403);
      expect(res.json()).toMatchObject({ error_code: 'FORBIDDEN' });
      expect((await post('/api/v1/agents', { name: 'x', skill_id: skill.id, job_role_id: skill.id, industry_id: skill.id }, gov)).statusCode).toBe(403);
    });

    it('lists page with a stable cursor', async () => {
      for (let i = 0; i < 5; i++) await created('/api/v1/genesis/industries', { name: name('Page'), description: 'd' }, gov);
      const first = await get('/api/v1/genesis/industries?limit=2');
      const cursor = first.headers['x-next-cursor'];
      expect(typeof cursor).toBe('string');
      const second = await get(`/api/v1/genesis/industries?limit=2&cursor=${String(cursor)}`);
      const ids = [...first.json<EntityView[]>(), ...second.json<EntityView[]>()].map((e) => e.id);
      expect(new Set(ids).size).toBe(4);
      expect([...ids].sort()).toEqual(ids);
      const byOffset = await get('/api/v1/genesis/industries?limit=2&offset=2');
      expect(byOffset.json<EntityView[]>().map((e) => e.id)).toEqual(second.json<EntityView[]>().map((e) => e.id));
    });
  });
});
