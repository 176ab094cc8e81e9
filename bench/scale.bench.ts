import { execFileSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import { createCluster, createReplica } from '../test/support/pg-cluster.ts';
import { heading, load, ratio, root, showLoad as show, start, stop, type Load } from './harness.ts';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const CONNECTIONS = 32;
const SECRET = 'bench-secret-that-is-long-enough-0123456789';

/** The same load on every server at once; throughput adds up, latency is the worst server's. */
const together = async (optsPerServer: autocannon.Options[]): Promise<Load> => {
  const loads = await Promise.all(optsPerServer.map((o) => load(SECONDS, CONNECTIONS, o)));
  return {
    rps: loads.reduce((sum, l) => sum + l.rps, 0),
    p50: Math.max(...loads.map((l) => l.p50)),
    p99: Math.max(...loads.map((l) => l.p99)),
    errors: loads.reduce((sum, l) => sum + l.errors, 0),
  };
};

/**
 * Scale-out (issue 16): API processes on one primary, and reads moved to a streaming replica.
 * The primary and the replica are clusters of the bench's own (pg_basebackup -R), on this machine.
 */
export const benchScale = async (): Promise<void> => {
  heading(`Scale-out — two plant serve on one PostgreSQL primary, and one streaming replica; ${CONNECTIONS} connections per server, ${SECONDS} s per run; every process on this machine's ${availableParallelism()} cores`);
  const primary = await createCluster();
  const replica = await createReplica(primary);
  const dirs: string[] = [];
  const children: ChildProcess[] = [];
  try {
    const serve = async (replicas: string): Promise<string> => {
      const dir = mkdtempSync(path.join(tmpdir(), 'plant-bench-scale-'));
      dirs.push(dir);
      const env = {
        PORT: '0', LOG_LEVEL: 'warn', JWT_SECRET: SECRET, SIGNING_ALGORITHM: 'Ed25519', RATE_LIMIT_PER_MINUTE: '100000000', PLANT_DATA_DIR: dir,
        DATABASE_URL: primary.url, DB_APP_ROLE: 'plant_app_bench_scale', DB_APP_PASSWORD: 'bench', DB_POOL_MAX: '10', EMBEDDINGS_WORKER: 'false',
        CHECKPOINT_INTERVAL: '3600', DATABASE_REPLICA_URLS: replicas,
      };
      const { child, match } = await start(['bin/plant.js', 'serve'], env, /listening on (http:\/\/\S+)/);
      children.push(child);
      return match[1] ?? '';
    };
    const [a, b] = [await serve(''), await serve('')];
    const token = (role: string): string =>
      execFileSync(process.execPath, ['bin/plant.js', 'token', '--role', role, '--sub', `bench-${role}`], {
        cwd: root,
        env: { ...process.env, JWT_SECRET: SECRET, DATABASE_URL: primary.url, DB_APP_ROLE: 'plant_app_bench_scale', DB_APP_PASSWORD: 'bench' },
      }).toString().trim();
    const governance = token('governance');
    const reader = token('reader');

    let n = 0;
    const post = (url: string): autocannon.Options => ({
      url: `${url}/api/v1/genesis/skills`,
      requests: [{
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${governance}` },
        setupRequest: (req) => ({ ...req, body: JSON.stringify({ name: `scale ${process.pid} ${++n}`, description: 'A benchmark skill', category: 'technical' }) }),
      }],
    });
    const one = await together([post(a)]);
    show('POST skill, one server', one);
    const two = await together([post(a), post(b)]);
    show('POST skill, two servers on the same primary', two);
    ratio('creates/s two servers / one', two.rps / one.rps, '≥ 1.6');

    // Reads: a page of the catalog the writes above made.
    const get = (url: string): autocannon.Options => ({ url: `${url}/api/v1/genesis/skills?limit=20`, headers: { authorization: `Bearer ${reader}` } });
    const [c, d] = [await serve(replica.url), await serve(replica.url)];
    const oneGet = await together([get(a)]);
    show('GET skills page, one server on the primary', oneGet);
    const scaled = await together([get(c), get(d)]);
    show('GET skills page, two servers reading the replica', scaled);
    ratio('GET/s two servers + replica / one server', scaled.rps / oneGet.rps, '≥ 1.8');
    const metrics = await (await fetch(`${c}/metrics`)).text();
    const routed = /^plant_read_routing_total\{route="replica"\} (\d+)$/m.exec(metrics)?.[1] ?? '0';
    process.stdout.write(`  (reads the first replica-reading server sent to the replica: ${routed})\n`);
  } finally {
    for (const child of children) await stop(child);
    replica.remove();
    primary.remove();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  }
};
