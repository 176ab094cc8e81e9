import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AgentContent, JobRoleContent, TeamContent } from '../../src/core/entity.ts';
import { runAudit } from '../../src/core/use-cases/audit.ts';
import { changedAnything, seedDemoCatalog } from '../../src/core/use-cases/seed-catalog.ts';
import { engines } from '../support/engines.ts';
import { AUDITOR, createTestLedger, type TestLedger } from '../support/ledger.ts';
import { DEMO_AGENT_NAMES, DEMO_ROLES, DEMO_SKILLS, DEMO_CATALOG } from '../../src/catalog/demo-catalog.ts';

describe.each(await engines())('demo catalog on %s', (engine) => {
  let t: TestLedger;
  beforeAll(async () => {
    t = await createTestLedger(engine);
    await seedDemoCatalog(t.write, DEMO_CATALOG);
  });
  afterAll(async () => {
    await t.close();
  });

  it("has the seed's counts and names", async () => {
    expect(await t.store.countByKind()).toEqual({ Agent: 50, Industry: 3, JobRole: 10, Skill: 19, Team: 6 });
    for (const name of DEMO_AGENT_NAMES) expect(await t.store.findByName('Agent', name), name).toBeDefined();
    for (const skill of DEMO_SKILLS) expect((await t.store.findByName('Skill', skill.name))?.content).toMatchObject({ category: skill.category });
  });

  it('is consistent: skills within roles, industries matching, teams of role holders, all certified', async () => {
    const ids = await t.store.listIds(['Agent', 'Team', 'JobRole']);
    const records = await t.store.getEntities(ids);
    for (const record of records.values()) {
      if (record.entity_type === 'Agent') {
        const agent = record.content as AgentContent;
        const role = records.get(agent.job_role_id)?.content as JobRoleContent;
        expect(role.required_skills).toContain(agent.skill_id);
        expect(agent.industry_id).toBe(role.industry_id);
      }
      if (record.entity_type === 'Team') {
        const team = record.content as TeamContent;
        expect(team.agents.length).toBeGreaterThan(0);
        for (const member of team.agents) {
          expect((records.get(member)?.content as AgentContent).job_role_id).toBe(team.job_role_id);
          expect((records.get(member)?.content as AgentContent).team_id).toBe(record.id);
        }
      }
      if (record.entity_type === 'JobRole') {
        expect((record.content as JobRoleContent).certification.certified).toBe(true);
        const seed = DEMO_ROLES.find((r) => r.name === record.content.name);
        expect((record.content as JobRoleContent).required_skills).toHaveLength(seed?.skills.length ?? -1);
      }
    }
  });

  it('passes every rule for every entity: the full audit is clean', async () => {
    const report = await runAudit(t.audit, AUDITOR, {});
    expect(report.total_entities).toBe(88);
    expect(report.violations).toEqual([]);
    expect(report.compliant).toBe(88);
    expect(report.statistics).toMatchObject({ l0_pass: 88, l1_pass: 88, hash_chain_intact: 88, requires_review: 0 });
    const certifiers = (await t.store.getAmendmentsFor(await t.store.listIds(['Skill']))).values();
    for (const chain of certifiers) expect(chain.map((a) => `${a.payload.operation}:${a.payload.actor}`)).toEqual(['create:genesis', 'certify:genesis']);
  });

  it('a second run changes no row and adds no amendment', async () => {
    const before = await t.owner.query<{ a: string; u: string }>('SELECT (SELECT count(*) FROM amendments)::text AS a, (SELECT max(updated_at) FROM entities)::text AS u');
    const again = await seedDemoCatalog(t.write, DEMO_CATALOG);
    expect(changedAnything(again)).toBe(false);
    expect(again.existing).toBe(88);
    const after = await t.owner.query<{ a: string; u: string }>('SELECT (SELECT count(*) FROM amendments)::text AS a, (SELECT max(updated_at) FROM entities)::text AS u');
    expect(after.rows).toEqual(before.rows);
  });
});
