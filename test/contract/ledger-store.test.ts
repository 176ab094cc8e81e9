import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyChain } from '../../src/core/chain.ts';
import { ENTITY_KINDS, type EntityRecord } from '../../src/core/entity.ts';
import type { LedgerStore, ListFilter } from '../../src/core/ports/ledger.ts';
import { certify, decertify } from '../../src/core/use-cases/certification.ts';
import { createSkill } from '../../src/core/use-cases/create.ts';
import type { WriteDeps } from '../../src/core/use-cases/deps.ts';
import { evolve } from '../../src/core/use-cases/evolve.ts';
import { archive, softDelete } from '../../src/core/use-cases/lifecycle.ts';
import { appendAmendment, signAndStore, validateWrite } from '../../src/core/writer.ts';
import type { KeyringVerifier } from '../../src/adapters/crypto/node-signer.ts';
import { engines } from '../support/engines.ts';
import * as f from '../support/factories.ts';
import { AUDITOR, createTestLedger, GOVERNANCE, OPERATOR, READER } from '../support/ledger.ts';
import { memoryLedger } from '../support/memory.ts';

type Subject = 'memory' | 'pglite' | 'postgres';

interface Harness {
  store: LedgerStore;
  write: WriteDeps;
  verifier: KeyringVerifier;
  close(): Promise<void>;
}

const open = async (subject: Subject): Promise<Harness> => {
  if (subject === 'memory') {
    const m = await memoryLedger();
    return { ...m, close: () => Promise.resolve() };
  }
  const t = await createTestLedger(subject);
  return { store: t.store, write: t.write, verifier: t.verifier, close: () => t.close() };
};

const subjects: Subject[] = ['memory', ...(await engines())];

/**
 * The LedgerStore contract: what every store (the in-memory twin, PGlite, PostgreSQL) promises the
 * use cases. Fixtures are written through the use cases; assertions go to the store.
 */
