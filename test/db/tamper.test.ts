import { spawnSync } from 'node:child_process';
import { generateKeyPairSync, sign } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { hashPayload, payloadBytes, type AmendmentPayload } from '../../src/core/amendment.ts';
import { runAudit, type AuditReport } from '../../src/core/use-cases/audit.ts';
import { makeCheckpoint } from '../../src/core/use-cases/checkpoint.ts';
import { entityLogProblems, recordedLeaves, storedPlace } from '../../src/core/use-cases/log-check.ts';
import { evolve } from '../../src/core/use-cases/evolve.ts';
import { buildExportBundle } from '../../src/core/use-cases/export-bundle.ts';
import { engines, type TestEngine } from '../support/engines.ts';
import * as f from '../support/factories.ts';
import { AUDITOR, createTestLedger, GOVERNANCE, type TestLedger } from '../support/ledger.ts';

const root = path.resolve(import.meta.dirname, '../..');
const dir = mkdtempSync(path.join(tmpdir(), 'plant-tamper-'));
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

interface Scene {
  t: TestLedger;
  skill: string;
  /** The checkpoint an auditor saved before anything happened (signed note). */
  saved: string;
  /** A smaller, earlier checkpoint, still kept. */
  earlierSize: number;
}

/** A small registry, a saved checkpoint, and a file of trusted keys taken before tampering. */
const scene = async (engine: TestEngine): Promise<Scene> => {
  const t = await createTestLedger(engine);
  const g = await f.graph(t.write);
  const early = await makeCheckpoint(t.log);
  await f.agent(t.write, g);
  const skill = await f.skill(t.write, { certified: false });
  await evolve(t.write, GOVERNANCE, skill.id, { changes: { description: 'second version' } });
  const saved = (await makeCheckpoint(t.log)).note;
  return { t, skill: skill.id, saved, earlierSize: early.size };
};

/** Tampers as the table owner, with the append-only triggers disabled, as an insider would. */
const asInsider = async (t: TestLedger, sql: string | string[], params: unknown[] = []): Promise<void> => {
  await t.owner.transaction(async (tx) => {
    for (const table of ['amendments', 'entities', 'log_leaves', 'log_nodes', 'log_checkpoints', 'log_state']) await tx.exec(`ALTER TABLE ${table} DISABLE TRIGGER USER`);
    for (const statement of Array.isArray(sql) ? sql : [sql]) await tx.query(statement, params);
    await tx.exec('SET CONSTRAINTS ALL IMMEDIATE');
    for (const table of ['amendments', 'entities', 'log_leaves', 'log_nodes', 'log_checkpoints', 'log_state']) await tx.exec(`ALTER TABLE ${table} ENABLE TRIGGER USER`);
  });
};

interface Detection {
  verify: { checks: string[]; text: string; code: number | null };
  audit: AuditReport;
}

