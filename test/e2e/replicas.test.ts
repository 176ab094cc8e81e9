import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createPlantClient } from '@plant/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/composition/config.ts';
import { startServer, type RunningServer } from '../../src/composition/server.ts';
import { clustersAvailable, createCluster, createReplica, type TestCluster } from '../support/pg-cluster.ts';

const SECRET = 'replica-secret-that-is-long-enough-0000000';
const MAX_LAG_MS = 1500;

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A primary and a real streaming replica (pg_basebackup -R), both clusters of the test's own, and
 * `plant serve` reading from the replica: GET routes read there, read-your-writes holds while the
 * replica's replay is paused, a lagging or killed replica hands reads to the primary, and a
 * recovered one takes them back. Where each read went is read from /metrics.
 */
describe.skipIf(!clustersAvailable())('read replicas', () => {
  let primary: TestCluster;
  let replica: TestCluster;
  let server: RunningServer;
  let url = '';
  let token = '';
  const dir = mkdtempSync(path.join(tmpdir(), 'plant-replicas-'));

  beforeAll(async () => {
    primary = await createCluster();
    replica = await createReplica(primary);
    server = await startServer(
      loadConfig({
        PORT: '0', LOG_LEVEL: 'silent', JWT_SECRET: SECRET, SIGNING_ALGORITHM: 'Ed25519', PLANT_DATA_DIR: dir, CHECKPOINT_INTERVAL: '3600',
        DATABASE_URL: primary.url, DATABASE_REPLICA_URLS: replica.url, DB_APP_ROLE: 'plant_app_replicas', DB_APP_PASSWORD: 'replica-pw',
        REPLICA_MAX_LAG_MS: String(MAX_LAG_MS), REPLICA_CHECK_INTERVAL_MS: '100', RATE_LIMIT_PER_MINUTE: '1000000', EMBEDDINGS_WORKER: 'false', WEBHOOKS_WORKER: 'false',
      }),
    );
    url = server.address;
    token = await server.deps.tokens.mint('replica-tester', ['admin']);
  }, 120_000);
  afterAll(async () => {
    await server?.close();
    replica?.remove();
    primary?.remove();
    rmSync(dir, { recursive: true, force: true });
  });

  const auth = (): Record<string, string> => ({ authorization: `Bearer ${token}` });
  let seq = 0;
  const createSkill = async (): Promise<{ id: string; consistency: string | null }> => {
    seq += 1;
    const res = await fetch(`${url}/api/v1/genesis/skills`, {
      method: 'POST',
      headers: { ...auth(), 'content-type': 'application/json' },
      body: JSON.stringify({ name: `Replica Skill ${seq}`, description: 'written on the primary, read from the replica', category: 'technical' }),
    });
    expect(res.status).toBe(201);
    return { id: ((await res.json()) as { id: string }).id, consistency: res.headers.get('x-plant-consistency') };
  };
  const getEntity = (id: string, consistency?: string): Promise<Response> =>
    fetch(`${url}/api/v1/entities/${id}`, { headers: { ...auth(), ...(consistency === undefined ? {} : { 'x-plant-consistency': consistency }) } });
  /** plant_read_routing_total by route, from /metrics. */
  const routed = async (): Promise<Record<string, number>> => {
    const text = await (await fetch(`${url}/metrics`)).text();
    return Object.fromEntries([...text.matchAll(/^plant_read_routing_total\{route="(\w+)"\} (\d+)$/gm)].map((m): [string, number] => [m[1] ?? '', Number(m[2])]));
  };
  const readiness = async (): Promise<{ status: number; replicas: { name: string; serving: boolean; lag_ms: number | null; problem: string | null }[] }> => {
    const res = await fetch(`${url}/health/ready`);
    const body = (await res.json()) as { replicas: { name: string; serving: boolean; lag_ms: number | null; problem: string | null }[] };
    return { status: res.status, replicas: body.replicas };
  };
  const until = async (what: string, test: () => Promise<boolean>): Promise<void> => {
    for (let i = 0; i < 200; i++) {
      if (await test()) return;
      await sleep(100);
    }
    throw new Error(`timed out waiting until ${what}`);
  };
  const serving = async (): Promise<boolean> => (await readiness()).replicas[0]?.serving === true;
  const grew = (before: Record<string, number>, after: Record<string, number>, route: string): number => (after[route] ?? 0) - (before[route] ?? 0);

  it('GET routes read from the replica; writes go to the primary and answer with a consistency token', async () => {
    await until('the replica serves', serving);
    const ready = await readiness();
    expect(ready.status).toBe(200);
    expect(ready.replicas).toEqual([expect.objectContaining({ name: `127.0.0.1:${replica.port}`, serving: true, problem: null })]);

    const { id, consistency } = await createSkill();
    expect(consistency).toMatch(/^[0-9A-F]+\/[0-9A-F]+$/);
    const before = await routed();
    const res = await getEntity(id, consistency ?? undefined);
    expect(res.status).toBe(200);
    const list = await fetch(`${url}/api/v1/genesis/skills?limit=5`, { headers: auth() });
    expect(list.status).toBe(200);
    const after = await routed();
    expect(grew(before, after, 'replica')).toBeGreaterThanOrEqual(2);
    // A read that tried to write would have been refused by the standby and answered by the primary.
    expect(after.primary_fallback ?? 0).toBe(0);

    const metrics = await (await fetch(`${url}/metrics`)).text();
    expect(metrics).toMatch(new RegExp(`^plant_replica_serving\\{replica="127.0.0.1:${replica.port}"\\} 1$`, 'm'));
    expect(metrics).toMatch(/^plant_replica_lag_seconds\{replica="[^"]+"\} [\d.]+$/m);
  });

  it('read-your-writes while replay is paused: the token sends the read to the primary until the replica has replayed it', async () => {
    replica.psql('SELECT pg_wal_replay_pause()');
    try {
      const { id, consistency } = await createSkill();
      expect(consistency).not.toBeNull();
      // Within the lag limit the replica still serves, and without the token it cannot know of the write.
      const before = await routed();
      expect((await getEntity(id)).status).toBe(404);
      const withToken = await getEntity(id, consistency ?? undefined);
      expect(withToken.status).toBe(200);
      const after = await routed();
      expect(grew(before, after, 'replica')).toBeGreaterThanOrEqual(1);
      expect(grew(before, after, 'primary_token')).toBeGreaterThanOrEqual(1);

      // The SDK sends its last token back by itself; a client told not to reads the stale replica.
      const sdk = createPlantClient({ baseUrl: url, token });
      const made = await sdk.api.POST('/api/v1/genesis/skills', { body: { name: `Replica SDK Skill ${seq}`, description: 'read your own write', category: 'technical' } });
      expect(made.response.status).toBe(201);
      const sdkId = made.data?.id ?? '';
      expect(sdk.consistencyToken()).toMatch(/\//);
      expect((await sdk.entity(sdkId)).id).toBe(sdkId);
      const forgetful = createPlantClient({ baseUrl: url, token, readYourWrites: false });
      await expect(forgetful.entity(sdkId)).rejects.toMatchObject({ status: 404 });

      // Past the lag limit the replica is out of service: every read goes to the primary.
      await until('the replica is reported lagging', async () => !(await serving()));
      const lagging = (await readiness()).replicas[0];
      expect(lagging?.problem).toMatch(/^lagging \d+ ms \(limit 1500 ms\)$/);
      const mark = await routed();
      expect((await getEntity(id)).status).toBe(200);
      expect(grew(mark, await routed(), 'primary_lag')).toBeGreaterThanOrEqual(1);
    } finally {
      replica.psql('SELECT pg_wal_replay_resume()');
    }
    await until('the replica serves again', serving);
    const { id, consistency } = await createSkill();
    await until('the replica has replayed the write', () => Promise.resolve(Number(replica.psql(`SELECT count(*) FROM entities WHERE id = '${id}'`)) === 1));
    const before = await routed();
    expect((await getEntity(id, consistency ?? undefined)).status).toBe(200);
    expect(grew(before, await routed(), 'replica')).toBeGreaterThanOrEqual(1);
  });

  it('a replica killed mid-service hands its reads to the primary, and takes them back once restarted', async () => {
    const { id } = await createSkill();
    await replica.stop('immediate');
    // Reads answer at once, whether the router has noticed yet (a failed read falls back) or not.
    for (let i = 0; i < 5; i++) expect((await getEntity(id)).status).toBe(200);
    await until('the replica is out of service', async () => !(await serving()));
    const down = await readiness();
    expect(down.status).toBe(200);
    expect(down.replicas[0]).toMatchObject({ serving: false, lag_ms: null });
    const mark = await routed();
    expect((await getEntity(id)).status).toBe(200);
    expect(grew(mark, await routed(), 'primary_unhealthy')).toBeGreaterThanOrEqual(1);
    // Writes never depended on the replica.
    await createSkill();

    await replica.start();
    await until('the restarted replica serves', serving);
    const back = await routed();
    expect((await getEntity(id)).status).toBe(200);
    expect(grew(back, await routed(), 'replica')).toBeGreaterThanOrEqual(1);
  });

  it('a malformed consistency token is a 400 problem', async () => {
    const res = await fetch(`${url}/api/v1/genesis/skills`, { headers: { ...auth(), 'x-plant-consistency': 'yesterday' } });
    expect(res.status).toBe(400);
    const problem = (await res.json()) as { error_code: string; detail: string };
    expect(problem.error_code).toBe('MALFORMED_REQUEST');
    expect(problem.detail).toContain('x-plant-consistency');
  });
});
