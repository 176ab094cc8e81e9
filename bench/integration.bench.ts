import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { createTestDatabase } from '../test/support/engines.ts';
import { startReceiver } from '../test/support/receiver.ts';
import { fmt, heading, ratio, root, start, stop } from './harness.ts';

const SECRET = 'bench-secret-that-is-long-enough-0123456789';
const WRITES = Number(process.env.BENCH_WEBHOOK_WRITES ?? 200);
const SUBSCRIBERS = 100;
const STREAM_WRITES = 20;

const quantile = (values: number[], q: number): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
};

const latencies = (label: string, values: number[], target?: string): void => {
  process.stdout.write(
    `  ${label.padEnd(52)} p50 ${fmt(quantile(values, 0.5), 1)} ms   p95 ${fmt(quantile(values, 0.95), 1)} ms   max ${fmt(Math.max(...values), 1)} ms   (${values.length})${target === undefined ? '' : `   target ${target}`}\n`,
  );
};

/** Pages through the whole feed `rounds` times; returns entries per second. */
const readRate = async (url: (after: number) => string, headers: Record<string, string>, rounds: number): Promise<number> => {
  let entries = 0;
  const t0 = performance.now();
  for (let r = 0; r < rounds; r++) {
    let after = -1;
    for (;;) {
      const page = (await (await fetch(url(after), { headers })).json()) as { items: { leaf_index: number | string }[] };
      if (page.items.length === 0) break;
      entries += page.items.length;
      after = Number(page.items.at(-1)?.leaf_index);
    }
  }
  return entries / ((performance.now() - t0) / 1000);
};

/**
 * `npm run bench -- integration`, on PostgreSQL: commit → webhook received with the delivery
 * worker inside `serve`; the change feed's read rate against a bare `SELECT … ORDER BY leaf_index`
 * route on the same database; Server-Sent Events fanned out to 100 subscribers.
 */
