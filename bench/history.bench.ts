import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { uncertified } from '../src/core/entity.ts';
import { commonContent } from '../src/core/use-cases/common-fields.ts';
import { createTestDatabase } from '../test/support/engines.ts';
import { fmt, heading, line, measure, ratio, root, start, stop } from './harness.ts';

const ENTITIES = Number(process.env.BENCH_HISTORY_ENTITIES ?? 100_000);
const VERSIONS = 10;
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const SECRET = 'bench-secret-that-is-long-enough-0123456789';
const DIFF_CHANGES = 10_000;

const entityId = (e: number): string => `0190b000-0000-7000-8000-${e.toString().padStart(12, '0')}`;

/**
 * ENTITIES skills of VERSIONS amendments each, built set-wise in SQL with the triggers off. The log
 * interleaves them (leaf (v−1)·ENTITIES + e is entity e's version v), so a past tree holds every
 * entity at an older version, the case `as_of` has to find its way through.
 */
const build = async (owner: { exec(sql: string): Promise<void> }): Promise<number> => {
  const leaves = ENTITIES * VERSIONS;
  const id = `('0190b000-0000-7000-8000-' || lpad(e::text, 12, '0'))::uuid`;
  const hash = `encode(sha256(convert_to(e::text || ':' || v::text, 'UTF8')), 'hex')`;
  // A skill's whole content as the writer makes it; each row sets its own name and description.
  const template = JSON.stringify({ ...commonContent('Skill', {}), description: '', category: 'technical', certification: uncertified() }).replaceAll("'", "''");
  const content = (v: string): string => `'${template}'::jsonb || jsonb_build_object('name', 'Skill ' || e, 'description', 'version ' || ${v})`;
  await owner.exec(`
    ALTER TABLE entities DISABLE TRIGGER USER; ALTER TABLE amendments DISABLE TRIGGER USER;
    ALTER TABLE log_leaves DISABLE TRIGGER USER; ALTER TABLE log_nodes DISABLE TRIGGER USER; ALTER TABLE log_state DISABLE TRIGGER USER;
    INSERT INTO entities (id, entity_type, version, version_hash, hash_chain_head, amendment_count, created_at, updated_at, content)
      SELECT ${id}, 'Skill', ${VERSIONS}, ${hash.replace('v::text', `'${VERSIONS}'`)}, ${hash.replace('v::text', `'${VERSIONS}'`)}, ${VERSIONS}, now(), now(), ${content(`'${VERSIONS}'`)}
        FROM generate_series(0, ${ENTITIES - 1}) AS e;
    INSERT INTO amendments (entity_id, version, entity_type, operation, actor, prev_hash, hash, signature, key_id, alg, payload)
      SELECT ${id}, v, 'Skill', CASE WHEN v = 1 THEN 'create' ELSE 'evolve' END, 'bench',
             CASE WHEN v = 1 THEN repeat('0', 64) ELSE encode(sha256(convert_to(e::text || ':' || (v - 1)::text, 'UTF8')), 'hex') END,
             ${hash}, 'bench', 'bench', 'Ed25519',
             jsonb_build_object('format', 'plant.amendment/v1', 'entity_id', ${id}, 'entity_type', 'Skill', 'version', v, 'operation', CASE WHEN v = 1 THEN 'create' ELSE 'evolve' END,
                                'actor', 'bench', 'reason', null, 'timestamp', to_char(timestamp '2026-01-01' + (((v - 1) * ${ENTITIES} + e) || ' seconds')::interval, 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
                                'key_id', 'bench', 'alg', 'Ed25519', 'content', ${content('v')})
        FROM generate_series(0, ${ENTITIES - 1}) AS e, generate_series(1, ${VERSIONS}) AS v;
    INSERT INTO log_leaves (leaf_index, entity_id, version, amendment_hash, leaf_hash)
      SELECT (v - 1) * ${ENTITIES} + e, ${id}, v, ${hash}, sha256('\\x00'::bytea || decode(${hash}, 'hex'))
        FROM generate_series(0, ${ENTITIES - 1}) AS e, generate_series(1, ${VERSIONS}) AS v;
    INSERT INTO log_nodes SELECT 0, leaf_index, leaf_hash FROM log_leaves;`);
  for (let level = 1; 2 ** level <= leaves; level++) {
    await owner.exec(
      `INSERT INTO log_nodes SELECT ${level}::smallint, l.idx / 2, sha256('\\x01'::bytea || l.hash || r.hash)
         FROM log_nodes l JOIN log_nodes r ON r.level = l.level AND r.idx = l.idx + 1
        WHERE l.level = ${level - 1} AND l.idx % 2 = 0`,
    );
  }
  await owner.exec(`UPDATE log_state SET size = ${leaves}; ANALYZE;`);
  return leaves;
};

