import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyChain } from '../../src/core/chain.ts';
import { evolve } from '../../src/core/use-cases/evolve.ts';
import { postgresReachable } from '../support/engines.ts';
import * as f from '../support/factories.ts';
import { createTestLedger, GOVERNANCE, type TestLedger } from '../support/ledger.ts';

describe.skipIf(!(await postgresReachable()))('concurrent writers on PostgreSQL', () => {
  let t: TestLedger;
  beforeAll(async () => {
    t = await createTestLedger('postgres');
  });
  afterAll(async () => {
    await t.close();
  });

  it('50 concurrent evolves of one entity give versions 1..51, gap-free, one unforked chain', async () => {
    const skill = await f.skill(t.write, { certified: false });
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) => evolve(t.write, GOVERNANCE, skill.id, { changes: { description: `writer ${i}` } })),
    );
    expect(new Set(results.map((r) => r.version))).toEqual(new Set(Array.from({ length: 50 }, (_, i) => i + 2)));
    const history = await t.store.getAmendments(skill.id);
    expect(history.map((a) => a.payload.version)).toEqual(Array.from({ length: 51 }, (_, i) => i + 1));
    const stored = await t.store.getEntity(skill.id);
    const report = await verifyChain(history, t.verifier, { entityId: skill.id, head: stored?.hash_chain_head ?? '', count: stored?.amendment_count ?? 0 });
    expect(report.intact).toBe(true);
    expect(stored?.version).toBe(51);
  });

  it('concurrent team moves and decertification never deadlock into a failure or fork', async () => {
    const g = await f.graph(t.write);
    const agents = await Promise.all(Array.from({ length: 6 }, () => f.agent(t.write, g)));
    const teamA = await f.team(t.write, g, [agents[0]?.id ?? '']);
    const teamB = await f.team(t.write, g, [agents[1]?.id ?? '']);
    const { assignTeam } = await import('../../src/core/use-cases/assign-team.ts');
    const { OPERATOR } = await import('../support/ledger.ts');
    await Promise.all(agents.slice(2).flatMap((a, i) => [assignTeam(t.write, OPERATOR, a.id, i % 2 === 0 ? teamA.id : teamB.id)]));
    for (const id of [teamA.id, teamB.id, ...agents.map((a) => a.id)]) {
      const stored = await t.store.getEntity(id);
      const report = await verifyChain(await t.store.getAmendments(id), t.verifier, { entityId: id, head: stored?.hash_chain_head ?? '', count: stored?.amendment_count ?? 0 });
      expect(report.intact).toBe(true);
    }
  });
});
