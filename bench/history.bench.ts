import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { createTestDatabase } from '../test/support/engines.ts';
import { buildLedger, entityId } from './bulk-ledger.ts';
import { fmt, heading, line, measure, ratio, root, start, stop } from './harness.ts';

const ENTITIES = Number(process.env.BENCH_HISTORY_ENTITIES ?? 100_000);
const VERSIONS = 10;
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const SECRET = 'bench-secret-that-is-long-enough-0123456789';
const DIFF_CHANGES = 10_000;

/** Point-in-time reads at a million amendments, each against the current-state read in the same run, and the witness round trip. */
export const benchHistory = async (): Promise<void> => {
  heading(`History (issue 15) — PostgreSQL, ${fmt(ENTITIES * VERSIONS)} amendments over ${fmt(ENTITIES)} entities, ${SECONDS} s per run, concurrency 4`);
  const db = await createTestDatabase('postgres');
  const dir = mkdtempSync(path.join(tmpdir(), 'plant-bench-history-'));
  const children = [];
  try {
    const t0 = performance.now();
    const size = await buildLedger(db.owner, ENTITIES, VERSIONS);
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
