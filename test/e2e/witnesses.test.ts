import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyCosignatures } from '@plant/client/verify';
import { Ed25519NoteSigner } from '../../src/adapters/crypto/node-signer.ts';
import { verifierKey } from '../../src/core/checkpoint.ts';
import { runPlant } from '../support/cli.ts';
import { createTestDatabase, postgresReachable, type TestDatabase } from '../support/engines.ts';
import { closedPort } from '../support/net.ts';
import { startServe, stopServe } from '../support/serve.ts';

const root = path.resolve(import.meta.dirname, '../..');
const SECRET = 'witness-test-secret-that-is-long-enough-00';
const ORIGIN = 'witness-test.example/log';

interface Checkpoint {
  tree_size: number;
  note: string;
  cosignatures: { witness: string; line: string }[];
}

/** Polls until `ready` gives a value; fails the test when it has not within the time. */
const until = async <T,>(ready: () => Promise<T | undefined>, timeoutMs: number): Promise<T> => {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await ready();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
};

/** `plant witness serve` as its own process on a given port; resolves once it listens. */
const startWitness = (name: string, stateDir: string, logKey: string, port: number): Promise<ChildProcess> => {
  const child = spawn(process.execPath, ['bin/plant.js', 'witness', 'serve', '--name', name, '--state-dir', stateDir, '--log', logKey, '--port', String(port)], {
    cwd: root,
    env: { ...process.env, LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (c: Buffer) => {
      out += c.toString();
      if (out.includes('verifier key:')) resolve(child);
    });
    child.on('exit', (code) => { reject(new Error(`witness exited ${String(code)}: ${out}`)); });
  });
};

