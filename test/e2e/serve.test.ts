import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '../..');

/** Starts the built CLI exactly as `npm start` does, on a free port and a fresh data directory. */
const start = (dataDir: string, extraEnv: Record<string, string> = {}): { child: ChildProcess; url: Promise<string> } => {
  const child = spawn(process.execPath, [path.join(root, 'bin/plant.js'), 'serve'], {
    cwd: root,
    env: { ...process.env, PLANT_DATA_DIR: dataDir, PORT: '0', LOG_LEVEL: 'warn', DATABASE_URL: '', ...extraEnv },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const url = new Promise<string>((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /listening on (http:\/\/\S+)/.exec(out);
      if (match?.[1] !== undefined) resolve(match[1]);
    });
    child.on('exit', (code) => { reject(new Error(`server exited with ${String(code)}: ${out}`)); });
  });
  return { child, url };
};

const stop = async (child: ChildProcess): Promise<number | null> =>
  new Promise((resolve) => {
    child.on('exit', (code) => { resolve(code); });
    child.kill('SIGTERM');
  });

describe('plant serve (built CLI, embedded database)', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'plant-e2e-'));
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('starts on an empty data directory, is ready, stops cleanly, and restarts on the same data and key', async () => {
    const first = start(dir, { SIGNING_ALGORITHM: 'Ed25519' });
    const url = await first.url;
    expect((await fetch(`${url}/health`)).status).toBe(200);
    const ready = await fetch(`${url}/health/ready`);
    expect(ready.status).toBe(200);
    expect(existsSync(path.join(dir, 'keys', 'signing-ed25519.pem'))).toBe(true);
    expect(existsSync(path.join(dir, 'pgdata'))).toBe(true);
    expect(await stop(first.child)).toBe(0);

    const second = start(dir, { SIGNING_ALGORITHM: 'Ed25519' });
    const url2 = await second.url;
    expect((await (await fetch(`${url2}/health/ready`)).json()) as object).toMatchObject({ status: 'ready', engine: 'pglite' });
    expect(await stop(second.child)).toBe(0);
  });

  it('refuses to start in production without secrets, naming them, with exit code 3', async () => {
    const child = spawn(process.execPath, [path.join(root, 'bin/plant.js'), 'serve'], {
      cwd: root,
      env: { ...process.env, NODE_ENV: 'production', PLANT_DATA_DIR: dir, JWT_SECRET: '', SIGNING_KEY: '', SIGNING_KEY_FILE: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let err = '';
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(code).toBe(3);
    expect(err).toContain('JWT_SECRET: required in production');
    expect(err).toContain('SIGNING_KEY or SIGNING_KEY_FILE');
  });
});