/** Point-in-time reads at a million amendments, each against the current-state read in the same run, and the witness round trip. */
export const benchHistory = async (): Promise<void> => {
  heading(`History (issue 15) — PostgreSQL, ${fmt(ENTITIES * VERSIONS)} amendments over ${fmt(ENTITIES)} entities, ${SECONDS} s per run, concurrency 4`);
  const db = await createTestDatabase('postgres');
  const dir = mkdtempSync(path.join(tmpdir(), 'plant-bench-history-'));
  const children = [];
  try {
    const t0 = performance.now();
    const size = await build(db.owner);
    process.stdout.write(`  ${'built the ledger and its log in SQL'.padEnd(52)} ${fmt((performance.now() - t0) / 1000, 1).padStart(9)} s\n`);

    const witnessDir = path.join(dir, 'witness');
    const witnessKey = execFileSync(process.execPath, ['bin/plant.js', 'witness', 'key', '--name', 'bench.example/w1', '--state-dir', witnessDir], { cwd: root }).toString().trim();
    const env: NodeJS.ProcessEnv = {
      PORT: '0', LOG_LEVEL: 'warn', JWT_SECRET: SECRET, SIGNING_ALGORITHM: 'Ed25519', RATE_LIMIT_PER_MINUTE: '100000000', PLANT_DATA_DIR: dir,
      DATABASE_URL: db.adminUrl ?? '', DB_APP_ROLE: 'plant_app_bench_history', DB_POOL_MAX: '10', EMBEDDINGS_WORKER: 'false', CHECKPOINT_INTERVAL: '3600',
    };
    const plant = await start(['bin/plant.js', 'serve'], env, /listening on (http:\/\/\S+)/);
    children.push(plant.child);
    const base = plant.match[1] ?? '';
    const token = execFileSync(process.execPath, ['bin/plant.js', 'token', '--role', 'reader'], { cwd: root, env: { ...process.env, ...env } }).toString().trim();
    const headers = { authorization: `Bearer ${token}` };
    const get = async (url: string): Promise<void> => {
      const res = await fetch(`${base}${url}`, { headers });
      if (res.status !== 200) throw new Error(`${url}: ${res.status} ${await res.text()}`);
      await res.arrayBuffer();
    };
    const pick = (i: number): string => entityId((i * 7919) % ENTITIES);
    const half = size / 2;

    const current = await measure(SECONDS, 4, (i) => get(`/api/v1/entities/${pick(i)}`));
    line('GET /entities/{id} (current state)', current);
    const asOf = await measure(SECONDS, 4, (i) => get(`/api/v1/entities/${pick(i)}?as_of=${half}`));
    line(`GET /entities/{id}?as_of=${half}`, asOf);
    const proof = await measure(SECONDS, 4, (i) => get(`/api/v1/entities/${pick(i)}?as_of=${half}&proof=true`));
    line('  … with proof=true (inclusion proof)', proof);
    ratio('as_of read p95 / current read p95', asOf.p95ms / current.p95ms, '≤ 2');

    const cursor = (i: number): string => `&cursor=${entityId(((i * 7919) % (ENTITIES - 100)))}`;
    const list = await measure(SECONDS, 4, (i) => get(`/api/v1/genesis/skills?limit=50${cursor(i)}`));
    line('GET /genesis/skills page of 50 (current)', list);
    const listAsOf = await measure(SECONDS, 4, (i) => get(`/api/v1/genesis/skills?limit=50&as_of=${half}${cursor(i)}`));
    line(`GET /genesis/skills page of 50, as_of=${half}`, listAsOf);
    ratio('as_of list p95 / current list p95', listAsOf.p95ms / list.p95ms, '≤ 2');

    const diff = await measure(SECONDS, 1, () => get(`/api/v1/log/diff?from=${half}&to=${half + DIFF_CHANGES}`));
    line(`GET /log/diff across ${fmt(DIFF_CHANGES)} changes`, diff);

    const witness = await start(
      ['bin/plant.js', 'witness', 'serve', '--name', 'bench.example/w1', '--state-dir', witnessDir, '--log', (await (await fetch(`${base}/api/v1/log/checkpoint`)).json() as { log_key: string }).log_key, '--port', '0'],
      { LOG_LEVEL: 'warn' },
      /listening on (http:\/\/\S+)/,
    );
    children.push(witness.child);
    const witnessUrl = witness.match[1] ?? '';
    // The same checkpoint again (old size = size, empty proof) is cosigned each time: the
    // witness's full work (signature check, state fsync, cosigning) and one loopback round trip.
    const note = ((await (await fetch(`${base}/api/v1/log/checkpoint`)).json()) as { note: string }).note;
    const first = await fetch(`${witnessUrl}/add-checkpoint`, { method: 'POST', body: `old 0\n\n${note}` });
    if (first.status !== 200) throw new Error(`witness: ${first.status} ${await first.text()}`);
    const round = await measure(SECONDS, 1, async () => {
      const res = await fetch(`${witnessUrl}/add-checkpoint`, { method: 'POST', body: `old ${size}\n\n${note}` });
      if (res.status !== 200) throw new Error(`witness: ${res.status} ${await res.text()}`);
      await res.text();
    });
    line('witness add-checkpoint round trip (loopback)', round);
    process.stdout.write(`  (witness key ${witnessKey})\n`);
  } finally {
    for (const child of children) await stop(child);
    await db.close();
    rmSync(dir, { recursive: true, force: true });
  }
};
