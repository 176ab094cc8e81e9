import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyCheckpointNote } from '../../src/core/checkpoint.ts';
import { verifyConsistency } from '../../src/core/merkle.ts';
import { createTestDatabase, postgresReachable, type TestDatabase } from '../support/engines.ts';
import { eventually, startReceiver, type Receiver } from '../support/receiver.ts';
import { startServe, stopServe } from '../support/serve.ts';

const root = path.resolve(import.meta.dirname, '../..');
const SECRET = 'two-servers-secret-that-is-long-enough-000';

describe.skipIf(!(await postgresReachable()))('two servers, one PostgreSQL', () => {
  let db: TestDatabase;
  const dir = mkdtempSync(path.join(tmpdir(), 'plant-two-'));
  const servers: ChildProcess[] = [];
  const urls: string[] = [];
  const env = (): NodeJS.ProcessEnv => ({
    ...process.env, PORT: '0', LOG_LEVEL: 'warn', JWT_SECRET: SECRET, SIGNING_ALGORITHM: 'Ed25519', CHECKPOINT_INTERVAL: '0.1',
    PLANT_DATA_DIR: dir, DATABASE_URL: db.adminUrl ?? '', DB_APP_ROLE: 'plant_app_two', RATE_LIMIT_PER_MINUTE: '1000000',
    WEBHOOK_ALLOW_HOSTS: '127.0.0.1',
  });
  const secrets = new Map<string, string>();
  let receiver: Receiver;

  /** Starts server `i` (again, after a restart) and records its URL. */
  const startServer = async (i: number): Promise<void> => {
    const started = await startServe(env());
    servers[i] = started.child;
    urls[i] = started.url;
  };
  const stopServer = stopServe;

  beforeAll(async () => {
    receiver = await startReceiver(secrets);
    db = await createTestDatabase('postgres');
    // The first server creates the keys in the shared data directory; both then sign with them.
    for (let i = 0; i < 2; i++) await startServer(i);
  });
  afterAll(async () => {
    await Promise.all(servers.map(stopServer));
    await receiver.stop();
    await db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const token = (role: string): string =>
    execFileSync(process.execPath, ['bin/plant.js', 'token', '--role', role, '--sub', `${role}-tester`], { cwd: root, env: env() }).toString().trim();

  it('50 concurrent writers across both servers: no forked chain, gap-free leaves, consistent checkpoints, a verifying bundle', async () => {
    const gov = token('governance');
    const call = async (url: string, method: string, pathName: string, body?: unknown): Promise<Response> =>
      fetch(`${url}${pathName}`, {
        method,
        headers: { authorization: `Bearer ${gov}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    const skills: string[] = [];
    for (let i = 0; i < 5; i++) {
      const res = await call(urls[i % 2] ?? '', 'POST', '/api/v1/genesis/skills', { name: `Shared ${i}`, description: 'v1', category: 'technical' });
      skills.push(((await res.json()) as { id: string }).id);
    }
    const writes = await Promise.all(
      Array.from({ length: 50 }, (_, i) => call(urls[i % 2] ?? '', 'POST', `/api/v1/entities/${skills[i % 5] ?? ''}/evolve`, { changes: { description: `writer ${i}` } })),
    );
    expect(writes.map((w) => w.status)).toEqual(Array(50).fill(200));

    const { rows: chains } = await db.owner.query<{ entity_id: string; versions: number[] }>(
      'SELECT entity_id, array_agg(version ORDER BY version) AS versions FROM amendments GROUP BY entity_id',
    );
    for (const c of chains) expect(c.versions).toEqual(Array.from({ length: 11 }, (_, i) => i + 1));
    const { rows: leaves } = await db.owner.query<{ n: string; max: string; size: string }>(
      'SELECT count(*) AS n, max(leaf_index) AS max, (SELECT size FROM log_state) AS size FROM log_leaves',
    );
    expect(leaves[0]).toEqual({ n: '55', max: '54', size: '55' });

    // Let the background checkpointers (both servers) catch up, then check every pair in order.
    await new Promise((r) => setTimeout(r, 500));
    const auditor = token('auditor');
    const bundle = (await (await fetch(`${urls[0] ?? ''}/api/v1/audit/export`, { headers: { authorization: `Bearer ${auditor}` } })).json()) as {
      log: { log_key: string };
    };
    const { rows: checkpoints } = await db.owner.query<{ tree_size: string; note: string }>('SELECT tree_size, note FROM log_checkpoints ORDER BY tree_size');
    expect(checkpoints.length).toBeGreaterThanOrEqual(2);
    const notes = await Promise.all(checkpoints.map((c) => verifyCheckpointNote(c.note, bundle.log.log_key)));
    for (const n of notes) expect(n.ok).toBe(true);
    for (let i = 0; i < notes.length; i++) {
      for (let j = i + 1; j < notes.length; j++) {
        const a = notes[i];
        const b = notes[j];
        if (a?.ok !== true || b?.ok !== true || a.checkpoint.size === 0) continue;
        const res = await fetch(`${urls[1] ?? ''}/api/v1/log/proof/consistency?first=${a.checkpoint.size}&second=${b.checkpoint.size}`, { headers: { authorization: `Bearer ${auditor}` } });
        const proof = ((await res.json()) as { proof: string[] }).proof.map((h) => Buffer.from(h, 'hex'));
        expect(await verifyConsistency(a.checkpoint.size, b.checkpoint.size, a.checkpoint.root, b.checkpoint.root, proof), `${a.checkpoint.size}→${b.checkpoint.size}`).toBe(true);
      }
    }

    const file = path.join(dir, 'bundle.json');
    const { writeFileSync } = await import('node:fs');
    writeFileSync(file, JSON.stringify(bundle));
    const verify = execFileSync(process.execPath, ['bin/plant.js', 'verify', file], { cwd: root }).toString();
    expect(verify).toContain('Checked 5 entities, 55 amendments');
    expect(verify).toContain('Everything verifies.');
  });

  it('the change feed, plant watch and webhooks across both servers, with one restarted midway: nothing missed, repeated or reordered', async () => {
    const gov = token('governance');
    const reader = token('reader');
    const admin = token('admin');
    const call = async (url: string, method: string, pathName: string, bearer: string, body?: unknown): Promise<Response> =>
      fetch(`${url}${pathName}`, {
        method,
        headers: { authorization: `Bearer ${bearer}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    const hook = await call(urls[0] ?? '', 'POST', '/api/v1/webhooks', admin, { url: `${receiver.url}/two`, kinds: ['Skill'] });
    expect(hook.status).toBe(201);
    secrets.set('/two', ((await hook.json()) as { secret: string }).secret);
    const { rows } = await db.owner.query<{ size: string }>('SELECT size FROM log_state');
    const start = Number(rows[0]?.size) - 1;
    const total = 40;

    // A follower on server 1 through the CLI; a consumer alternating between the servers by hand.
    const watch = spawn(process.execPath, ['bin/plant.js', 'watch', '--url', urls[1] ?? '', '--after', String(start), '--max', String(total), '--json'], {
      cwd: root, env: { ...env(), PLANT_TOKEN: reader }, stdio: ['ignore', 'pipe', 'inherit'],
    });
    let watched = '';
    watch.stdout.on('data', (c: Buffer) => { watched += c.toString(); });
    const watchDone = new Promise<number | null>((resolve) => watch.on('exit', resolve));

    const seen: number[] = [];
    let cursor = start;
    let turn = 0;
    const consume = async (): Promise<void> => {
      const url = urls[turn++ % 2] ?? '';
      const res = await call(url, 'GET', `/api/v1/changes?after=${cursor}&limit=3`, reader).catch(() => null);
      if (res?.status !== 200) return; // that server is restarting: ask the other one next
      const page = (await res.json()) as { items: { leaf_index: number }[]; next: number };
      seen.push(...page.items.map((c) => c.leaf_index));
      cursor = page.next;
    };
    const writes: Promise<Response>[] = [];
    for (let i = 0; i < total; i++) {
      if (i === total / 2) {
        // Server 0 restarts midway; writers and the consumer use server 1 meanwhile.
        await Promise.all(writes);
        await stopServer(servers[0]);
        urls[0] = urls[1] ?? '';
        await startServer(0);
      }
      writes.push(call(urls[i % 2] ?? '', 'POST', '/api/v1/genesis/skills', gov, { name: `Fed ${i}`, description: 'followed', category: 'technical' }));
      if (i % 4 === 0) await consume();
    }
    expect((await Promise.all(writes)).map((w) => w.status)).toEqual(Array(total).fill(201));
    while (seen.length < total) await consume();

    const expected = Array.from({ length: total }, (_, i) => start + 1 + i);
    expect(seen).toEqual(expected);
    expect(await watchDone).toBe(0);
    expect(watched.trim().split('\n').map((l) => (JSON.parse(l) as { leaf_index: number }).leaf_index)).toEqual(expected);
    // Both servers run a delivery worker: every event arrives once, in order, signed.
    await eventually(() => receiver.received.length >= total, 30_000);
    const got = receiver.received.filter((r) => r.path === '/two');
    expect(got.map((r) => r.body.data.leaf_index)).toEqual(expected);
    expect(got.every((r) => r.verified && r.body.type === 'Skill.create')).toBe(true);
    expect(receiver.maxConcurrent.get('/two')).toBe(1);
  });
});