export const benchIntegration = async (): Promise<void> => {
  heading('Integration (issue 13): webhooks, change feed, SSE fan-out — PostgreSQL, servers in their own processes');
  const dir = mkdtempSync(path.join(tmpdir(), 'plant-bench-int-'));
  const db = await createTestDatabase('postgres');
  const env: NodeJS.ProcessEnv = {
    PORT: '0', LOG_LEVEL: 'warn', JWT_SECRET: SECRET, SIGNING_ALGORITHM: 'Ed25519', RATE_LIMIT_PER_MINUTE: '100000000',
    PLANT_DATA_DIR: dir, DATABASE_URL: db.adminUrl ?? '', DB_APP_ROLE: 'plant_app_bench', DB_POOL_MAX: '20', WEBHOOK_ALLOW_HOSTS: '127.0.0.1',
    EMBEDDINGS_WORKER: 'false',
  };
  const secrets = new Map<string, string>();
  const receiver = await startReceiver(secrets);
  const plant = await start(['bin/plant.js', 'serve'], env, /listening on (http:\/\/\S+)/);
  const bare = await start(['--import', 'tsx', 'bench/bare-server.ts'], { BARE_DATABASE_URL: db.adminUrl ?? '' }, /bare listening on (\S+) seed (\S+)/);
  try {
    const base = plant.match[1] ?? '';
    const token = (role: string): string =>
      execFileSync(process.execPath, ['bin/plant.js', 'token', '--role', role, '--sub', `bench-${role}`], { cwd: root, env: { ...process.env, ...env } }).toString().trim();
    const auth = (role: string): Record<string, string> => ({ authorization: `Bearer ${token(role)}` });
    const governance = auth('governance');
    const reader = auth('reader');
    const create = async (name: string): Promise<{ id: string; at: number }> => {
      const res = await fetch(`${base}/api/v1/genesis/skills`, {
        method: 'POST',
        headers: { ...governance, 'content-type': 'application/json' },
        body: JSON.stringify({ name, description: 'benchmark skill', category: 'technical' }),
      });
      const at = performance.now();
      if (res.status !== 201) throw new Error(`create: ${res.status} ${await res.text()}`);
      return { id: ((await res.json()) as { id: string }).id, at };
    };

    // 1. Commit → webhook received. The clock starts when the 201 arrives (the write is acknowledged).
    const hook = await fetch(`${base}/api/v1/webhooks`, {
      method: 'POST',
      headers: { ...auth('admin'), 'content-type': 'application/json' },
      body: JSON.stringify({ url: `${receiver.url}/bench`, kinds: ['Skill'] }),
    });
    secrets.set('/bench', ((await hook.json()) as { secret: string }).secret);
    const seen = receiver.received;
    // One writer (what one portal user sees), then a burst of 8 writers (a backlog the worker drains in order).
    for (const writers of [1, 8]) {
      seen.length = 0;
      const acked: { id: string; at: number }[] = [];
      for (let i = 0; i < WRITES; i += writers) {
        acked.push(...(await Promise.all(Array.from({ length: Math.min(writers, WRITES - i) }, (_, k) => create(`webhook bench ${writers} ${i + k}`)))));
      }
      const deadline = performance.now() + 30_000;
      while (seen.length < WRITES && performance.now() < deadline) await new Promise((r) => setTimeout(r, 10));
      // The receiver stamps with Date.now(); convert to the performance clock once.
      const offset = performance.now() - Date.now();
      const arrivals = new Map(seen.map((r) => [r.body.data.entity_id, r.at + offset]));
      const webhookMs = acked.map((a) => (arrivals.get(a.id) ?? Number.NaN) - a.at).filter((v) => Number.isFinite(v));
      latencies(`commit → webhook received (${WRITES} writes, ${writers} at a time)`, webhookMs.map((v) => Math.max(v, 0)), writers === 1 ? 'p95 ≤ 250 ms' : undefined);
      ratio(`webhooks received / writes (${writers} at a time)`, arrivals.size / WRITES, '1.00');
    }
    ratio('webhooks with a valid signature / received', seen.filter((r) => r.verified).length / Math.max(seen.length, 1), '1.00');

    // 2. Change-feed read rate against the bare route on the same database.
    const rounds = 20;
    const feed = await readRate((after) => `${base}/api/v1/changes?limit=1000${after >= 0 ? `&after=${after}` : ''}`, reader, rounds);
    const bareRate = await readRate((after) => `${bare.match[1] ?? ''}/leaves?limit=1000&after=${after}`, {}, rounds);
    process.stdout.write(`  ${'bare SELECT … ORDER BY leaf_index LIMIT 1000'.padEnd(52)} ${fmt(bareRate).padStart(9)} entries/s\n`);
    process.stdout.write(`  ${'Plant GET /api/v1/changes?limit=1000'.padEnd(52)} ${fmt(feed).padStart(9)} entries/s\n`);
    ratio('change feed / bare route', feed / bareRate);

    // 3. SSE fan-out: 100 subscribers from the current end; 20 writes; each event's delay after its 201.
    const size = Number((await db.owner.query<{ size: string }>('SELECT size FROM log_state')).rows[0]?.size);
    const controller = new AbortController();
    const got = Array.from({ length: SUBSCRIBERS }, () => new Map<string, number>());
    const ready = await Promise.all(
      got.map(async (events) => {
        const res = await fetch(`${base}/api/v1/changes/stream`, { headers: { ...reader, 'last-event-id': String(size - 1) }, signal: controller.signal });
        const stream = res.body?.getReader();
        const decoder = new TextDecoder();
        let buffer = '';
        void (async () => {
          for (;;) {
            const chunk = await stream?.read().catch(() => undefined);
            if (chunk === undefined || chunk.done) return;
            buffer += decoder.decode(chunk.value, { stream: true });
            let cut = buffer.indexOf('\n\n');
            while (cut >= 0) {
              const data = /^data: (.*)$/m.exec(buffer.slice(0, cut))?.[1];
              if (data !== undefined) events.set((JSON.parse(data) as { entity_id: string }).entity_id, performance.now());
              buffer = buffer.slice(cut + 2);
              cut = buffer.indexOf('\n\n');
            }
          }
        })();
        return res.status;
      }),
    );
    const streamAcked: { id: string; at: number }[] = [];
    for (let i = 0; i < STREAM_WRITES; i++) {
      streamAcked.push(await create(`stream bench ${i}`));
      await new Promise((r) => setTimeout(r, 50));
    }
    const until = performance.now() + 15_000;
    while (got.some((m) => m.size < STREAM_WRITES) && performance.now() < until) await new Promise((r) => setTimeout(r, 20));
    controller.abort();
    const delays = got.flatMap((events) => streamAcked.map((a) => (events.get(a.id) ?? Number.NaN) - a.at)).filter((v) => Number.isFinite(v));
    latencies(`SSE to ${SUBSCRIBERS} subscribers (${STREAM_WRITES} writes)`, delays.map((v) => Math.max(v, 0)));
    ratio('SSE events delivered / expected', delays.length / (SUBSCRIBERS * STREAM_WRITES), '1.00');
    ratio('SSE streams opened (200) / subscribers', ready.filter((s) => s === 200).length / SUBSCRIBERS, '1.00');
  } finally {
    await stop(plant.child);
    await stop(bare.child);
    await receiver.stop();
    await db.close();
    rmSync(dir, { recursive: true, force: true });
  }
};
