import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LedgerStore } from '../../src/core/ports/ledger.ts';
import { evolve } from '../../src/core/use-cases/evolve.ts';
import { buildExportBundle, type ExportBundle, type ExportScope } from '../../src/core/use-cases/export-bundle.ts';
import { softDelete } from '../../src/core/use-cases/lifecycle.ts';
import { verifyBundle, type VerifyReport } from '../../src/core/use-cases/verify-bundle.ts';
import { engines } from '../support/engines.ts';
import * as f from '../support/factories.ts';
import { AUDITOR, createTestLedger, GOVERNANCE, type TestLedger } from '../support/ledger.ts';

const copy = (b: ExportBundle): ExportBundle => structuredClone(b);

describe.each(await engines())('export bundles hold the whole history, or say they are partial (%s)', (engine) => {
  let t: TestLedger;
  let deletedSkill: string;
  let evolvedSkill: string;
  let full: ExportBundle;

  const exportWith = async (scope: ExportScope = {}, store: LedgerStore = t.store): Promise<ExportBundle> =>
    (await buildExportBundle({ ...t.audit, store, keys: t.deps.keys, log: t.log }, AUDITOR, scope)).bundle;
  const verify = (bundle: ExportBundle): Promise<VerifyReport> => verifyBundle(bundle, { verifier: t.verifier, logKey: t.log.vkey });
  const entity = (bundle: ExportBundle, id: string): ExportBundle['entities'][number] => {
    const found = bundle.entities.find((e) => e.id === id);
    if (found === undefined) throw new Error(`${id} is not in the bundle`);
    return found;
  };
  const leafOf = (bundle: ExportBundle, id: string, version: number): number => {
    const leaf = entity(bundle, id).amendments.find((a) => a.payload.version === version)?.log?.leaf_index;
    if (leaf === undefined) throw new Error(`no leaf for ${id} v${version}`);
    return leaf;
  };

  beforeAll(async () => {
    t = await createTestLedger(engine);
    const g = await f.graph(t.write);
    await f.agent(t.write, g);
    const gone = await f.skill(t.write, { certified: false });
    await softDelete(t.write, GOVERNANCE, gone.id, 'cleanup');
    deletedSkill = gone.id;
    const kept = await f.skill(t.write, { certified: false });
    await evolve(t.write, GOVERNANCE, kept.id, { changes: { description: 'second' } });
    await evolve(t.write, GOVERNANCE, kept.id, { changes: { description: 'third' } });
    evolvedSkill = kept.id;
    full = await exportWith();
  });
  afterAll(async () => {
    await t.close();
  });

  it('a full export holds deleted entities with every amendment, and every leaf is accounted for', async () => {
    expect(full.scope).toEqual({ complete: true, entity_type: null, entity_ids: null });
    const gone = entity(full, deletedSkill);
    expect(gone.status).toBe('deleted');
    expect(gone.amendments.map((a) => a.payload.operation)).toEqual(['create', 'delete']);
    expect(full.signature_status.find((s) => s.entity_id === deletedSkill)).toEqual({ entity_id: deletedSkill, has_signature: true, signature_verified: true });
    const size = await t.log.store.size();
    const report = await verify(full);
    expect(report.problems).toEqual([]);
    expect(report).toMatchObject({ ok: true, partial: false, checked: { tree_size: size, leaves_claimed: size } });
    expect(full.entities.reduce((n, e) => n + e.amendments.length, 0)).toBe(size);
  });

  it('an entity dropped from a complete bundle is a coverage failure naming its leaves', async () => {
    const b = copy(full);
    const leaves = entity(b, deletedSkill).amendments.map((a) => a.log?.leaf_index);
    b.entities = b.entities.filter((e) => e.id !== deletedSkill);
    const report = await verify(b);
    expect(report.ok).toBe(false);
    expect(report.problems.map((p) => p.check)).toEqual(['coverage']);
    expect(report.problems[0]?.detail).toContain(`2 of ${String(report.checked.tree_size)} leaves are claimed by no amendment`);
    for (const leaf of leaves) expect(report.problems[0]?.detail).toMatch(new RegExp(`leaf [^)]*\\b${String(leaf)}\\b`));
  });

  it('one amendment dropped fails its chain and the coverage', async () => {
    const b = copy(full);
    const missing = leafOf(b, evolvedSkill, 2);
    const e = entity(b, evolvedSkill);
    e.amendments = e.amendments.filter((a) => a.payload.version !== 2);
    const report = await verify(b);
    expect(report.problems.map((p) => p.check)).toEqual(expect.arrayContaining(['coverage', 'link', 'count']));
    expect(report.problems.find((p) => p.check === 'coverage')?.detail).toContain(`(leaf ${String(missing)})`);
  });

  it('an entity rolled back one version, its head fields made to agree, is caught only by the coverage', async () => {
    const b = copy(full);
    const missing = leafOf(b, evolvedSkill, 3);
    const e = entity(b, evolvedSkill);
    e.amendments = e.amendments.slice(0, 2);
    const v2 = e.amendments[1];
    if (v2 === undefined) throw new Error('no v2');
    Object.assign(e, v2.payload.content, { version: 2, hash_chain_head: v2.hash, version_hash: v2.hash, amendment_count: 2 });
    const report = await verify(b);
    expect(report.problems.map((p) => p.check)).toEqual(['coverage']);
    expect(report.problems[0]?.detail).toContain(`(leaf ${String(missing)})`);
  });

  it('a leaf claimed twice is named, and the leaf it hides is missing', async () => {
    const b = copy(full);
    const e = entity(b, evolvedSkill);
    const [v1, v2] = e.amendments;
    if (v1?.log === undefined || v2?.log === undefined) throw new Error('no leaves');
    const hidden = v2.log.leaf_index;
    v2.log = { ...v1.log };
    const report = await verify(b);
    expect(report.problems.find((p) => p.check === 'leaf')?.detail).toContain(`leaf index ${String(v1.log.leaf_index)} is also claimed`);
    expect(report.problems.find((p) => p.check === 'coverage')?.detail).toContain(`(leaf ${String(hidden)})`);
  });

  it('a partial export says so; it verifies as partial, and claims to be complete fail', async () => {
    const b = await exportWith({ entityIds: [evolvedSkill, deletedSkill] });
    expect(b.scope).toEqual({ complete: false, entity_type: null, entity_ids: [evolvedSkill, deletedSkill] });
    expect(b.entities.map((e) => e.id)).toEqual([evolvedSkill, deletedSkill]);
    const report = await verify(b);
    expect(report).toMatchObject({ ok: true, partial: true, checked: { leaves_claimed: 5 } });
    const byKind = await exportWith({ kind: 'Agent' });
    expect(byKind.scope).toMatchObject({ complete: false, entity_type: 'Agent' });
    expect((await verify(byKind)).partial).toBe(true);
    // Relabelled as complete, the same bundle is missing leaves.
    const relabelled = { ...b, scope: { ...b.scope, complete: true } };
    expect((await verify(relabelled)).problems.map((p) => p.check)).toEqual(['coverage']);
  });

  it('refuses an export of one kind and chosen entities at once, and names an unknown entity', async () => {
    await expect(exportWith({ kind: 'Skill', entityIds: [evolvedSkill] })).rejects.toMatchObject({ code: 'VALIDATION_ERROR' });
    await expect(exportWith({ entityIds: ['01900000-0000-7000-8000-00000000dead'] })).rejects.toMatchObject({ code: 'ENTITY_NOT_FOUND' });
  });

  it('a write landing while the bundle is read makes it read again, so the bundle still covers its checkpoint', async () => {
    let injected = 0;
    // The first time the chains are read, another writer appends an amendment before the checkpoint.
    const racing = new Proxy(t.store, {
      get(target, prop, receiver) {
        if (prop !== 'getAmendmentsFor') return Reflect.get(target, prop, receiver) as unknown;
        return async (ids: readonly string[]) => {
          const chains = await target.getAmendmentsFor(ids);
          if (injected++ === 0) await evolve(t.write, GOVERNANCE, evolvedSkill, { changes: { description: 'during the export' } });
          return chains;
        };
      },
    });
    const b = await exportWith({}, racing);
    expect(injected).toBeGreaterThanOrEqual(2);
    const report = await verify(b);
    expect(report.problems).toEqual([]);
    expect(entity(b, evolvedSkill).description).toBe('during the export');
  });
});
