import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { embedOffline } from '../../src/core/embeddings/offline-embedder.ts';
import { createTestDatabase, postgresReachable, type TestDatabase } from '../support/engines.ts';
import { closedPort } from '../support/net.ts';

const root = path.resolve(import.meta.dirname, '../..');
const SECRET = 'worker-test-secret-that-is-long-enough-0000';

/**
 * An embedding server (the seed's ML contract) switched on with one variable; the server process
 * serves without a worker and `plant worker` runs the jobs, both on one PostgreSQL, with a
 * REDIS_URL whose server is down throughout.
 */
describe.skipIf(!(await postgresReachable()))('plant worker with the http provider, Redis down', () => {
  let db: TestDatabase;
  let ml: Server;
  const texts: string[] = [];
  const dir = mkdtempSync(path.join(tmpdir(), 'plant-worker-'));
  const children: ChildProcess[] = [];
  let mlUrl = '';
  // Redis is configured but down for the whole test: nothing may fail or wait because of it.
  let deadRedis = '';
  const env = (): NodeJS.ProcessEnv => ({
    ...process.env, PORT: '0', LOG_LEVEL: 'info', JWT_SECRET: SECRET, SIGNING_ALGORITHM: 'Ed25519', PLANT_DATA_DIR: dir,
    DATABASE_URL: db.adminUrl ?? '', DB_APP_ROLE: 'plant_app_worker', EMBEDDINGS_PROVIDER: 'http', ML_SERVICE_URL: mlUrl, EMBEDDINGS_WORKER: 'false',
    REDIS_URL: deadRedis,
  });
  const start = (args: string[], ready: RegExp): Promise<{ child: ChildProcess; match: RegExpExecArray }> => {
    const child = spawn(process.execPath, ['bin/plant.js', ...args], { cwd: root, env: env(), stdio: ['ignore', 'pipe', 'pipe'] });
    children.push(child);
    return new Promise((resolve, reject) => {
      let out = '';
      const onData = (c: Buffer): void => {
        out += c.toString();
        const m = ready.exec(out);
        if (m !== null) resolve({ child, match: m });
      };
      child.stdout?.on('data', onData);
      child.stderr?.on('data', onData);
      child.on('exit', (code) => { reject(new Error(`${args.join(' ')} exited ${String(code)}: ${out}`)); });
    });
  };

  beforeAll(async () => {
    db = await createTestDatabase('postgres');
    deadRedis = (await closedPort()).replace('http:', 'redis:');
    ml = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        const { text } = JSON.parse(body) as { text: string };
        texts.push(text);
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ embedding: embedOffline(text) }));
      });
    });
    await new Promise<void>((resolve) => ml.listen(0, '127.0.0.1', resolve));
    mlUrl = `http://127.0.0.1:${(ml.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await Promise.all(children.filter((c) => c.exitCode === null).map((c) => new Promise((resolve) => { c.on('exit', resolve); c.kill('SIGKILL'); })));
    await new Promise((resolve) => ml.close(resolve));
    await db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('writes are searchable by text at once and by meaning once the worker has run', async () => {
    const { match } = await start(['serve'], /listening on (http:\/\/\S+)/);
    const url = match[1] ?? '';
    expect(match.input).toMatch(/embeddings: http provider, model MiniLM-384, cache redis, worker: run `plant worker`/);
    const token = execFileSync(process.execPath, ['bin/plant.js', 'token', '--role', 'governance'], { cwd: root, env: env() }).toString().trim();
    const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    const created = await fetch(`${url}/api/v1/genesis/skills`, {
      method: 'POST', headers, body: JSON.stringify({ name: 'Podcast Editing', description: 'Edits podcast episodes and writes show notes', category: 'technical' }),
    });
    expect(created.status).toBe(201);
    const search = async () => {
      const res = await fetch(`${url}/api/v1/search?q=podcast&status=any`, { headers });
      return (await res.json()) as { mode: string; model: string; hits: { name: string; scores: { vector: number | null; text: number | null } }[] };
    };
    const before = await search();
    expect(before).toMatchObject({ mode: 'hybrid', model: 'MiniLM-384' });
    expect(before.hits[0]).toMatchObject({ name: 'Podcast Editing', scores: { vector: null } });

    const worker = await start(['worker'], /worker started \(embeddings, drift checks, webhooks\)/);
    let after = before;
    for (let i = 0; i < 100 && after.hits[0]?.scores.vector == null; i++) {
      await new Promise((r) => setTimeout(r, 100));
      after = await search();
    }
    expect(after.hits[0]?.name).toBe('Podcast Editing');
    expect(after.hits[0]?.scores.vector).toBeGreaterThan(0.2);
    expect(texts.some((t) => t.startsWith('Podcast Editing. technical skill. Edits podcast episodes'))).toBe(true);

    const exited = new Promise<number | null>((resolve) => worker.child.on('exit', resolve));
    worker.child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });
});
