import { describe, expect, it } from 'vitest';
import { runAudit } from '../../../src/core/use-cases/audit.ts';
import { certify, decertify } from '../../../src/core/use-cases/certification.ts';
import { createAgent, createSkill } from '../../../src/core/use-cases/create.ts';
import { assignTeam } from '../../../src/core/use-cases/assign-team.ts';
import { evolve } from '../../../src/core/use-cases/evolve.ts';
import { archive, deprecate, softDelete } from '../../../src/core/use-cases/lifecycle.ts';
import * as f from '../../support/factories.ts';
import { AUDITOR, GOVERNANCE, OPERATOR } from '../../support/ledger.ts';
import { memoryLedger } from '../../support/memory.ts';
import type { TeamContent } from '../../../src/core/entity.ts';

/** Use cases on the in-memory ledger: no database, a fixed clock, fixed ids. */
describe('use cases on the in-memory ledger', () => {
  it('a create is deterministic: same clock, ids and key give the same id, timestamp and hash', async () => {
    const run = async (): Promise<{ id: string; at: string; hash: string }> => {
      const m = await memoryLedger();
      const skill = await createSkill(m.write, GOVERNANCE, { name: 'Copywriting', description: 'Landing pages', category: 'technical' });
      return { id: skill.id, at: skill.created_at, hash: skill.version_hash };
    };
    const [a, b] = [await run(), await run()];
    expect(a).toEqual(b);
    expect(a.id).toBe('01900000-0000-7000-8000-000000000001');
    expect(a.at).toBe('2026-01-01T00:00:00.000Z');
  });

  it('an agent is born only from a certified skill of a certified role (L1-AGENT-06)', async () => {
    const m = await memoryLedger();
    const g = await f.graph(m.write);
    const raw = await f.skill(m.write, { certified: false });
    await expect(
      createAgent(m.write, OPERATOR, { name: 'Nope', skill_id: raw.id, job_role_id: g.role.id, industry_id: g.industry.id }),
    ).rejects.toMatchObject({ code: 'CONSTITUTIONAL_VIOLATION' });
    const agent = await f.agent(m.write, g);
    expect(agent.version).toBe(1);
  });

  it('decertifying a skill flags its role and agents for review, and the audit reports them', async () => {
    const m = await memoryLedger();
    const g = await f.graph(m.write);
    const agent = await f.agent(m.write, g);
    await decertify(m.write, GOVERNANCE, 'Skill', g.skill.id, { reason: 'outdated' });
    expect((await m.store.getEntity(g.role.id))?.content.amendment_alignment).toBe('requires_review');
    expect((await m.store.getEntity(agent.id))?.content.amendment_alignment).toBe('requires_review');
    const report = await runAudit(m.audit, AUDITOR);
    expect(report.statistics.hash_chain_intact).toBe(report.total_entities);
    expect(report.warnings.map((w) => w.entity_id).sort()).toEqual([g.role.id, agent.id].sort());
  });

  it('evolve appends a linked, signed version; certify needs governance', async () => {
    const m = await memoryLedger();
    const skill = await f.skill(m.write, { certified: false });
    const evolved = await evolve(m.write, GOVERNANCE, skill.id, { changes: { description: 'second' } });
    const [v1, v2] = await m.store.getAmendments(skill.id);
    expect(v2?.payload.prev_hash).toBe(v1?.hash);
    expect(evolved.version_hash).toBe(v2?.hash);
    await expect(certify(m.write, OPERATOR, 'Skill', skill.id, { reason: 'x' })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    const report = await runAudit(m.audit, AUDITOR);
    expect(report.compliant).toBe(report.total_entities);
  });

  it('deprecate links a successor both ways; archive and delete follow the lifecycle and refuse going back', async () => {
    const m = await memoryLedger();
    const old = await f.skill(m.write);
    const next = await f.skill(m.write);
    const deprecated = await deprecate(m.write, GOVERNANCE, old.id, { reason: 'replaced', successor_id: next.id });
    expect(deprecated.content).toMatchObject({ status: 'deprecated', superseded_by: next.id });
    expect((await m.store.getEntity(next.id))?.content.supersedes).toBe(old.id);
    await expect(deprecate(m.write, GOVERNANCE, old.id, { reason: 'again' })).rejects.toMatchObject({ code: 'INVALID_STATE' });
    await expect(deprecate(m.write, GOVERNANCE, next.id, { reason: 'self', successor_id: next.id })).rejects.toMatchObject({ code: 'VALIDATION_ERROR' });
    expect((await archive(m.write, GOVERNANCE, old.id, 'retired')).content.status).toBe('archived');
    expect((await softDelete(m.write, GOVERNANCE, old.id, 'gone')).content.status).toBe('deleted');
    await expect(archive(m.write, GOVERNANCE, old.id, 'back')).rejects.toMatchObject({ code: 'INVALID_STATE' });
    expect((await m.store.getAmendments(old.id)).map((a) => a.payload.operation)).toEqual(['create', 'certify', 'deprecate', 'archive', 'delete']);
    const report = await runAudit(m.audit, AUDITOR);
    expect(report.statistics.hash_chain_intact).toBe(report.total_entities);
  });

  it('assign-team moves an agent between teams, never empties one, and is idempotent', async () => {
    const m = await memoryLedger();
    const g = await f.graph(m.write);
    const [a1, a2, a3] = [await f.agent(m.write, g), await f.agent(m.write, g), await f.agent(m.write, g)];
    const team1 = await f.team(m.write, g, [a1.id]);
    const team2 = await f.team(m.write, g, [a2.id, a3.id]);
    await expect(assignTeam(m.write, OPERATOR, a1.id, team2.id)).rejects.toMatchObject({ code: 'CONSTITUTIONAL_VIOLATION' });
    await assignTeam(m.write, OPERATOR, a3.id, team1.id);
    expect(((await m.store.getEntity(team1.id))?.content as TeamContent).agents).toEqual([a1.id, a3.id]);
    expect(((await m.store.getEntity(team2.id))?.content as TeamContent).agents).toEqual([a2.id]);
    const before = (await m.store.getAmendments(a3.id)).length;
    await assignTeam(m.write, OPERATOR, a3.id, team1.id);
    expect((await m.store.getAmendments(a3.id)).length).toBe(before);
  });

  it('an agent leaves its team (both sides amended), never the last member; archiving or deleting a member takes it out', async () => {
    const m = await memoryLedger();
    const g = await f.graph(m.write);
    const [a1, a2, a3] = [await f.agent(m.write, g), await f.agent(m.write, g), await f.agent(m.write, g)];
    const team = await f.team(m.write, g, [a1.id, a2.id, a3.id]);
    const members = async (): Promise<string[]> => ((await m.store.getEntity(team.id))?.content as TeamContent).agents;

    const left = await assignTeam(m.write, OPERATOR, a3.id, null, 'moving on');
    expect(left.content.team_id).toBeNull();
    expect(await members()).toEqual([a1.id, a2.id]);
    expect((await m.store.getAmendments(team.id)).at(-1)?.payload).toMatchObject({ operation: 'assign_team', reason: 'moving on' });
    const count = (await m.store.getAmendments(a3.id)).length;
    await assignTeam(m.write, OPERATOR, a3.id, null);
    expect((await m.store.getAmendments(a3.id)).length).toBe(count);

    const archived = await archive(m.write, OPERATOR, a2.id, 'retired');
    expect(archived.content).toMatchObject({ status: 'archived', team_id: null });
    expect(await members()).toEqual([a1.id]);
    expect((await m.store.getAmendments(team.id)).at(-1)?.payload.reason).toBe(`agent ${a2.id} was archived`);

    // The last member cannot leave, be archived or be deleted: the team would be empty (L1-TEAM-01).
    for (const attempt of [assignTeam(m.write, OPERATOR, a1.id, null), archive(m.write, OPERATOR, a1.id, null), softDelete(m.write, OPERATOR, a1.id, null)]) {
      await expect(attempt).rejects.toMatchObject({ code: 'CONSTITUTIONAL_VIOLATION', violations: [{ code: 'L1-TEAM-01' }] });
    }
    expect((await m.store.getEntity(a1.id))?.content).toMatchObject({ status: 'active', team_id: team.id });
    const report = await runAudit(m.audit, AUDITOR);
    expect(report.compliant).toBe(report.total_entities);
  });
});
