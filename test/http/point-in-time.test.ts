import jsonPatch, { type Operation } from 'fast-json-patch';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { amendmentLeaf, proofFromHex, verifyCheckpointNote, verifyConsistency, verifyInclusion } from '../../clients/typescript/src/verify/index.ts';
import { makeCheckpoint } from '../../src/core/use-cases/checkpoint.ts';
import { certify } from '../../src/core/use-cases/certification.ts';
import { evolve } from '../../src/core/use-cases/evolve.ts';
import { softDelete } from '../../src/core/use-cases/lifecycle.ts';
import { createTestApi, type TestApi } from '../support/api.ts';
import { engines } from '../support/engines.ts';
import * as f from '../support/factories.ts';
import { GOVERNANCE } from '../support/ledger.ts';

interface AsOfBody {
  version: number;
  description: string;
  status: string;
  amendment_count: number;
  hash_chain_head: string;
  as_of: {
    tree_size: number;
    requested: string;
    leaf_index: number;
    amendment_hash: string;
    checkpoint: { tree_size: number; root_hash: string; note: string; created_at: string } | null;
    proof?: { inclusion_proof: string[]; root_hash: string };
  };
}

const hex = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s, 'hex'));

describe.each(await engines())('point-in-time reads and diffs (%s)', (engine) => {
  let api: TestApi;
  let reader: { authorization: string };
  beforeAll(async () => {
    api = await createTestApi(engine);
    reader = await api.auth(['reader']);
  });
  afterAll(async () => {
    await api.close();
  });

  // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters -- the caller names the body it expects
  const get = async <T = unknown>(url: string): Promise<{ status: number; body: T & { error_code?: string; errors?: { field: string }[] } }> => {
    const res = await api.app.inject({ method: 'GET', url, headers: reader });
    return { status: res.statusCode, body: res.json() };
  };

  it('an entity and its history as of a tree size or a time, with an inclusion proof a verifier checks against the signed checkpoint', async () => {
    const skill = await f.skill(api.t.write, { certified: false });
    const first = await makeCheckpoint(api.t.log);
    const before = new Date(Date.now() + 5).toISOString();
    await new Promise((resolve) => setTimeout(resolve, 20));
    await evolve(api.t.write, GOVERNANCE, skill.id, { changes: { description: 'Writes, ships and measures campaigns' }, reason: 'measured too' });
    const later = await f.skill(api.t.write, { certified: false });
    const size = await api.t.log.store.size();

    const then = await get<AsOfBody>(`/api/v1/entities/${skill.id}?as_of=${String(first.size)}&proof=true`);
    expect(then.status).toBe(200);
    expect(then.body).toMatchObject({ version: 1, description: 'Writes and ships campaigns', amendment_count: 1, as_of: { tree_size: first.size, requested: String(first.size) } });
    const { as_of: asOf } = then.body;
    expect(asOf.amendment_hash).toBe(then.body.hash_chain_head);
    // The offline verifier's way: the checkpoint note under the log key, then the leaf under its root.
    const note = await verifyCheckpointNote(asOf.checkpoint?.note ?? '', api.t.log.vkey);
    expect(note.ok).toBe(true);
    if (!note.ok) return;
    expect(note.checkpoint.size).toBe(first.size);
    expect(Buffer.from(note.checkpoint.root).toString('hex')).toBe(asOf.proof?.root_hash);
    const path = proofFromHex(asOf.proof?.inclusion_proof ?? []);
    expect(path).not.toBeNull();
    const leaf = await amendmentLeaf(asOf.amendment_hash);
    expect(await verifyInclusion(asOf.leaf_index, first.size, leaf, path ?? [], note.checkpoint.root)).toBe(true);
    expect(await verifyInclusion(asOf.leaf_index + 1, first.size, leaf, path ?? [], note.checkpoint.root)).toBe(false);

    // Now: version 2. A size no checkpoint was signed at answers with checkpoint null; no proof unless asked.
    const now = await get<AsOfBody>(`/api/v1/entities/${skill.id}?as_of=${String(size)}`);
    expect(now.body).toMatchObject({ version: 2, description: 'Writes, ships and measures campaigns', as_of: { tree_size: size, checkpoint: null } });
    expect(now.body.as_of.proof).toBeUndefined();

    // A time resolves to the last checkpoint signed at or before it.
    const byTime = await get<AsOfBody>(`/api/v1/entities/${skill.id}?as_of=${encodeURIComponent(before)}`);
    expect(byTime.body).toMatchObject({ version: 1, as_of: { tree_size: first.size, requested: before, checkpoint: { tree_size: first.size } } });
    await makeCheckpoint(api.t.log);
    const latest = await get<AsOfBody>(`/api/v1/entities/${skill.id}?as_of=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}`);
    expect(latest.body).toMatchObject({ version: 2, as_of: { tree_size: size } });

    // History as of the first size holds the one amendment the tree held then.
    const history = await get<{ amendment_count: number; amendments: { version: number; hash: string }[]; as_of: AsOfBody['as_of'] }>(`/api/v1/entities/${skill.id}/history?as_of=${String(first.size)}`);
    expect(history.body.amendments.map((a) => a.version)).toEqual([1]);
    expect(history.body).toMatchObject({ amendment_count: 1, as_of: { tree_size: first.size, amendment_hash: history.body.amendments[0]?.hash } });
    const full = await get<{ amendments: unknown[]; as_of?: unknown }>(`/api/v1/entities/${skill.id}/history`);
    expect(full.body.amendments).toHaveLength(2);
    expect(full.body.as_of).toBeUndefined();

    // An entity born after the tree was that size did not exist then.
    const unborn = await get(`/api/v1/entities/${later.id}?as_of=${String(first.size)}`);
    expect(unborn.status).toBe(404);
    expect(unborn.body.error_code).toBe('ENTITY_NOT_FOUND');
  });

  it('refuses sizes outside the log, times before the first checkpoint, words for times, and a proof with no tree named', async () => {
    const skill = await f.skill(api.t.write, { certified: false });
    const size = await api.t.log.store.size();
    for (const [query, field] of [
      ['as_of=0', 'querystring/as_of'],
      [`as_of=${String(size + 1)}`, 'querystring/as_of'],
      ['as_of=yesterday', 'querystring/as_of'],
      ['as_of=2026-01-01', 'querystring/as_of'],
      ['as_of=2000-01-01T00:00:00Z', 'querystring/as_of'],
      ['proof=true', 'querystring/proof'],
    ] as const) {
      const res = await get(`/api/v1/entities/${skill.id}?${query}`);
      expect({ query, status: res.status, code: res.body.error_code, field: res.body.errors?.[0]?.field }).toEqual({ query, status: 422, code: 'VALIDATION_ERROR', field });
    }
  });

  it('a diff between two versions is an RFC 6902 patch from one signed content to the other, with both hashes', async () => {
    const skill = await f.skill(api.t.write, { certified: false });
    await evolve(api.t.write, GOVERNANCE, skill.id, { changes: { description: 'Plans campaigns', tags: ['planning'] }, reason: 'narrower' });
    const amendments = await api.t.store.getAmendments(skill.id);
    const diff = await get<{ from: { version: number; amendment_hash: string }; to: { version: number; amendment_hash: string; operation: string }; patch: Operation[] }>(`/api/v1/entities/${skill.id}/diff?from=1&to=2`);
    expect(diff.status).toBe(200);
    expect(diff.body.from).toMatchObject({ version: 1, amendment_hash: amendments[0]?.hash });
    expect(diff.body.to).toMatchObject({ version: 2, amendment_hash: amendments[1]?.hash, operation: 'evolve' });
    expect(diff.body.patch).toEqual(expect.arrayContaining([{ op: 'replace', path: '/description', value: 'Plans campaigns' }]));
    const v1 = structuredClone(amendments[0]?.payload.content) as object;
    expect(jsonPatch.applyPatch(v1, diff.body.patch, true).newDocument).toEqual(amendments[1]?.payload.content);
    expect((await get<{ patch: unknown[] }>(`/api/v1/entities/${skill.id}/diff?from=2&to=2`)).body.patch).toEqual([]);

    for (const [query, status] of [['from=2&to=1', 422], ['from=1&to=3', 422], ['from=0&to=1', 422], ['to=2', 422]] as const) {
      expect({ query, status: (await get(`/api/v1/entities/${skill.id}/diff?${query}`)).status }).toEqual({ query, status });
    }
    expect((await get('/api/v1/entities/0190a000-0000-7000-8000-000000000000/diff?from=1&to=1')).status).toBe(404);
  });

  it('a log diff names what changed between two sizes, with a consistency proof between their signed checkpoints', async () => {
    const skill = await f.skill(api.t.write, { certified: false });
    const first = await makeCheckpoint(api.t.log);
    await evolve(api.t.write, GOVERNANCE, skill.id, { changes: { description: 'once' } });
    await evolve(api.t.write, GOVERNANCE, skill.id, { changes: { description: 'twice' } });
    const born = await f.industry(api.t.write);
    const second = await makeCheckpoint(api.t.log);

    type Diff = {
      from: number;
      to: number;
      checkpoints: { from: { root_hash: string } | null; to: { root_hash: string } | null };
      consistency_proof: string[];
      entities: { entity_id: string; entity_type: string; version_before: number; version_after: number; operations: string[] }[];
    };
    const diff = await get<Diff>(`/api/v1/log/diff?from=${String(first.size)}&to=${String(second.size)}`);
    expect(diff.status).toBe(200);
    expect(diff.body.entities).toEqual([
      { entity_id: skill.id, entity_type: 'Skill', version_before: 1, version_after: 3, operations: ['evolve', 'evolve'] },
      { entity_id: born.id, entity_type: 'Industry', version_before: 0, version_after: 1, operations: ['create'] },
    ]);
    const roots = [diff.body.checkpoints.from?.root_hash ?? '', diff.body.checkpoints.to?.root_hash ?? ''];
    const proof = proofFromHex(diff.body.consistency_proof) ?? [];
    expect(await verifyConsistency(first.size, second.size, hex(roots[0] ?? ''), hex(roots[1] ?? ''), proof)).toBe(true);
    expect(await verifyConsistency(first.size, second.size, hex(roots[1] ?? ''), hex(roots[0] ?? ''), proof)).toBe(false);
    expect((await get<Diff>(`/api/v1/log/diff?from=${String(second.size)}&to=${String(second.size)}`)).body).toMatchObject({ entities: [], consistency_proof: [] });

    const size = await api.t.log.store.size();
    for (const [query, field] of [['from=3&to=2', 'querystring/from'], [`from=0&to=${String(size + 1)}`, 'querystring/to'], ['from=-1&to=2', 'querystring/from']] as const) {
      const res = await get(`/api/v1/log/diff?${query}`);
      expect({ query, status: res.status, field: res.body.errors?.[0]?.field }).toEqual({ query, status: 422, field });
    }
  });

  it('a list as of a tree size is the catalog as that tree held it, filtered by the signed content, and pages on', async () => {
    const a = await f.skill(api.t.write, { certified: false });
    const size = await api.t.log.store.size();
    await evolve(api.t.write, GOVERNANCE, a.id, { changes: { description: 'Changed later' }, reason: 'later' });
    await certify(api.t.write, GOVERNANCE, 'Skill', a.id, { reason: 'meets the bar' });
    const b = await f.skill(api.t.write, { certified: false });
    await softDelete(api.t.write, GOVERNANCE, a.id, 'gone');
    const now = await api.t.log.store.size();
    const list = async (query: string): Promise<{ status: number; ids: string[]; rows: { id: string; description: string; version: number; deleted_at: string | null }[]; headers: Record<string, unknown> }> => {
      const res = await api.app.inject({ method: 'GET', url: `/api/v1/genesis/skills?limit=200&${query}`, headers: reader });
      const rows = res.statusCode === 200 ? res.json<{ id: string; description: string; version: number; deleted_at: string | null }[]>() : [];
      return { status: res.statusCode, ids: rows.map((r) => r.id), rows, headers: res.headers };
    };

    const then = await list(`as_of=${size}`);
    expect(then.status).toBe(200);
    expect(then.headers['x-as-of-tree-size']).toBe(String(size));
    expect(then.rows.find((r) => r.id === a.id)).toMatchObject({ description: 'Writes and ships campaigns', version: 1, deleted_at: null });
    expect(then.ids).not.toContain(b.id);
    expect((await list(`as_of=${size}&certified=true`)).ids).not.toContain(a.id);
    expect((await list(`as_of=${size}&category=technical&certified=false`)).ids).toContain(a.id);
    // The same entity as the single read of that size shows it.
    const single = await get<AsOfBody>(`/api/v1/entities/${a.id}?as_of=${size}`);
    expect(then.rows.find((r) => r.id === a.id)?.description).toBe(single.body.description);

    const today = await list(`as_of=${now}`);
    expect(today.ids).toContain(b.id);
    expect(today.ids).not.toContain(a.id);
    expect(today.ids).toEqual((await list('')).ids);
    const deleted = await list(`as_of=${now}&status=deleted`);
    expect(deleted.rows.find((r) => r.id === a.id)?.deleted_at).toEqual(expect.any(String));
    expect((await list(`as_of=${now - 1}&status=deleted`)).ids).not.toContain(a.id);

    // Keyset paging through the past list gives the whole list, one at a time.
    const paged: string[] = [];
    let cursor = '';
    for (let i = 0; i < 500; i++) {
      const res = await api.app.inject({ method: 'GET', url: `/api/v1/genesis/skills?limit=1&as_of=${size}${cursor}`, headers: reader });
      const page = res.json<{ id: string }[]>();
      paged.push(...page.map((r) => r.id));
      const next = res.headers['x-next-cursor'];
      if (typeof next !== 'string') break;
      cursor = `&cursor=${next}`;
    }
    expect(paged).toEqual(then.ids);
    expect((await list(`as_of=${now + 1}`)).status).toBe(422);
  });
});