describe.skipIf(!(await postgresReachable()))('witness cosigning with two witness processes', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'plant-witnesses-'));
  const logKeyFile = path.join(dir, 'log-key.pem');
  const logPrivate = generateKeyPairSync('ed25519').privateKey;
  writeFileSync(logKeyFile, logPrivate.export({ format: 'pem', type: 'pkcs8' }));
  const logKey = verifierKey(new Ed25519NoteSigner(ORIGIN, logPrivate));
  const names = ['witness-test.example/w1', 'witness-test.example/w2'];
  const stateDirs = names.map((_, i) => path.join(dir, `w${i + 1}`));
  const witnessKeys: string[] = [];
  const witnessUrls: string[] = [];
  const witnesses: (ChildProcess | undefined)[] = [];
  let dbA: TestDatabase | undefined;
  let dbB: TestDatabase | undefined;
  let plantA: { child: ChildProcess; url: string } | undefined;
  let plantB: { child: ChildProcess; url: string } | undefined;

  const plantEnv = (db: TestDatabase | undefined, name: string, witnessList: string): NodeJS.ProcessEnv => ({
    ...process.env, PORT: '0', LOG_LEVEL: 'warn', JWT_SECRET: SECRET, SIGNING_ALGORITHM: 'Ed25519', CHECKPOINT_INTERVAL: '0.2',
    PLANT_DATA_DIR: path.join(dir, name), DATABASE_URL: db?.adminUrl ?? '', DB_APP_ROLE: `plant_app_${name}`, RATE_LIMIT_PER_MINUTE: '1000000',
    LOG_ORIGIN: ORIGIN, LOG_KEY_FILE: logKeyFile, LOG_WITNESSES: witnessList, WITNESS_TIMEOUT_MS: '1500', EMBEDDINGS_WORKER: 'false',
  });
  const token = (role: string, env: NodeJS.ProcessEnv): string =>
    execFileSync(process.execPath, ['bin/plant.js', 'token', '--role', role, '--sub', `${role}-tester`], { cwd: root, env }).toString().trim();
  const createSkills = async (url: string, gov: string, prefix: string, n: number): Promise<void> => {
    for (let i = 0; i < n; i++) {
      const res = await fetch(`${url}/api/v1/genesis/skills`, {
        method: 'POST',
        headers: { authorization: `Bearer ${gov}`, 'content-type': 'application/json' },
        body: JSON.stringify({ name: `${prefix} ${i}`, description: 'witnessed', category: 'technical' }),
      });
      expect(res.status).toBe(201);
    }
  };
  const checkpoint = async (url: string, size?: number): Promise<Checkpoint> =>
    (await (await fetch(`${url}/api/v1/log/checkpoint${size === undefined ? '' : `?size=${size}`}`)).json()) as Checkpoint;
  const addCheckpoint = (witness: number, body: string): Promise<Response> => fetch(`${witnessUrls[witness] ?? ''}/add-checkpoint`, { method: 'POST', body });
  const witnessState = async (witness: number): Promise<{ vkey: string; logs: { origin: string; size: number }[] }> =>
    (await (await fetch(`${witnessUrls[witness] ?? ''}/`)).json()) as { vkey: string; logs: { origin: string; size: number }[] };
  let govA: string;
  const a = (): { url: string } => plantA ?? { url: '' };
  const b = (): { url: string } => plantB ?? { url: '' };

  beforeAll(async () => {
    for (const [i, name] of names.entries()) {
      const key = await runPlant(['witness', 'key', '--name', name, '--state-dir', stateDirs[i] ?? ''], { env: process.env });
      expect(key.code).toBe(0);
      witnessKeys.push(key.out.trim());
      witnessUrls.push(await closedPort());
      witnesses.push(await startWitness(name, stateDirs[i] ?? '', logKey, Number(new URL(witnessUrls[i] ?? '').port)));
    }
    // One after the other: each creates the cluster's roles if missing.
    dbA = await createTestDatabase('postgres');
    dbB = await createTestDatabase('postgres');
    const list = witnessUrls.map((url, i) => `${url} ${witnessKeys[i] ?? ''}`).join(',');
    plantA = await startServe(plantEnv(dbA, 'wa', list));
    plantB = await startServe(plantEnv(dbB, 'wb', ''));
    govA = token('governance', plantEnv(dbA, 'wa', list));
  });
  afterAll(async () => {
    await Promise.all([stopServe(plantA?.child), stopServe(plantB?.child), ...witnesses.map(stopServe)]);
    await Promise.all([dbA?.close(), dbB?.close()]);
    rmSync(dir, { recursive: true, force: true });
  });

  it('the served checkpoint and the export bundle carry both cosignatures, and plant verify demands them', async () => {
    await createSkills(a().url, govA, 'Witnessed', 3);
    const cosigned = await until(async () => {
      const c = await checkpoint(a().url);
      return c.tree_size >= 3 && c.cosignatures.length === 2 ? c : undefined;
    }, 15_000);
    const report = await verifyCosignatures(cosigned.note, witnessKeys);
    expect(report.valid.map((v) => v.witness).sort()).toEqual(names);
    for (const w of [0, 1]) expect((await witnessState(w)).logs).toContainEqual(expect.objectContaining({ origin: ORIGIN, size: cosigned.tree_size }));

    const auditor = token('auditor', plantEnv(dbA, 'wa', ''));
    const bundle = (await (await fetch(`${a().url}/api/v1/audit/export`, { headers: { authorization: `Bearer ${auditor}` } })).json()) as { log: { checkpoint: { note: string; tree_size: number } } };
    const file = path.join(dir, 'bundle.json');
    writeFileSync(file, JSON.stringify(bundle));
    const witnessArgs = witnessKeys.flatMap((k) => ['--witness', k]);
    const ok = await runPlant(['verify', file, ...witnessArgs, '--min-witnesses', '2'], { env: process.env });
    expect(ok.out).toContain('Cosigned by 2 trusted witness(es)');
    expect(ok.code).toBe(0);

    // A cosignature copied from another checkpoint does not count.
    const older = await checkpoint(a().url, cosigned.tree_size);
    await createSkills(a().url, govA, 'Later', 1);
    await until(async () => ((await checkpoint(a().url)).tree_size > cosigned.tree_size ? true : undefined), 15_000);
    const newer = (await (await fetch(`${a().url}/api/v1/audit/export`, { headers: { authorization: `Bearer ${auditor}` } })).json()) as typeof bundle;
    const newerNote = newer.log.checkpoint.note.split('\n').filter((line) => !names.some((n) => line.startsWith(`— ${n} `))).join('\n');
    newer.log.checkpoint.note = `${newerNote.endsWith('\n') ? newerNote : `${newerNote}\n`}${older.cosignatures.map((c) => `${c.line}\n`).join('')}`;
    writeFileSync(file, JSON.stringify(newer));
    const swapped = await runPlant(['verify', file, ...witnessArgs, '--min-witnesses', '1', '--json'], { env: process.env });
    expect(swapped.code).toBe(1);
    const problems = (JSON.parse(swapped.out) as { problems: { check: string; detail: string }[] }).problems;
    expect(problems).toEqual([expect.objectContaining({ check: 'witness', detail: expect.stringContaining('does not verify on this checkpoint') as unknown })]);
    const tooMany = await runPlant(['verify', file, '--witness', witnessKeys[0] ?? '', '--min-witnesses', '2'], { env: process.env });
    expect(tooMany.code).not.toBe(0);
  });

  it('a witness down never blocks writes; restarted, it keeps its state and key and catches up', async () => {
    const before = (await witnessState(1)).logs.find((l) => l.origin === ORIGIN)?.size ?? 0;
    expect(before).toBeGreaterThan(0);
    await stopServe(witnesses[1]);
    await createSkills(a().url, govA, 'While down', 2);
    const onlyOne = await until(async () => {
      const c = await checkpoint(a().url);
      return c.tree_size >= before + 2 && c.cosignatures.length === 1 ? c : undefined;
    }, 15_000);
    expect(onlyOne.cosignatures[0]?.witness).toBe(names[0]);

    witnesses[1] = await startWitness(names[1] ?? '', stateDirs[1] ?? '', logKey, Number(new URL(witnessUrls[1] ?? '').port));
    const restarted = await witnessState(1);
    expect(restarted.vkey).toBe(witnessKeys[1]);
    expect(restarted.logs.find((l) => l.origin === ORIGIN)?.size).toBeGreaterThanOrEqual(before);
    // A stale old size is answered with the size it kept, not cosigned.
    const stale = await addCheckpoint(1, `old 0\n\n${onlyOne.note}`);
    expect(stale.status).toBe(409);
    expect(stale.headers.get('content-type')).toBe('text/x.tlog.size');
    expect(Number((await stale.text()).trim())).toBeGreaterThanOrEqual(before);
    await until(async () => ((await checkpoint(a().url)).cosignatures.length === 2 ? true : undefined), 15_000);
  });

  it('refuses a rollback and a forked log under the same key, and malformed requests', async () => {
    const latest = await checkpoint(a().url);
    const size = (await witnessState(0)).logs.find((l) => l.origin === ORIGIN)?.size ?? 0;
    const earlier = await checkpoint(a().url, 3);
    // Rollback: an older checkpoint, from the size the witness holds, or as if it held nothing.
    expect((await addCheckpoint(0, `old ${size}\n\n${earlier.note}`)).status).toBe(400);
    const rolled = await addCheckpoint(0, `old 0\n\n${earlier.note}`);
    expect(rolled.status).toBe(409);
    expect(await rolled.text()).toBe(`${size}\n`);

    // The fork: another database, the same log key and origin, another history that grows past A.
    const govB = token('governance', plantEnv(dbB, 'wb', ''));
    await createSkills(b().url, govB, 'Forked', latest.tree_size + 3);
    const forked = await until(async () => {
      const c = await checkpoint(b().url);
      return c.tree_size > size ? c : undefined;
    }, 15_000);
    const proof = (await (await fetch(`${b().url}/api/v1/log/proof/consistency?first=${size}&second=${forked.tree_size}`)).json()) as { proof: string[] };
    const body = `old ${size}\n${proof.proof.map((h) => `${Buffer.from(h, 'hex').toString('base64')}\n`).join('')}\n${forked.note}`;
    expect((await addCheckpoint(0, body)).status).toBe(422);
    expect((await witnessState(0)).logs.find((l) => l.origin === ORIGIN)?.size).toBe(size);

    expect((await addCheckpoint(0, 'old x\n\n')).status).toBe(400);
    expect((await addCheckpoint(0, `old 0\n\n${forked.note.replace(ORIGIN, 'unknown.example/log')}`)).status).toBe(404);
  });
});
