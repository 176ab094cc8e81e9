import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, connect, type Server, type Socket, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sharedRateLimits } from '../../src/adapters/rate-limit/shared-store.ts';
import { loadConfig } from '../../src/composition/config.ts';
import { startServer, type RunningServer } from '../../src/composition/server.ts';
import { createTestDatabase, postgresReachable, type TestDatabase } from '../support/engines.ts';

const REDIS_URL = process.env.REDIS_URL;
const SECRET = 'limits-secret-that-is-long-enough-00000000';
const LIMIT = 10;

if (process.env.CI === 'true' && REDIS_URL === undefined) throw new Error('CI=true but REDIS_URL is not set');

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A TCP proxy in front of the machine's Redis, so a test can take "Redis" down and bring it back
 * without touching the server everyone else uses.
 */
const redisProxy = async (target: URL): Promise<{ url: string; down(): Promise<void>; up(): Promise<void>; close(): Promise<void> }> => {
  const sockets = new Set<Socket>();
  let server: Server | undefined;
  let port = 0;
  const listen = async (): Promise<void> => {
    server = createServer((client) => {
      const upstream = connect(Number(target.port || 6379), target.hostname);
      for (const s of [client, upstream]) {
        sockets.add(s);
        s.on('close', () => sockets.delete(s));
        s.on('error', () => undefined);
      }
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((resolve) => server?.listen(port, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  };
  const down = async (): Promise<void> => {
    for (const s of sockets) s.destroy();
    await new Promise((resolve) => server?.close(resolve));
  };
  await listen();
  return { url: `redis://127.0.0.1:${port}`, down, up: listen, close: down };
};

/**
 * Two `plant serve` processes of one deployment (one PostgreSQL database) with a limit of 10
 * requests a minute: through Redis the limit holds across both; with Redis gone each process
 * counts on its own, without a failed request; with Redis back the counts are shared again.
 */
describe.skipIf(REDIS_URL === undefined || !(await postgresReachable()))('rate limits shared through Redis', () => {
  let db: TestDatabase;
  let proxy: Awaited<ReturnType<typeof redisProxy>>;
  const servers: RunningServer[] = [];
  const dirs: string[] = [];
  let token = '';

  beforeAll(async () => {
    db = await createTestDatabase('postgres');
    proxy = await redisProxy(new URL(REDIS_URL ?? ''));
    for (let i = 0; i < 2; i++) {
      const dir = mkdtempSync(path.join(tmpdir(), 'plant-limits-'));
      dirs.push(dir);
      servers.push(
        await startServer(
          loadConfig({
            PORT: '0', LOG_LEVEL: 'silent', JWT_SECRET: SECRET, SIGNING_ALGORITHM: 'Ed25519', PLANT_DATA_DIR: dir, CHECKPOINT_INTERVAL: '3600',
            DATABASE_URL: db.adminUrl, DB_APP_ROLE: 'plant_app_test', RATE_LIMIT_PER_MINUTE: String(LIMIT), REDIS_URL: proxy.url,
            EMBEDDINGS_WORKER: 'false', WEBHOOKS_WORKER: 'false',
          }),
        ),
      );
    }
    token = await servers[0]?.deps.tokens.mint('limits-tester', ['reader']) ?? '';
  }, 120_000);
  afterAll(async () => {
    for (const s of servers) await s.close();
    await proxy.close();
    await db.close();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  const statuses = async (server: RunningServer | undefined, n: number): Promise<number[]> => {
    const out: number[] = [];
    for (let i = 0; i < n; i++) {
      const res = await fetch(`${server?.address ?? ''}/api/v1/genesis/skills?limit=1`, { headers: { authorization: `Bearer ${token}` } });
      await res.arrayBuffer();
      out.push(res.status);
    }
    return out;
  };
  const count = (list: number[], status: number): number => list.filter((s) => s === status).length;

  it('one limit across two servers, per process while Redis is down, shared again when it is back', async () => {
    const [a, b] = servers;
    const shared = [...(await statuses(a, 6)), ...(await statuses(b, 6))];
    expect(count(shared, 200)).toBe(LIMIT);
    expect(count(shared, 429)).toBe(2);

    await proxy.down();
    const alone = [...(await statuses(a, LIMIT + 2)), ...(await statuses(b, LIMIT + 2))];
    // Each process counts its own LIMIT; nothing fails for want of Redis.
    expect(count(alone, 200)).toBe(2 * LIMIT);
    expect(count(alone, 429)).toBe(4);

    await proxy.up();
    // Back on Redis, whose count for this client (12 in this window) is over the limit on both.
    let back: number[] = [];
    for (let i = 0; i < 100 && !(back.length === 2 && back.every((s) => s === 429)); i++) {
      await sleep(100);
      back = [...(await statuses(a, 1)), ...(await statuses(b, 1))];
    }
    expect(back).toEqual([429, 429]);
  });

  it('reports an outage once and the recovery once, however many requests fall back', async () => {
    const flip = await redisProxy(new URL(REDIS_URL ?? ''));
    const changes: boolean[] = [];
    const limits = sharedRateLimits(flip.url, 'report-test', (s) => {
      changes.push(s);
    });
    try {
      expect(await limits.connected(5000)).toBe(true);
      expect(limits.shared()).toBe(true);
      const store = new limits.store({});
      const incr = (): Promise<{ current: number }> =>
        new Promise((resolve, reject) => {
          store.incr(`client-${process.pid}`, (error, result) => {
            if (error === null && result !== undefined) resolve(result);
            else reject(error ?? new Error('no result'));
          }, 60_000, 5);
        });
      expect((await incr()).current).toBe(1);
      await flip.down();
      for (let i = 0; i < 20; i++) await incr();
      await sleep(1500);
      await flip.up();
      expect(await limits.connected(10_000)).toBe(true);
      expect((await incr()).current).toBe(2);
      expect(changes).toEqual([false, true]);
    } finally {
      await limits.close();
      await flip.close();
    }
  });
});
