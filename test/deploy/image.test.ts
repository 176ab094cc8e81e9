import { spawn, spawnSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serviceUrl } from '../../src/adapters/db/database.ts';
import { createTestDatabase, postgresReachable, type TestDatabase } from '../support/engines.ts';

const root = path.resolve(import.meta.dirname, '../..');
const dockerfile = readFileSync(path.join(root, 'Dockerfile'), 'utf8').replace(/\\\n\s*/g, ' ');
const runtime = dockerfile.slice(dockerfile.indexOf('AS runtime'));
const build = dockerfile.slice(0, dockerfile.indexOf('AS runtime'));

const jsonInstruction = (name: string): string[] => {
  const match = new RegExp(`^${name}\\s+(?:.*?\\s)?CMD\\s+(\\[.*\\])$|^${name}\\s+(\\[.*\\])$`, 'm').exec(runtime);
  const raw = match?.[1] ?? match?.[2];
  if (raw === undefined) throw new Error(`${name} not found`);
  return JSON.parse(raw) as string[];
};
const imageEnv = (): Record<string, string> =>
  Object.fromEntries([...runtime.matchAll(/^ENV\s+(.+)$/gm)].flatMap((m) => [...(m[1] ?? '').matchAll(/(\w+)=(\S+)/g)].map((kv) => [kv[1] ?? '', kv[2] ?? ''])));

describe('the container image definition', () => {
  it('is multi-stage, production-only, non-root, and copies what its commands need', () => {
    expect(dockerfile).toMatch(/FROM node:20\S* AS build/);
    expect(dockerfile).toContain('npm prune --omit=dev');
    expect(runtime).toMatch(/^USER node$/m);
    for (const item of ['node_modules', 'dist', 'bin', 'migrations', 'package.json', 'clients/typescript/dist', 'web/dist']) {
      expect(runtime, item).toMatch(new RegExp(`^COPY .*\\b${item.replace('.', '\\.')}\\b.* \\./`, 'm'));
    }
    // `npm run build` in the build stage reads the console's sources and configuration.
    expect(build).toMatch(/^COPY web \.\/web$/m);
    // ... and ends by migrating the embedded database template from the migrations.
    expect(build).toMatch(/^COPY migrations \.\/migrations$/m);
    expect(build).toMatch(/^COPY scripts\/pglite-template\.ts \.\/scripts\/$/m);
    expect(jsonInstruction('CMD')).toEqual(['node', 'bin/plant.js', 'serve']);
    expect(imageEnv()).toMatchObject({ NODE_ENV: 'production', HOST: '0.0.0.0', PORT: '8000' });
    expect(dockerfile).not.toMatch(/^(ENV|ARG)\s.*(JWT_SECRET|SIGNING_KEY|PASSWORD)/m);
    const ignore = readFileSync(path.join(root, '.dockerignore'), 'utf8');
    for (const entry of ['.env', '.plant', 'secrets', 'node_modules']) expect(ignore.split('\n')).toContain(entry);
  });
});

describe.skipIf(!(await postgresReachable()))('the image commands, run without Docker', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase('postgres');
  });
  afterAll(async () => {
    await db.close();
  });

  it('migrate, serve (CMD) and the HEALTHCHECK command work as the Dockerfile states them', async () => {
    const port = String(18_000 + Math.floor(Math.random() * 1000));
    const pair = generateKeyPairSync('ed25519');
    const key = pair.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
    const publicKey = pair.publicKey.export({ format: 'pem', type: 'spki' }).toString();
    // The service as deployed: its own least-privileged connection only, no owner credentials.
    const env = {
      ...process.env,
      ...imageEnv(),
      PORT: port,
      DATABASE_URL: '',
      APP_DATABASE_URL: serviceUrl(db.adminUrl ?? '', 'plant_app_image', 'image-test-password'),
      DB_APP_ROLE: 'plant_app_image',
      DB_APP_PASSWORD: 'image-test-password',
      JWT_SECRET: 'image-test-secret-that-is-long-enough-0000',
      SIGNING_KEY: key,
      SIGNING_ALGORITHM: 'Ed25519',
      LOG_KEY: generateKeyPairSync('ed25519').privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
      LOG_LEVEL: 'warn',
      PLANT_DATA_DIR: '/nonexistent/not-used-in-production',
    };
    // The migration job has only the owner's DATABASE_URL, the app role's password and the public
    // half of the signing key: no runtime secrets. Only it may publish the key.
    const jobEnv = { ...process.env, ...imageEnv(), DATABASE_URL: db.adminUrl ?? '', DB_APP_ROLE: env.DB_APP_ROLE, DB_APP_PASSWORD: env.DB_APP_PASSWORD, JWT_SECRET: '', SIGNING_KEY: '', SIGNING_KEY_FILE: '', LOG_KEY: '' };
    const unpublished = spawnSync('node', ['bin/plant.js', 'migrate'], { cwd: root, env: jobEnv, encoding: 'utf8' });
    expect(unpublished.status, unpublished.stderr).toBe(0);
    const refused = spawnSync('node', ['bin/plant.js', 'serve'], { cwd: root, env, encoding: 'utf8', timeout: 60_000 });
    expect(refused.status).not.toBe(0);
    expect(refused.stderr).toMatch(/is not published, and only the database owner may publish it/);
    const migrate = spawnSync('node', ['bin/plant.js', 'migrate', '--json'], { cwd: root, env: { ...jobEnv, SIGNING_PUBLIC_KEY: publicKey }, encoding: 'utf8' });
    expect(migrate.status, migrate.stderr).toBe(0);
    expect((JSON.parse(migrate.stdout) as { published_key: string | null }).published_key).toMatch(/^[A-Za-z0-9_-]{43}$/);

    const [command, ...args] = jsonInstruction('CMD');
    const server = spawn(command ?? 'node', args, { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      await new Promise<void>((resolve, reject) => {
        let out = '';
        server.stdout.on('data', (c: Buffer) => {
          out += c.toString();
          if (out.includes('listening on')) resolve();
        });
        server.stderr.on('data', (c: Buffer) => {
          out += c.toString();
        });
        server.on('exit', (code) => { reject(new Error(`exited ${String(code)}: ${out}`)); });
      });
      const [hcCommand, ...hcArgs] = jsonInstruction('HEALTHCHECK');
      const health = spawnSync(hcCommand ?? 'node', hcArgs, { env, encoding: 'utf8' });
      expect(health.status, health.stderr).toBe(0);
      const ready = await fetch(`http://127.0.0.1:${port}/health/ready`);
      expect(await ready.json()).toMatchObject({ status: 'ready', engine: 'postgres' });
    } finally {
      if (server.exitCode === null && server.signalCode === null) {
        await new Promise((resolve) => {
          server.on('exit', resolve);
          server.kill('SIGTERM');
        });
      }
    }
    const stopped = spawnSync(jsonInstruction('HEALTHCHECK')[0] ?? 'node', jsonInstruction('HEALTHCHECK').slice(1), { env, encoding: 'utf8' });
    expect(stopped.status).toBe(1);
  });
});