/** Exports as the server would, verifies with the real CLI against the trusted keys, and audits. */
const detect = async (s: Scene): Promise<Detection> => {
  const { bundle } = await buildExportBundle({ ...s.t.audit, keys: s.t.deps.keys, log: s.t.log }, AUDITOR);
  const file = path.join(dir, `bundle-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(file, JSON.stringify(bundle));
  const trusted = path.join(dir, `trusted-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(trusted, JSON.stringify({ keys: [s.t.key.jwk], log_key: s.t.log.vkey }));
  const saved = path.join(dir, `saved-${Math.random().toString(36).slice(2)}.note`);
  writeFileSync(saved, s.saved);
  const run = spawnSync(process.execPath, ['bin/plant.js', 'verify', file, '--trusted-keys', trusted, '--against', saved, '--json'], { cwd: root, encoding: 'utf8' });
  const report = JSON.parse(run.stdout) as { problems: { check: string; entity_id?: string; version?: number }[] };
  return {
    verify: { checks: report.problems.map((p) => `${p.check}${p.entity_id === s.skill ? `@skill v${String(p.version)}` : ''}`), text: run.stdout, code: run.status },
    audit: await runAudit(s.t.audit, AUDITOR, {}),
  };
};

const auditChecks = (audit: AuditReport, entity: string): string[] =>
  (audit.entities.find((e) => e.entity_id === entity)?.chain.problems ?? []).map((p) => `${p.check}@v${String(p.version)}`);

// Every case runs on both engines: tampering needs only the owner role and DISABLE TRIGGER, which PGlite has.
describe.each(await engines())('tamper suite on %s: detected by `plant verify` and by the audit, and named', (engine) => {
  const scenes: Scene[] = [];
  const fresh = async (): Promise<Scene> => {
    const s = await scene(engine);
    scenes.push(s);
    return s;
  };
  afterAll(async () => {
    for (const s of scenes) await s.t.close();
  });

  it('an untouched registry verifies and audits clean (the baseline)', async () => {
    const s = await fresh();
    const d = await detect(s);
    expect(d.verify.code, d.verify.text).toBe(0);
    expect(d.audit.compliant).toBe(d.audit.total_entities);
    expect(d.audit.log?.problems).toEqual([]);
  });

  it('a changed payload', async () => {
    const s = await fresh();
    await asInsider(s.t, `UPDATE amendments SET payload = jsonb_set(payload, '{reason}', '"rewritten"') WHERE entity_id = $1 AND version = 1`, [s.skill]);
    const d = await detect(s);
    expect(d.verify.code).toBe(1);
    expect(d.verify.checks).toContain('hash@skill v1');
    expect(auditChecks(d.audit, s.skill)).toContain('hash@v1');
  });

  it('a changed hash', async () => {
    const s = await fresh();
    await asInsider(s.t, `UPDATE amendments SET hash = repeat('ab', 32) WHERE entity_id = $1 AND version = 2`, [s.skill]);
    const d = await detect(s);
    expect(d.verify.checks).toEqual(expect.arrayContaining(['hash@skill v2', 'leaf@skill v2']));
    expect(auditChecks(d.audit, s.skill)).toEqual(expect.arrayContaining(['hash@v2', 'log@v2']));
  });

  it('a changed signature', async () => {
    const s = await fresh();
    await asInsider(s.t, `UPDATE amendments SET signature = 'AAAA' || substr(signature, 5) WHERE entity_id = $1 AND version = 1`, [s.skill]);
    const d = await detect(s);
    expect(d.verify.checks).toContain('signature@skill v1');
    expect(auditChecks(d.audit, s.skill)).toContain('signature@v1');
  });

  it('a deleted amendment', async () => {
    const s = await fresh();
    await asInsider(s.t, 'DELETE FROM amendments WHERE entity_id = $1 AND version = 2', [s.skill]);
    const d = await detect(s);
    expect(d.verify.checks).toEqual(expect.arrayContaining(['count@skill vnull', 'head@skill v1']));
    expect(auditChecks(d.audit, s.skill)).toEqual(expect.arrayContaining(['count@vnull']));
  });

  it('two swapped leaves', async () => {
    const s = await fresh();
    await asInsider(s.t, [
      'CREATE TEMP TABLE swapped AS SELECT * FROM log_leaves WHERE leaf_index IN (1, 2)',
      'DELETE FROM log_leaves WHERE leaf_index IN (1, 2)',
      'INSERT INTO log_leaves SELECT 3 - leaf_index, entity_id, version, amendment_hash, leaf_hash FROM swapped',
    ]);
    const d = await detect(s);
    // Proofs rebuilt from the altered tree fail against the signed root: the swapped leaves among them.
    expect(d.verify.checks.filter((c) => c.startsWith('inclusion')).length).toBeGreaterThanOrEqual(2);
    expect(d.verify.text).toContain('not included at leaf 1 of the signed tree');
    expect(d.verify.text).toContain('not included at leaf 2 of the signed tree');
    expect(d.audit.log?.problems.join('\n')).toMatch(/does not match the tree: leaves were changed or reordered/);
  });

  it('a forged amendment signed by an unknown key', async () => {
    const s = await fresh();
    const [, last] = await s.t.store.getAmendments(s.skill);
    if (last === undefined) throw new Error('scene has no v2');
    const mallory = generateKeyPairSync('ed25519').privateKey;
    const payload: AmendmentPayload = { ...last.payload, version: 3, operation: 'evolve', prev_hash: last.hash, key_id: 'mallory-key', content: { ...last.payload.content, description: 'forged' } };
    const hash = hashPayload(payload);
    const signature = sign(null, payloadBytes(payload), mallory).toString('base64url');
    await asInsider(
      s.t,
      `WITH a AS (INSERT INTO amendments (entity_id, version, entity_type, operation, actor, prev_hash, hash, signature, key_id, alg, payload)
                  VALUES ($1, 3, 'Skill', 'evolve', $2, $3, $4, $5, 'mallory-key', $6, $7))
       UPDATE entities SET version = 3, version_hash = $4, hash_chain_head = $4, amendment_count = 3, content = $8 WHERE id = $1`,
      [s.skill, payload.actor, last.hash, hash, signature, payload.alg, JSON.stringify(payload), JSON.stringify(payload.content)],
    );
    const d = await detect(s);
    expect(d.verify.checks).toEqual(expect.arrayContaining(['signature@skill v3', 'leaf@skill v3']));
    expect(d.verify.text).toContain('signed with unknown key mallory-key');
    expect(auditChecks(d.audit, s.skill)).toEqual(expect.arrayContaining(['signature@v3', 'log@v3']));
  });

  it("the log's tail truncated", async () => {
    const s = await fresh();
    const size = await s.t.log.store.size();
    const keep = size - 3;
    await asInsider(
      s.t,
      `WITH l AS (DELETE FROM log_leaves WHERE leaf_index >= $1), n AS (DELETE FROM log_nodes WHERE (idx + 1) * (1::bigint << level) > $1)
       UPDATE log_state SET size = $1`,
      [keep],
    );
    const d = await detect(s);
    expect(d.verify.code).toBe(1);
    expect(d.verify.checks).toContain('leaf@skill v2');
    expect(d.audit.log?.problems.join('\n')).toMatch(new RegExp(`latest checkpoint covers ${size} leaves but the log holds ${keep}`));
    expect(auditChecks(d.audit, s.skill)).toContain('log@v2');
  });

  it('one leaf record deleted: the cause once, the one entity it cost non-compliant, nothing else', async () => {
    const s = await fresh();
    const [first] = await s.t.store.getAmendments(s.skill);
    const leaf = first === undefined ? undefined : await s.t.log.store.leafByAmendment(first.hash);
    if (leaf === undefined) throw new Error('no leaf');
    await asInsider(s.t, 'DELETE FROM log_leaves WHERE leaf_index = $1', [leaf.leaf_index]);
    const d = await detect(s);
    expect(d.audit.log?.problems).toEqual([expect.stringMatching(new RegExp(`^the log is missing the record of leaf ${leaf.leaf_index} \\(1 of \\d+\\)`))]);
    expect(auditChecks(d.audit, s.skill)).toEqual(['log@v1']);
    expect(d.audit.compliant).toBe(d.audit.total_entities - 1);
    // The verifier: the unclaimed leaf (the cause) first, then the one amendment without a leaf.
    expect(d.verify.checks).toEqual(['coverage', 'leaf@skill v1']);
    expect(d.verify.text).toContain(`(leaf ${leaf.leaf_index})`);
  });

  it('a leaf lost from the tree too: the cause first, the consequences summarised instead of one line per amendment', async () => {
    const s = await fresh();
    for (let i = 0; i < 12; i++) await f.skill(s.t.write, { certified: false });
    await asInsider(s.t, ['DELETE FROM log_leaves WHERE leaf_index = $1', 'DELETE FROM log_nodes WHERE level = 0 AND idx = $1'], [3]);
    const d = await detect(s);
    expect(d.audit.log?.problems).toEqual([
      expect.stringMatching(/^the log is missing the record of leaf 3 \(1 of \d+\), and the tree lost them too$/),
      expect.stringMatching(/^the tree cannot be compared with the latest checkpoint/),
    ]);
    const report = JSON.parse(d.verify.text) as { problems: { check: string; detail: string; more?: number }[]; checked: { amendments: number } };
    // Nothing is provable without the tree: every amendment lacks its proof, but that is one cause.
    expect(report.problems[0]?.check).toBe('coverage');
    expect(report.problems[0]?.detail).toMatch(/could not prove its own log/);
    expect(report.problems.length).toBeLessThanOrEqual(13);
    const summary = report.problems.at(-1);
    expect(summary?.more).toBe(report.checked.amendments - 10);
  });

  it('a consistent rollback (amendment and entity reverted together): the cut is named, the entity non-compliant', async () => {
    const s = await fresh();
    const [first, second] = await s.t.store.getAmendments(s.skill);
    if (first === undefined || second === undefined) throw new Error('scene has no v2');
    const leaf = await s.t.log.store.leafByAmendment(second.hash);
    await asInsider(
      s.t,
      `WITH gone AS (DELETE FROM amendments WHERE entity_id = $1 AND version = 2)
       UPDATE entities SET version = 1, version_hash = $2, hash_chain_head = $2, amendment_count = 1, content = $3 WHERE id = $1`,
      [s.skill, first.hash, JSON.stringify(first.payload.content)],
    );
    const d = await detect(s);
    expect(auditChecks(d.audit, s.skill)).toEqual(['log@v2']);
    expect(d.audit.entities.find((e) => e.entity_id === s.skill)?.chain.problems[0]?.detail).toMatch(/records v2 .* which the history \(v1-v1\) does not hold: a version was removed/);
    expect(d.audit.compliant).toBe(d.audit.total_entities - 1);
    expect(d.verify.checks).toEqual(['coverage']);
    expect(d.verify.text).toContain(`(leaf ${String(leaf?.leaf_index)})`);
    // The one-entity tampering report (GET /audit/tampering/{id}) looks at the same leaves.
    const single = await entityLogProblems(s.skill, await s.t.store.getAmendments(s.skill), storedPlace(s.t.log), undefined, await recordedLeaves(s.t.log, s.skill));
    expect(single.map((p) => `${p.check}@v${p.version}`)).toEqual(['log@v2']);
  });

  it('an older checkpoint served as the latest (rollback)', async () => {
    const s = await fresh();
    await asInsider(
      s.t,
      `WITH l AS (DELETE FROM log_leaves WHERE leaf_index >= $1), n AS (DELETE FROM log_nodes WHERE (idx + 1) * (1::bigint << level) > $1),
            c AS (DELETE FROM log_checkpoints WHERE tree_size > $1)
       UPDATE log_state SET size = $1`,
      [s.earlierSize],
    );
    const d = await detect(s);
    expect(d.verify.checks).toContain('rollback');
    expect(d.verify.text).toMatch(/older than the saved one/);
    expect(auditChecks(d.audit, s.skill)).toContain('log@v1');
  });
});