describe.each(subjects)('LedgerStore contract on %s', (subject) => {
  let h: Harness;
  beforeAll(async () => {
    h = await open(subject);
  });
  afterAll(async () => {
    await h.close();
  });

  it('reads back what a write stored: the record, its amendments in version order, several at once', async () => {
    const skill = await createSkill(h.write, GOVERNANCE, { name: 'Contract Copywriting', description: 'v1', category: 'technical' });
    await evolve(h.write, GOVERNANCE, skill.id, { changes: { description: 'v2' } });
    const stored = await h.store.getEntity(skill.id);
    expect(stored).toMatchObject({ id: skill.id, entity_type: 'Skill', version: 2, amendment_count: 2 });
    expect(stored?.content).toMatchObject({ name: 'Contract Copywriting', description: 'v2' });
    const amendments = await h.store.getAmendments(skill.id);
    expect(amendments.map((a) => a.payload.version)).toEqual([1, 2]);
    expect(amendments[1]?.payload.prev_hash).toBe(amendments[0]?.hash);
    expect(stored?.version_hash).toBe(amendments[1]?.hash);
    const other = await f.skill(h.write, { certified: false });
    const many = await h.store.getAmendmentsFor([skill.id, other.id, 'not-a-uuid']);
    expect([...many.keys()].sort()).toEqual([skill.id, other.id].sort());
    expect((await h.store.getEntities([skill.id, other.id, '0190a0a0-0000-7000-8000-000000000000'])).size).toBe(2);
    expect(await h.store.getEntity('not-a-uuid')).toBeUndefined();
    expect(await h.store.getAmendments('not-a-uuid')).toEqual([]);
  });

  it('records are copies: changing one read changes nothing stored', async () => {
    const skill = await f.skill(h.write, { certified: false });
    const read = await h.store.getEntity(skill.id);
    if (read === undefined) throw new Error('missing');
    (read.content as { name: string }).name = 'Mutated';
    expect((await h.store.getEntity(skill.id))?.content.name).toBe(skill.content.name);
  });

  it('names are unique per kind among live entities, case-insensitively; a deleted name is free again', async () => {
    await createSkill(h.write, GOVERNANCE, { name: 'Unique Name Skill', description: 'one', category: 'technical' });
    await expect(createSkill(h.write, GOVERNANCE, { name: 'unique name SKILL', description: 'two', category: 'technical' })).rejects.toMatchObject({
      code: 'DUPLICATE_ENTITY',
      message: "Skill 'unique name SKILL' already exists",
    });
    const found = await h.store.findByName('Skill', 'UNIQUE NAME skill');
    expect(found?.content.name).toBe('Unique Name Skill');
    expect(await h.store.findByName('Industry', 'Unique Name Skill')).toBeUndefined();
    if (found === undefined) throw new Error('missing');
    await softDelete(h.write, GOVERNANCE, found.id, null);
    expect(await h.store.findByName('Skill', 'Unique Name Skill')).toBeUndefined();
    await expect(createSkill(h.write, GOVERNANCE, { name: 'Unique Name Skill', description: 'three', category: 'technical' })).resolves.toBeDefined();
  });

  it('look-alike names are the same name: confusables, fullwidth, stray spaces (UTS #39 skeleton)', async () => {
    const original = await createSkill(h.write, GOVERNANCE, { name: 'Probe Skill', description: 'one', category: 'technical' });
    const lookAlikes = [
      '\u03a1robe Skill', // Greek capital rho
      'Probe \u0405kill', // Cyrillic dze
      'Pr\u043ebe Skill', // Cyrillic o
      '\uff30\uff52\uff4f\uff42\uff45 Skill', // fullwidth
      '  Probe   Skill ', // spaces
      'Probe\u00a0Skill', // no-break space
      'PROBE SKILL',
    ];
    for (const name of lookAlikes) {
      await expect(createSkill(h.write, GOVERNANCE, { name, description: 'two', category: 'technical' }), name).rejects.toMatchObject({ code: 'DUPLICATE_ENTITY' });
    }
    expect((await h.store.findByName('Skill', '\u03a1r\u043ebe \u0405kill'))?.id).toBe(original.id);
    // Distinct names stay distinct, and a normalised name is stored as normalised.
    const other = await createSkill(h.write, GOVERNANCE, { name: '  Probe   Skills ', description: 'three', category: 'technical' });
    expect(other.content.name).toBe('Probe Skills');
    const evolved = await evolve(h.write, GOVERNANCE, other.id, { changes: { name: '\uff30robe  Skill' }, reason: 'rename' }).catch((e: unknown) => e);
    expect(evolved).toMatchObject({ code: 'DUPLICATE_ENTITY' });
  });

  it('external ids are unique among live entities', async () => {
    await createSkill(h.write, GOVERNANCE, { name: 'Ext A', description: 'a', category: 'technical', external_id: 'ext-contract-1' });
    await expect(createSkill(h.write, GOVERNANCE, { name: 'Ext B', description: 'b', category: 'technical', external_id: 'ext-contract-1' })).rejects.toMatchObject({
      code: 'DUPLICATE_ENTITY',
      message: "external_id 'ext-contract-1' is already in use",
    });
  });

  it('a write that fails leaves nothing behind, even what it appended before failing', async () => {
    const template = await f.skill(h.write, { certified: false });
    const before = await h.store.listIds(['Skill']);
    const id = h.write.ids.next();
    await expect(
      h.store.write(GOVERNANCE, async (tx) => {
        await appendAmendment(h.write, {
          tx, actor: GOVERNANCE, id, kind: 'Skill', current: null, operation: 'create', reason: null,
          content: { ...template.content, name: 'Never Stored' },
        });
        // Reading inside the write sees its own append.
        expect((await tx.lock([id])).get(id)?.content.name).toBe('Never Stored');
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(await h.store.getEntity(id)).toBeUndefined();
    expect(await h.store.getAmendments(id)).toEqual([]);
    expect(await h.store.listIds(['Skill'])).toEqual(before);
  });

  it('refuses what row-level security refuses: the catalog by operators, certification without governance, anything by readers', async () => {
    await expect(createSkill(h.write, OPERATOR, { name: 'Operator Skill', description: 'x', category: 'technical' })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(createSkill(h.write, READER, { name: 'Reader Skill', description: 'x', category: 'technical' })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    const skill = await f.skill(h.write, { certified: false });
    await expect(certify(h.write, { subject: 'ops', roles: ['operator'] }, 'Skill', skill.id, { reason: 'no' })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(certify(h.write, AUDITOR, 'Skill', skill.id, { reason: 'no' })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    expect((await h.store.getEntity(skill.id))?.version).toBe(1);
  });

  it('createOnce: a key is remembered by the create\'s own transaction, once; another body is refused; a failed create remembers nothing', async () => {
    const { createOnce } = await import('../../src/core/use-cases/idempotency.ts');
    const input = { name: `Once ${subject}`, description: 'd', category: 'technical' };
    const made = await createOnce(h.write, GOVERNANCE, { key: 'c-1', fingerprint: 'a'.repeat(64) }, (deps) => createSkill(deps, GOVERNANCE, input));
    expect(made.replayed).toBe(false);
    expect(await h.store.rememberedRequest(GOVERNANCE.subject, 'c-1', 60)).toEqual({ subject: GOVERNANCE.subject, key: 'c-1', fingerprint: 'a'.repeat(64), entity_id: made.record.id });
    const again = await createOnce(h.write, GOVERNANCE, { key: 'c-1', fingerprint: 'a'.repeat(64) }, () => Promise.reject(new Error('must not run')));
    expect(again).toMatchObject({ replayed: true, record: { id: made.record.id } });
    await expect(createOnce(h.write, GOVERNANCE, { key: 'c-1', fingerprint: 'b'.repeat(64) }, (deps) => createSkill(deps, GOVERNANCE, input))).rejects.toMatchObject({ code: 'IDEMPOTENCY_KEY_REUSED' });
    // A second remember of one key inside a write fails that whole write.
    await expect(
      h.store.write(GOVERNANCE, (tx) => tx.remember({ subject: GOVERNANCE.subject, key: 'c-1', fingerprint: 'a'.repeat(64), entity_id: made.record.id })),
    ).rejects.toMatchObject({ code: 'CONCURRENT_MODIFICATION' });
    await expect(createOnce(h.write, GOVERNANCE, { key: 'c-2', fingerprint: 'c'.repeat(64) }, (deps) => createSkill(deps, GOVERNANCE, input))).rejects.toMatchObject({ code: 'DUPLICATE_ENTITY' });
    expect(await h.store.rememberedRequest(GOVERNANCE.subject, 'c-2', 60)).toBeUndefined();
  });

  it('an append at a version someone else wrote first is a concurrent modification', async () => {
    const skill = await f.skill(h.write, { certified: false });
    const stale = skill as EntityRecord;
    await evolve(h.write, GOVERNANCE, skill.id, { changes: { description: 'won the race' } });
    await expect(
      h.store.write(GOVERNANCE, async (tx) => {
        const content = { ...stale.content, description: 'lost the race' };
        const args = { tx, actor: GOVERNANCE, id: skill.id, kind: 'Skill' as const, current: stale, content, operation: 'evolve' as const, reason: null };
        await signAndStore(h.write, args, validateWrite(h.write, args, () => undefined));
      }),
    ).rejects.toMatchObject({ code: 'CONCURRENT_MODIFICATION' });
    expect((await h.store.getEntity(skill.id))?.content).toMatchObject({ description: 'won the race' });
  });

  it('concurrent writes to one entity serialize into one unbroken chain', async () => {
    const skill = await f.skill(h.write, { certified: false });
    await Promise.all(Array.from({ length: 12 }, (_, i) => evolve(h.write, GOVERNANCE, skill.id, { changes: { description: `edit ${i}` } })));
    const amendments = await h.store.getAmendments(skill.id);
    expect(amendments.map((a) => a.payload.version)).toEqual(Array.from({ length: 13 }, (_, i) => i + 1));
    const record = await h.store.getEntity(skill.id);
    const report = await verifyChain(amendments, h.verifier, { entityId: skill.id, head: record?.hash_chain_head ?? '', count: record?.amendment_count ?? 0 });
    expect(report.intact).toBe(true);
  });

  it('dependents follow the reference table: roles of a skill, agents of a role, teams of an agent; not the deleted, not an agent of its team', async () => {
    const g = await f.graph(h.write);
    const a1 = await f.agent(h.write, g);
    const a2 = await f.agent(h.write, g);
    const team = await f.team(h.write, g, [a1.id, a2.id]);
    const gone = await f.agent(h.write, g);
    await softDelete(h.write, OPERATOR, gone.id, null);
    const dependents = (id: string): Promise<string[]> => h.store.write(GOVERNANCE, (tx) => tx.dependents(id));
    const sorted = (ids: string[]): string[] => [...ids].sort();
    expect(await dependents(g.skill.id)).toEqual(sorted([g.role.id, a1.id, a2.id]));
    expect(await dependents(g.role.id)).toEqual(sorted([a1.id, a2.id, team.id]));
    expect(await dependents(g.industry.id)).toEqual(sorted([g.role.id, a1.id, a2.id]));
    expect(await dependents(a1.id)).toEqual([team.id]);
    expect(await dependents(team.id)).toEqual([]);
    expect(await dependents('not-a-uuid')).toEqual([]);
  });

  it('lists by kind and status in id order, with filters, a keyset cursor, offset and limit; counts skip the deleted', async () => {
    const ind = await f.industry(h.write);
    const skills = [];
    for (let i = 0; i < 4; i++) skills.push(await f.skill(h.write, { certified: false }));
    const ids = skills.map((s) => s.id);
    await archive(h.write, GOVERNANCE, ids[3] ?? '', null);
    const active = (await h.store.listEntities({ kind: 'Skill', limit: 1000 })).map((r) => r.id);
    expect(active).toEqual([...active].sort());
    expect(active).toEqual(expect.arrayContaining(ids.slice(0, 3)));
    expect(active).not.toContain(ids[3]);
    expect((await h.store.listEntities({ kind: 'Skill', status: 'archived', limit: 10 })).map((r) => r.id)).toContain(ids[3]);
    const page = await h.store.listEntities({ kind: 'Skill', after: ids[0], limit: 2 });
    expect(page.map((r) => r.id)).toEqual(active.filter((id) => id > (ids[0] ?? '')).slice(0, 2));
    expect((await h.store.listEntities({ kind: 'Skill', offset: 1, limit: 1 })).map((r) => r.id)).toEqual(active.slice(1, 2));
    expect((await h.store.listEntities({ kind: 'Skill', category: 'soft_skill', limit: 10 })).length).toBe(0);
    await certify(h.write, GOVERNANCE, 'Skill', ids[0] ?? '', { reason: 'ok' });
    const role = await f.jobRole(h.write, [ids[0] ?? ''], { industryId: ind.id, certified: false });
    expect((await h.store.listEntities({ kind: 'JobRole', industry_id: ind.id, limit: 10 })).map((r) => r.id)).toEqual([role.id]);
    expect((await h.store.listIds(['Skill'], ['archived']))).toContain(ids[3]);
    expect((await h.store.listIds(['Skill'])).length).toBeGreaterThanOrEqual(4);
    const counts = await h.store.countByKind();
    await softDelete(h.write, GOVERNANCE, ids[1] ?? '', null);
    expect((await h.store.countByKind()).Skill).toBe((counts.Skill ?? 0) - 1);
  });

  it('lists as of a past log size from the signed heads: status, filters, certification and deletion as they were then', async () => {
    // Every amendment is one leaf, appended in commit order: the log's size is the amendments' count.
    const leaves = async (): Promise<number> => [...(await h.store.getEntities(await h.store.listIds(ENTITY_KINDS))).values()].reduce((n, r) => n + r.amendment_count, 0);
    const skill = await f.skill(h.write, { certified: false });
    const then = await leaves();
    await evolve(h.write, GOVERNANCE, skill.id, { changes: { description: 'Later' }, reason: 'later' });
    await certify(h.write, GOVERNANCE, 'Skill', skill.id, { reason: 'ok' });
    const born = await f.skill(h.write, { certified: false });
    await softDelete(h.write, GOVERNANCE, skill.id, null);
    const now = await leaves();
    const ids = async (size: number, filter: Partial<ListFilter> = {}): Promise<string[]> =>
      (await h.store.listEntitiesAsOf(size, { kind: 'Skill', limit: 1000, ...filter })).map((r) => r.head.payload.entity_id);

    const past = await h.store.listEntitiesAsOf(then, { kind: 'Skill', limit: 1000 });
    expect(past.map((r) => r.head.payload.entity_id)).toEqual(past.map((r) => r.head.payload.entity_id).sort());
    const mine = past.find((r) => r.head.payload.entity_id === skill.id);
    expect(mine).toMatchObject({ created_at: skill.created_at, deleted_at: null, head: { hash: skill.version_hash } });
    expect(await ids(then)).not.toContain(born.id);
    expect(await ids(then, { certified: true })).not.toContain(skill.id);
    expect(await ids(then, { category: 'technical', certified: false })).toContain(skill.id);
    expect(await ids(then, { category: 'soft_skill' })).not.toContain(skill.id);
    expect(await ids(now)).toEqual((await h.store.listEntities({ kind: 'Skill', limit: 1000 })).map((r) => r.id));
    const deleted = (await h.store.listEntitiesAsOf(now, { kind: 'Skill', status: 'deleted', limit: 1000 })).find((r) => r.head.payload.entity_id === skill.id);
    expect(deleted?.deleted_at).toBe(deleted?.head.payload.timestamp);
    expect(await ids(now - 1, { status: 'deleted' })).not.toContain(skill.id);
    const afterFirst = await ids(now, { after: born.id, limit: 1000 });
    expect(afterFirst.every((id) => id > born.id)).toBe(true);
    expect(await ids(now, { offset: 1, limit: 1 })).toEqual((await ids(now)).slice(1, 2));
  });

  it('lists by alignment and by certification, combined with the other filters', async () => {
    const g = await f.graph(h.write);
    const raw = await f.skill(h.write, { certified: false });
    const agent = await f.agent(h.write, g);
    await decertify(h.write, GOVERNANCE, 'Skill', g.skill.id, { reason: 'outdated' });
    const flagged = (await h.store.listEntities({ kind: 'Agent', amendment_alignment: 'requires_review', limit: 1000 })).map((r) => r.id);
    expect(flagged).toContain(agent.id);
    expect((await h.store.listEntities({ kind: 'Agent', amendment_alignment: 'aligned', limit: 1000 })).map((r) => r.id)).not.toContain(agent.id);
    const uncertified = (await h.store.listEntities({ kind: 'Skill', certified: false, limit: 1000 })).map((r) => r.id);
    expect(uncertified).toEqual(expect.arrayContaining([raw.id, g.skill.id]));
    const certified = (await h.store.listEntities({ kind: 'JobRole', certified: true, industry_id: g.industry.id, limit: 10 })).map((r) => r.id);
    expect(certified).toEqual([g.role.id]);
    expect((await h.store.listEntities({ kind: 'JobRole', certified: true, amendment_alignment: 'aligned', industry_id: g.industry.id, limit: 10 })).length).toBe(0);
  });

  it('the review queue: live flagged entities by last change, oldest first, paged by a cursor; not the deleted', async () => {
    const g = await f.graph(h.write);
    const agents = [await f.agent(h.write, g), await f.agent(h.write, g), await f.agent(h.write, g)];
    await decertify(h.write, GOVERNANCE, 'Skill', g.skill.id, { reason: 'outdated' });
    await softDelete(h.write, OPERATOR, agents[2]?.id ?? '', null);
    const mine = new Set([g.role.id, agents[0]?.id, agents[1]?.id, agents[2]?.id]);
    const seen: EntityRecord[] = [];
    let after: { updatedAt: string; id: string } | undefined;
    for (let pages = 0; pages < 1000; pages++) {
      const page = await h.store.listAwaitingReview(2, after);
      seen.push(...page);
      const last = page.at(-1);
      if (page.length < 2 || last === undefined) break;
      after = { updatedAt: last.updated_at, id: last.id };
    }
    expect(new Set(seen.map((r) => r.id)).size).toBe(seen.length);
    const key = (r: EntityRecord): string => `${String(Date.parse(r.updated_at)).padStart(15, '0')} ${r.id}`;
    expect(seen.map(key)).toEqual(seen.map(key).sort());
    expect(seen.filter((r) => mine.has(r.id)).map((r) => r.id).sort()).toEqual([g.role.id, agents[0]?.id, agents[1]?.id].sort());
    expect(seen.every((r) => r.content.amendment_alignment !== 'aligned' && r.content.status !== 'deleted')).toBe(true);
  });

  it('finds amendments by hash and lists decisions newest first, filtered by entity, actor and operation', async () => {
    const skill = await f.skill(h.write, { certified: false });
    const reviewer = { subject: 'contract-reviewer', roles: ['governance'] };
    const certified = await certify(h.write, reviewer, 'Skill', skill.id, { reason: 'contract check' });
    const found = await h.store.getAmendmentsByHash([certified.version_hash, 'ab'.repeat(32), 'not-a-hash']);
    expect([...found.keys()]).toEqual([certified.version_hash]);
    expect(found.get(certified.version_hash)?.payload).toMatchObject({ entity_id: skill.id, operation: 'certify' });
    const byActor = await h.store.listDecisions({ operations: ['certify', 'decertify'], actor: 'contract-reviewer', limit: 10 });
    expect(byActor.map((a) => a.hash)).toEqual([certified.version_hash]);
    expect(await h.store.listDecisions({ operations: ['decertify'], entityId: skill.id, limit: 10 })).toEqual([]);
    expect(await h.store.listDecisions({ operations: ['certify'], entityId: 'not-a-uuid', limit: 10 })).toEqual([]);
    const recent = await h.store.listDecisions({ operations: ['certify'], limit: 1000 });
    const stamps = recent.map((a) => a.payload.timestamp);
    expect(stamps).toEqual([...stamps].sort().reverse());
  });

  it('lists the certifications whose approvals wait for the external gate, and only those', async () => {
    const gated = { ...h.write, certification: { quorum: 2, requestTtlMs: 86_400_000 }, gated: true };
    const [waiting, pending] = [await f.skill(h.write, { certified: false }), await f.skill(h.write, { certified: false })];
    await certify(gated, { subject: 'gate-a', roles: ['governance'] }, 'Skill', waiting.id, { reason: 'a' });
    await certify(gated, { subject: 'gate-b', roles: ['governance'] }, 'Skill', waiting.id, { reason: 'b' });
    await certify(gated, { subject: 'gate-a', roles: ['governance'] }, 'Skill', pending.id, { reason: 'a' });
    const ids = (await h.store.listWaitingForGate(1000)).map((r) => r.id);
    expect(ids).toContain(waiting.id);
    expect(ids).not.toContain(pending.id);
    expect((await h.store.listAwaitingReview(1000)).map((r) => r.id)).toEqual(expect.arrayContaining([waiting.id, pending.id]));
  });

  it('lock and share return the entities that exist, ignoring unknown ids and non-UUIDs', async () => {
    const skill = await f.skill(h.write, { certified: false });
    const found = await h.store.write(GOVERNANCE, async (tx) => [await tx.lock([skill.id, 'nope', '0190a0a0-0000-7000-8000-00000000abcd']), await tx.share([skill.id, skill.id])]);
    expect(found.map((m) => [...m.keys()])).toEqual([[skill.id], [skill.id]]);
  });

  it('an audit mark changes operational columns only: no amendment, no new version', async () => {
    const skill = await f.skill(h.write, { certified: false });
    await h.store.markAudited(AUDITOR, new Map([[skill.id, { tamper_proof: false, l0_compliance_status: { 'L0-01': false }, l1_compliance_status: {} }]]));
    const after = await h.store.getEntity(skill.id);
    expect(after).toMatchObject({ version: 1, tamper_proof: false, l0_compliance_status: { 'L0-01': false } });
    expect(await h.store.getAmendments(skill.id)).toHaveLength(1);
  });
});
