import { describe, expect, it } from 'vitest';
import { runAudit } from '../../../src/core/use-cases/audit.ts';
import { certify, decertify } from '../../../src/core/use-cases/certification.ts';
import { createAgent, createSkill } from '../../../src/core/use-cases/create.ts';
import { evolve } from '../../../src/core/use-cases/evolve.ts';
import * as f from '../../support/factories.ts';
import { AUDITOR, GOVERNANCE, OPERATOR } from '../../support/ledger.ts';
import { memoryLedger } from '../../support/memory.ts';

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
});
