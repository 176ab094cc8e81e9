import { execFileSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { createSkill } from '../src/core/use-cases/create.ts';
import { evolve } from '../src/core/use-cases/evolve.ts';
import { runAudit } from '../src/core/use-cases/audit.ts';
import { createTestDatabase } from '../test/support/engines.ts';
import { AUDITOR, createTestLedger, GOVERNANCE } from '../test/support/ledger.ts';
import { rawBaseline } from './log.bench.ts';
import { buildLedger, entityId } from './bulk-ledger.ts';
import { fmt, heading, line, measure, ratio, root, start, stop, type Rate } from './harness.ts';

const SIZES = (process.env.BENCH_GROWTH_SIZES ?? '10000,1000000').split(',').filter(Boolean).map(Number);
const AUDIT_SIZES = (process.env.BENCH_AUDIT_SIZES ?? '10000,40000').split(',').map(Number);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const SECRET = 'bench-secret-that-is-long-enough-0123456789';

interface Figures { get: Rate; list: Rate; search: Rate }

/** The same three reads on a catalog of `size` skills, through `plant serve` on PostgreSQL. */
const readsAt = async (size: number): Promise<Figures> => {
  const db = await createTestDatabase('postgres');
  const dir = mkdtempSync(path.join(tmpdir(), 'plant-bench-growth-'));
  let child: ChildProcess | undefined;
  try {
    const t0 = performance.now();
    await buildLedger(db.owner, size, 1, true);
    process.stdout.write(`  ${`built ${fmt(size)} skills, their log and search documents`.padEnd(52)} ${fmt((performance.now() - t0) / 1000, 1).padStart(9)} s\n`);
    const env: NodeJS.ProcessEnv = {
      PORT: '0', LOG_LEVEL: 'warn', JWT_SECRET: SECRET, SIGNING_ALGORITHM: 'Ed25519', RATE_LIMIT_PER_MINUTE: '100000000', PLANT_DATA_DIR: dir,
      DATABASE_URL: db.adminUrl ?? '', DB_APP_ROLE: 'plant_app_bench_growth', DB_POOL_MAX: '10', EMBEDDINGS_WORKER: 'false', CHECKPOINT_INTERVAL: '3600',
    };
    const plant = await start(['bin/plant.js', 'serve'], env, /listening on (http:\/\/\S+)/);
    child = plant.child;
    const base = plant.match[1] ?? '';
    const token = execFileSync(process.execPath, ['bin/plant.js', 'token', '--role', 'reader'], { cwd: root, env: { ...process.env, ...env } }).toString().trim();
    const get = async (url: string): Promise<void> => {
      const res = await fetch(`${base}${url}`, { headers: { authorization: `Bearer ${token}` } });
      if (res.status !== 200) throw new Error(`${url}: ${res.status} ${await res.text()}`);
      await res.arrayBuffer();
    };
    const pick = (i: number): number => (i * 7919) % size;
    const figures = {
      get: await measure(SECONDS, 4, (i) => get(`/api/v1/genesis/skills/${entityId(pick(i))}`)),
      list: await measure(SECONDS, 4, (i) => get(`/api/v1/genesis/skills?limit=50&cursor=${entityId(pick(i) % Math.max(1, size - 100))}`)),
      search: await measure(SECONDS, 4, (i) => get(`/api/v1/search?q=${encodeURIComponent(`Skill ${pick(i)}`)}&limit=10`)),
    };
    line(`GET /genesis/skills/{id} at ${fmt(size)}`, figures.get);
    line(`GET /genesis/skills page of 50 at ${fmt(size)}`, figures.list);
    line(`GET /search (text; no embeddings) at ${fmt(size)}`, figures.search);
    return figures;
  } finally {
    if (child !== undefined) await stop(child);
    await db.close();
    rmSync(dir, { recursive: true, force: true });
  }
};

const VERSIONS = 5;

/**
 * `plant audit run` (the same use-case, in-process) over `amendments` amendments written through
 * the real write path: skills of five Ed25519-signed versions each. The baseline is verifying
 * every signature and hashing every payload, in the same run. Returns seconds per amendment.
 */
const auditAt = async (amendments: number): Promise<{ audit: number; raw: number }> => {
  const t = await createTestLedger('postgres');
  try {
    const skills = Math.ceil(amendments / VERSIONS);
    const written = skills * VERSIONS;
    const t0 = performance.now();
    let next = 0;
    const writer = async (): Promise<void> => {
      for (let e = next++; e < skills; e = next++) {
        const skill = await createSkill(t.write, GOVERNANCE, { name: `Audit Skill ${e}`, category: 'technical', description: 'version 1' });
        for (let v = 2; v <= VERSIONS; v++) await evolve(t.write, GOVERNANCE, skill.id, { changes: { description: `version ${v}` } });
      }
    };
    await Promise.all(Array.from({ length: 8 }, writer));
    process.stdout.write(`  ${`wrote ${fmt(written)} amendments through the write path`.padEnd(52)} ${fmt((performance.now() - t0) / 1000, 1).padStart(9)} s\n`);
    const ids = await t.store.listIds(['Skill']);
    const chains = await t.store.getAmendmentsFor(ids);
    const raw = (await rawBaseline([...chains.values()].flat(), t.verifier)) / 1000;
    const s0 = performance.now();
    const report = await runAudit(t.audit, AUDITOR);
    const seconds = (performance.now() - s0) / 1000;
    if (report.compliant !== skills) throw new Error(`audit: ${report.compliant} of ${skills} compliant`);
    process.stdout.write(`  ${`raw Ed25519 verify + SHA-256 of ${fmt(written)} amendments`.padEnd(52)} ${fmt(raw, 2).padStart(9)} s\n`);
    process.stdout.write(`  ${`audit run of ${fmt(written)} amendments`.padEnd(52)} ${fmt(seconds, 2).padStart(9)} s   ${fmt((seconds * 10_000) / written, 2)} s per 10,000\n`);
    return { audit: seconds / written, raw: raw / written };
  } finally {
    await t.close();
  }
};

/** Does a read get slower as the catalog grows? p95 at the largest size against the smallest. */
export const benchGrowth = async (): Promise<void> => {
  heading(`Growth (issue 16) — PostgreSQL: reads at ${SIZES.map((s) => fmt(s)).join(' and ')} skills (${SECONDS} s per run, concurrency 4), audit at ${AUDIT_SIZES.map((s) => fmt(s)).join(' and ')} amendments`);
  if (SIZES.length > 0) {
    const small = await readsAt(SIZES[0] ?? 10_000);
    const large = await readsAt(SIZES.at(-1) ?? 1_000_000);
    const label = `${fmt(SIZES.at(-1) ?? 0)} / ${fmt(SIZES[0] ?? 0)}`;
    ratio(`GET by id p95, ${label}`, large.get.p95ms / small.get.p95ms, '≤ 1.5');
    ratio(`list page p95, ${label}`, large.list.p95ms / small.list.p95ms, '≤ 1.5');
    ratio(`search p95, ${label}`, large.search.p95ms / small.search.p95ms, '≤ 1.5');
  }
  const audits = [];
  for (const size of AUDIT_SIZES) audits.push(await auditAt(size));
  const [first, last] = [audits[0], audits.at(-1)];
  if (first !== undefined && last !== undefined) {
    ratio('audit run / raw verify + hash (largest)', last.audit / last.raw);
    ratio(`audit time per amendment, ${fmt(AUDIT_SIZES.at(-1) ?? 0)} / ${fmt(AUDIT_SIZES[0] ?? 0)}`, last.audit / first.audit, '≤ 1.5');
  }
};
