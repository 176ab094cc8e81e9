import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clustersAvailable, createCluster, type TestCluster } from '../support/pg-cluster.ts';

const root = path.resolve(import.meta.dirname, '../..');
const SECRET = 'restart-secret-that-is-long-enough-000000';

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * `plant serve` on a PostgreSQL cluster of the test's own, which the test restarts, stops and
 * whose connections it kills, idle and under 20 concurrent writers. The server must stay up,
 * answer 503 while the database is gone, reconnect by itself, and keep every write it acknowledged.
 */
describe.skipIf(!clustersAvailable())('the server survives PostgreSQL restarts and lost connections', () => {
  let cluster: TestCluster;
  let server: ChildProcess;
  let url = '';
  let token = '';
  let exited: string | null = null;
  const dir = mkdtempSync(path.join(tmpdir(), 'plant-restart-'));
  const acknowledged: string[] = [];
  const seenAll: Record<string, number> = {};
  const env = (): NodeJS.ProcessEnv => ({
    ...process.env, PORT: '0', LOG_LEVEL: 'warn', JWT_SECRET: SECRET, SIGNING_ALGORITHM: 'Ed25519', CHECKPOINT_INTERVAL: '0.2',
    PLANT_DATA_DIR: dir, DATABASE_URL: cluster.url, DB_APP_ROLE: 'plant_app_restart', RATE_LIMIT_PER_MINUTE: '100000000', DB_POOL_MAX: '10',
  });

  beforeAll(async () => {
    cluster = await createCluster();
    server = spawn(process.execPath, ['bin/plant.js', 'serve'], { cwd: root, env: env(), stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    server.stderr?.on('data', (c: Buffer) => { err = (err + c.toString()).slice(-4000); });
    url = await new Promise<string>((resolve, reject) => {
      let out = '';
      server.stdout?.on('data', (c: Buffer) => {
        out += c.toString();
        const m = /listening on (http:\/\/\S+)/.exec(out);
        if (m?.[1] !== undefined) resolve(m[1]);
      });
      server.on('exit', (code, signal) => {
        exited = `exit ${String(code)} ${String(signal)}: ${out.slice(-2000)} ${err}`;
        reject(new Error(exited));
      });
    });
    token = execFileSync(process.execPath, ['bin/plant.js', 'token', '--role', 'admin', '--sub', 'restart-tester'], { cwd: root, env: env() }).toString().trim();
  }, 120_000);
  afterAll(async () => {
    if (Object.keys(seenAll).length > 0) process.stdout.write(`[pg-restart] answers seen: ${JSON.stringify(seenAll)}\n`);
    if (exited === null) await new Promise((resolve) => { server.on('exit', resolve); server.kill('SIGTERM'); });
    cluster.remove();
    rmSync(dir, { recursive: true, force: true });
  });

  let seq = 0;
  const createSkill = async (): Promise<{ status: number; code?: string }> => {
    seq += 1;
    const res = await fetch(`${url}/api/v1/genesis/skills`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: `Restart Skill ${seq}`, description: 'written while the database restarts', category: 'technical' }),
    });
    const body = (await res.json()) as { id?: string; error_code?: string };
    if (res.status === 201 && body.id !== undefined) acknowledged.push(body.id);
    return { status: res.status, ...(body.error_code === undefined ? {} : { code: body.error_code }) };
  };

  const ready = async (): Promise<number> => (await fetch(`${url}/health/ready`).catch(() => ({ status: 0 }))).status;
  const untilReady = async (): Promise<void> => {
    for (let i = 0; i < 300 && (await ready()) !== 200; i++) await sleep(100);
    expect(await ready()).toBe(200);
  };

  /** 20 writers until `during` has run; every answer is a 201 or a 503 problem, never a 500 or a dropped connection. */
  const underLoad = async (during: () => Promise<void>): Promise<Map<string, number>> => {
    const seen = new Map<string, number>();
    let running = true;
    const writer = async (): Promise<void> => {
      while (running) {
        const r = await createSkill();
        const key = `${r.status}${r.code === undefined ? '' : ` ${r.code}`}`;
        seen.set(key, (seen.get(key) ?? 0) + 1);
        if (r.status === 503) await sleep(50);
      }
    };
    const writers = Array.from({ length: 20 }, writer);
    await sleep(500);
    await during();
    await untilReady();
    await sleep(500);
    running = false;
    await Promise.all(writers);
    for (const [k, n] of seen) seenAll[k] = (seenAll[k] ?? 0) + n;
    return seen;
  };

  const expectOnly201or503 = (seen: Map<string, number>): void => {
    expect([...seen.keys()].filter((k) => k !== '201' && k !== '503 SERVICE_UNAVAILABLE'), JSON.stringify([...seen])).toEqual([]);
    expect(seen.get('201') ?? 0).toBeGreaterThan(0);
  };

  it('an idle restart: the server stays up and the next write succeeds', async () => {
    expect((await createSkill()).status).toBe(201);
    await cluster.restart('fast');
    await untilReady();
    expect((await createSkill()).status).toBe(201);
    expect(exited).toBeNull();
  });

  it('a fast restart under 20 writers: only 201s and 503 problems, and the server stays up', async () => {
    const seen = await underLoad(() => cluster.restart('fast'));
    expectOnly201or503(seen);
    // A restart ends every connection, and 20 writers always have some in flight.
    expect(seen.get('503 SERVICE_UNAVAILABLE') ?? 0).toBeGreaterThan(0);
    expect(exited).toBeNull();
  });

  it('connections killed by pg_terminate_backend under load', async () => {
    const seen = await underLoad(async () => {
      for (let i = 0; i < 3; i++) {
        cluster.psql("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE usename = 'plant_app_restart'");
        await sleep(200);
      }
    });
    expectOnly201or503(seen);
    expect(exited).toBeNull();
  });

  it('while the database is down: not ready and 503 problems with Retry-After; back by itself when it returns', async () => {
    await cluster.stop('fast');
    expect(await ready()).toBe(503);
    const res = await fetch(`${url}/api/v1/genesis/skills`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'While Down', description: 'd', category: 'technical' }),
    });
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('1');
    expect(await res.json()).toMatchObject({ error_code: 'SERVICE_UNAVAILABLE' });
    const read = await fetch(`${url}/api/v1/agents`, { headers: { authorization: `Bearer ${token}` } });
    expect(read.status).toBe(503);
    await cluster.start();
    await untilReady();
    expect((await createSkill()).status).toBe(201);
    expect(exited).toBeNull();
  });

  it('every acknowledged write is there, and every chain and the log verify', async () => {
    expect(acknowledged.length).toBeGreaterThan(20);
    for (const id of acknowledged) {
      const res = await fetch(`${url}/api/v1/entities/${id}`, { headers: { authorization: `Bearer ${token}` } });
      expect(res.status, id).toBe(200);
    }
    const audit = await fetch(`${url}/api/v1/audit/run`, { method: 'POST', headers: { authorization: `Bearer ${token}` } });
    const report = (await audit.json()) as { total_entities: number; compliant: number; log?: { problems?: string[] } };
    expect(report.total_entities).toBeGreaterThanOrEqual(acknowledged.length);
    expect(report.compliant).toBe(report.total_entities);
    expect(report.log?.problems ?? []).toEqual([]);
  });
});
