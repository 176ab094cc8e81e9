import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyCheckpointNote } from '../../src/core/checkpoint.ts';
import { runAudit } from '../../src/core/use-cases/audit.ts';
import { evolve } from '../../src/core/use-cases/evolve.ts';
import { createTestApi, type TestApi } from '../support/api.ts';
import { engines } from '../support/engines.ts';
import * as f from '../support/factories.ts';
import { AUDITOR, GOVERNANCE } from '../support/ledger.ts';
import { verifyConsistency, verifyInclusion, amendmentLeaf } from '../../src/core/merkle.ts';

describe.each(await engines())('transparency log on %s', (engine) => {
  let api: TestApi;
  let reader: { authorization: string };
  const get = async <T,>(url: string): Promise<T> => {
    const res = await api.app.inject({ method: 'GET', url, headers: reader });
    expect(res.statusCode, res.body).toBe(200);
    return res.json<T>();
  };

  beforeAll(async () => {
    api = await createTestApi(engine);
    reader = await api.auth(['reader']);
    await f.graph(api.t.write);
  });
  afterAll(async () => {
    await api.close();
  });

  it('every amendment is one leaf, in gap-free order, and leaf hashes are the amendments\'', async () => {
    const count = Number((await api.t.owner.query<{ n: string }>('SELECT count(*) AS n FROM amendments')).rows[0]?.n);
    const size = await api.t.log.store.size();
    expect(size).toBe(count);
    const { entries } = await get<{ entries: { leaf_index: number; amendment_hash: string; leaf_hash: string }[] }>(`/api/v1/log/entries?start=0&end=${size}`);
    expect(entries.map((e) => e.leaf_index)).toEqual(Array.from({ length: size }, (_, i) => i));
    for (const e of entries) expect(e.leaf_hash).toBe(amendmentLeaf(e.amendment_hash).toString('hex'));
  });

  it('serves a signed checkpoint and inclusion proofs that verify against it', async () => {
    const cp = await get<{ tree_size: number; root_hash: string; note: string; log_key: string }>('/api/v1/log/checkpoint');
    const note = await verifyCheckpointNote(cp.note, cp.log_key);
    expect(note.ok).toBe(true);
    if (!note.ok) return;
    expect(note.checkpoint).toMatchObject({ origin: 'test.plant/log', size: cp.tree_size });
    expect(cp.note).toMatch(/^test\.plant\/log\n\d+\n[A-Za-z0-9+/=]{44}\n\n\u2014 test\.plant\/log [A-Za-z0-9+/=]+\n$/);
    const history = await api.t.store.getAmendmentsFor(await api.t.store.listIds(['Skill']));
    for (const amendments of history.values()) {
      for (const a of amendments) {
        const proof = await get<{ leaf_index: number; proof: string[] }>(`/api/v1/log/proof/inclusion?hash=${a.hash}&tree_size=${cp.tree_size}`);
        expect(await verifyInclusion(proof.leaf_index, cp.tree_size, amendmentLeaf(a.hash), proof.proof.map((h) => Buffer.from(h, 'hex')), note.checkpoint.root)).toBe(true);
      }
    }
  });

  it('a later checkpoint is consistent with an earlier one', async () => {
    const first = await get<{ tree_size: number; root_hash: string }>('/api/v1/log/checkpoint');
    const skill = await f.skill(api.t.write, { certified: false });
    await evolve(api.t.write, GOVERNANCE, skill.id, { changes: { description: 'more' } });
    const { makeCheckpoint } = await import('../../src/core/use-cases/checkpoint.ts');
    const made = await makeCheckpoint(api.t.log);
    expect(made.size).toBe(first.tree_size + 2);
    const second = await get<{ tree_size: number; root_hash: string }>('/api/v1/log/checkpoint');
    const kept = await get<{ tree_size: number }>(`/api/v1/log/checkpoint?size=${first.tree_size}`);
    expect(kept.tree_size).toBe(first.tree_size);
    const proof = await get<{ proof: string[] }>(`/api/v1/log/proof/consistency?first=${first.tree_size}&second=${second.tree_size}`);
    expect(await verifyConsistency(first.tree_size, second.tree_size, Buffer.from(first.root_hash, 'hex'), Buffer.from(second.root_hash, 'hex'), proof.proof.map((h) => Buffer.from(h, 'hex')))).toBe(true);
  });

  it('errors: unknown leaf 404, out-of-range sizes 422, unkept checkpoint 404', async () => {
    const size = await api.t.log.store.size();
    expect((await api.app.inject({ method: 'GET', url: `/api/v1/log/proof/inclusion?hash=${'0'.repeat(64)}`, headers: reader })).statusCode).toBe(404);
    expect((await api.app.inject({ method: 'GET', url: `/api/v1/log/proof/consistency?first=2&second=${size + 1}`, headers: reader })).statusCode).toBe(422);
    expect((await api.app.inject({ method: 'GET', url: '/api/v1/log/checkpoint?size=1', headers: reader })).statusCode).toBe(404);
    expect((await api.app.inject({ method: 'GET', url: '/api/v1/log/entries?start=0&end=5000', headers: reader })).statusCode).toBe(422);
  });

  it('the tampering report checks each amendment against the log and the signed checkpoint', async () => {
    const skill = (await api.t.store.listIds(['Skill']))[0] ?? '';
    const auditor = await api.auth(['auditor']);
    const clean = await api.app.inject({ method: 'GET', url: `/api/v1/audit/tampering/${skill}`, headers: auditor });
    expect(clean.json()).toMatchObject({ tampered: false, broken_at_index: null });
    expect(clean.json<{ details: string[] }>().details[0]).toContain('in the log');
    // An amendment whose leaf went missing (owner, triggers off) is reported as tampered, by name.
    const [first] = await api.t.store.getAmendments(skill);
    await api.t.owner.transaction(async (tx) => {
      await tx.exec('ALTER TABLE log_leaves DISABLE TRIGGER USER');
      await tx.query('UPDATE log_leaves SET amendment_hash = $1 WHERE amendment_hash = $2', ['f'.repeat(64), first?.hash]);
      await tx.exec('ALTER TABLE log_leaves ENABLE TRIGGER USER');
    });
    const broken = await api.app.inject({ method: 'GET', url: `/api/v1/audit/tampering/${skill}`, headers: auditor });
    expect(broken.json()).toMatchObject({ tampered: true });
    expect(broken.json<{ details: string[] }>().details.join('\n')).toContain('is not a leaf of the log');
    await api.t.owner.transaction(async (tx) => {
      await tx.exec('ALTER TABLE log_leaves DISABLE TRIGGER USER');
      await tx.query('UPDATE log_leaves SET amendment_hash = $1 WHERE amendment_hash = $2', [first?.hash, 'f'.repeat(64)]);
      await tx.exec('ALTER TABLE log_leaves ENABLE TRIGGER USER');
    });
  });

  it('the audit checks the log too and finds it whole', async () => {
    const report = await runAudit(api.t.audit, AUDITOR, {});
    expect(report.log).toMatchObject({ problems: [] });
    expect(report.compliant).toBe(report.total_entities);
  });
});
