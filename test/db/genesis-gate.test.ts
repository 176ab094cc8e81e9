import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SkillContent } from '../../src/core/entity.ts';
import { certify } from '../../src/core/use-cases/certification.ts';
import { askGate } from '../../src/core/use-cases/genesis-gate.ts';
import { governanceQueue } from '../../src/core/use-cases/governance-queue.ts';
import { gateBackoffMs, genesisGate } from '../../src/jobs/genesis-gate.ts';
import { engines } from '../support/engines.ts';
import * as f from '../support/factories.ts';
import { startStubGate, type StubGate } from '../support/gate.ts';
import { createTestLedger, testConfig, type TestLedger } from '../support/ledger.ts';

const ALICE = { subject: 'alice', roles: ['governance'] };
const BOB = { subject: 'bob', roles: ['governance'] };

describe.each(await engines())('the Genesis gate before a certification completes (%s)', (engine) => {
  let t: TestLedger;
  let gate: StubGate;
  beforeAll(async () => {
    gate = await startStubGate();
    t = await createTestLedger(engine, 'Ed25519', {
      config: testConfig({ CERTIFICATION_QUORUM: '2', GENESIS_WEBHOOK_URL: gate.url, GENESIS_WEBHOOK_SECRET: gate.secret, GENESIS_WEBHOOK_TIMEOUT_MS: '1500' }),
    });
    await t.owner.query("UPDATE plant_settings SET value = '2' WHERE key = 'certification_quorum'");
  });
  afterAll(async () => {
    await t.close();
    await gate.stop();
  });

  const approved = async (): Promise<string> => {
    const skill = await f.skill(t.write, { certified: false });
    await certify(t.write, ALICE, 'Skill', skill.id, { reason: 'fine' });
    const waiting = await certify(t.write, BOB, 'Skill', skill.id, { reason: 'agreed' });
    // The quorum is reached, but nothing is certified without the gate's verdict.
    expect((waiting.content as SkillContent).certification).toMatchObject({ certified: false, request: { waiting_for_gate_since: expect.any(String) as unknown } });
    return skill.id;
  };
  const certification = async (id: string) => ((await t.store.getEntity(id))?.content as SkillContent).certification;
  const gateDeps = () => {
    if (t.deps.gate === null) throw new Error('the gate is not configured');
    return t.deps.gate;
  };

  it('approve: the certify amendment carries the verdict and the response hash; the request was signed', async () => {
    gate.behave('approve');
    const id = await approved();
    const round = await askGate(t.write, gateDeps(), (e) => e === id);
    expect(round.settled).toEqual([{ entity_id: id, verdict: 'approve' }]);
    const c = await certification(id);
    expect(c).toMatchObject({ certified: true, approved_by: ['alice', 'bob'], request: null, gate: { verdict: 'approve', reason: 'consistent with the constitution', response_hash: expect.stringMatching(/^[0-9a-f]{64}$/) as unknown } });
    const last = (await t.store.getAmendments(id)).at(-1);
    expect(last?.payload).toMatchObject({ operation: 'certify', actor: 'bob', reason: 'approved by the constitutional gate: consistent with the constitution' });
    const asked = gate.seen.filter((s) => s.body.data.entity_id === id);
    expect(asked).toHaveLength(1);
    expect(asked[0]?.verified).toBe(true);
    expect(asked[0]?.body.data.approvals).toHaveLength(2);
  });

  it('deny: the request is rejected with the gate\'s reason', async () => {
    gate.behave('deny');
    const id = await approved();
    await askGate(t.write, gateDeps(), (e) => e === id);
    expect(await certification(id)).toMatchObject({ certified: false, request: null, gate: { verdict: 'deny', reason: 'conflicts with article 4' } });
    expect((await t.store.getAmendments(id)).at(-1)?.payload).toMatchObject({ operation: 'certification_rejected', reason: 'denied by the constitutional gate: conflicts with article 4' });
  });

  it('slow, failing or nonsensical answers leave the request waiting (the queue says so), and it completes when the gate answers', async () => {
    const id = await approved();
    for (const b of ['slow', 'error', 'garbage'] as const) {
      gate.behave(b);
      const round = await askGate(t.write, gateDeps(), (e) => e === id);
      expect(round.unavailable.map((u) => u.entity_id), b).toEqual([id]);
      expect((await certification(id)).certified, b).toBe(false);
    }
    const item = (await governanceQueue(t.write, { limit: 200 })).items.find((i) => i.entity_id === id);
    expect(item?.request?.waiting_for_gate_since).toEqual(expect.any(String));
    // Another approval is refused while the verdict is awaited.
    await expect(certify(t.write, { subject: 'carol', roles: ['governance'] }, 'Skill', id, { reason: 'ok' })).rejects.toMatchObject({ code: 'INVALID_STATE' });
    gate.behave('approve');
    await askGate(t.write, gateDeps(), (e) => e === id);
    expect((await certification(id)).certified).toBe(true);
  });

  it('the background job retries with backoff while the gate is down, then records the verdict', async () => {
    const id = await approved();
    await gate.stop();
    const logged: string[] = [];
    const logger = { info: () => undefined, warn: (_: object, msg?: string) => logged.push(msg ?? ''), error: (_: object, msg?: string) => logged.push(msg ?? '') };
    const stop = genesisGate(t.write, gateDeps(), { intervalMs: 20, backoffMs: 10, maxBackoffMs: 40 }, logger).start();
    for (let i = 0; i < 200 && logged.length < 2; i++) await new Promise((r) => setTimeout(r, 10));
    expect(logged.some((m) => m.includes('gave no verdict: unreachable'))).toBe(true);
    expect((await certification(id)).certified).toBe(false);
    // The gate comes back on the same port.
    gate.behave('approve');
    await new Promise<void>((resolve) => gate.server.listen(Number(new URL(gate.url).port), '127.0.0.1', resolve));
    for (let i = 0; i < 300 && !(await certification(id)).certified; i++) await new Promise((r) => setTimeout(r, 10));
    await stop();
    expect(await certification(id)).toMatchObject({ certified: true, gate: { verdict: 'approve' } });
  });
});

describe('the gate backoff', () => {
  it('doubles per round without a verdict, from the first delay up to the cap', () => {
    const options = { backoffMs: 1000, maxBackoffMs: 60_000 };
    expect([1, 2, 3, 4, 6, 7, 20].map((n) => gateBackoffMs(n, options))).toEqual([1000, 2000, 4000, 8000, 32_000, 60_000, 60_000]);
  });
});
