import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runPlant, type CliRun } from '../support/cli.ts';
import { startServe, stopServe } from '../support/serve.ts';


// `npm start` in one terminal, the auditor's commands in another: the embedded database is the
// server's, and the CLI finds the server through the data directory's lock file.
describe('the CLI beside `plant serve` on the embedded database, with no flag', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'plant-beside-'));
  const env = { ...process.env, PLANT_DATA_DIR: path.join(dir, 'data'), DATABASE_URL: '', SIGNING_ALGORITHM: 'Ed25519', LOG_LEVEL: 'warn', PLANT_TOKEN: '', EMBEDDINGS_WORKER: 'false' };
  let server: ChildProcess;
  let url = '';
  const plant = (args: string[]): Promise<CliRun> => runPlant(args, { env, cwd: dir });
  beforeAll(async () => {
    // This server runs the embedding worker, which `embeddings reindex` waits for.
    ({ child: server, url } = await startServe({ ...env, PORT: '0', EMBEDDINGS_WORKER: 'true' }));
  });
  afterAll(async () => {
    await stopServe(server);
    rmSync(dir, { recursive: true, force: true });
  });

  it("the README's auditor steps run verbatim while the server holds the database", async () => {
    // The README's lines, in the directory whose data the server holds.
    const saved = await plant(['log', 'checkpoint', '--out', 'saved.note']);
    expect(saved.code, saved.err).toBe(0);
    expect(saved.err).toContain(`the server at ${url} holds the embedded database; asking it`);
    expect(readFileSync(path.join(dir, 'saved.note'), 'utf8')).toMatch(/^localhost\/plant-log\n\d+\n/);
    const exported = await plant(['audit', 'export', '--out', 'bundle.json']);
    expect(exported.code, exported.err).toBe(0);
    const verified = await plant(['verify', 'bundle.json', '--against', 'saved.note']);
    expect(verified.code, verified.out).toBe(0);
    expect(verified.out).toContain('Everything verifies.');
  });

  it('reads, proofs and admin commands go to the server too', async () => {
    const queue = await plant(['governance', 'queue', '--json']);
    expect(queue.code, queue.err).toBe(0);
    expect(JSON.parse(queue.out)).toEqual({ items: [], next_cursor: null });
    const proof = await plant(['log', 'prove', '--leaf-index', '0']);
    expect(proof.code, proof.err).toBe(0);
    expect(JSON.parse(proof.out)).toMatchObject({ leaf_index: 0, proof: expect.any(Array) as unknown });
    const unknown = await plant(['keys', 'retire', 'A'.repeat(43)]);
    expect(unknown.code).toBe(1);
    expect(unknown.err).toContain('server answered 404 KEY_NOT_FOUND');
    const keys = await plant(['keys', 'list', '--json']);
    expect(keys.code, keys.err).toBe(0);
    const listed = JSON.parse(keys.out) as { algorithm: string; created_at: string; current: boolean }[];
    expect(listed.filter((k) => k.current)).toHaveLength(1);
    expect(listed[0]).toMatchObject({ algorithm: 'Ed25519', created_at: expect.stringMatching(/Z$/) as unknown });
    const diff = await plant(['diff', '--from', '40', '--to', '80', '--json']);
    expect(diff.code, diff.err).toBe(0);
    expect(diff.err).toContain('holds the embedded database; asking it');
    expect(JSON.parse(diff.out)).toMatchObject({ from: 40, to: 80 });
    const status = await plant(['status']);
    expect(status.code, status.err).toBe(0);
    expect(status.out).toContain(`Database   pglite (${url}), reachable`);
    expect(status.out).toMatch(/Migrations (\d+)\/\1 applied, current/);
    expect((JSON.parse((await plant(['status', '--json'])).out) as { counts: Record<string, number> }).counts).toEqual({ Agent: 50, Industry: 3, JobRole: 10, Skill: 19, Team: 6 });
  });

  it('seed, keys rotate and the embedding commands go to the server as well', async () => {
    const seed = await plant(['seed']);
    expect(seed.code, seed.err).toBe(0);
    expect(seed.out).toContain('Demo catalog already loaded (3 industries, 19 skills, 10 job roles, 6 teams, 50 agents); nothing changed.');

    const status = await plant(['embeddings', 'status', '--json']);
    expect(status.code, status.err).toBe(0);
    expect(JSON.parse(status.out)).toMatchObject({ provider: 'offline', documents: 82, dead: 0 });
    const reindex = await plant(['embeddings', 'reindex', '--json']);
    expect(reindex.code, reindex.err).toBe(0);
    // The server's worker embeds them; the CLI follows the queue until it is empty.
    expect(JSON.parse(reindex.out)).toEqual({ queued: 82, embedded: 82, still_queued: 0, error: null });
    expect((await plant(['embeddings', 'dead'])).out).toContain('No dead jobs.');
    expect(JSON.parse((await plant(['embeddings', 'retry', '--all', '--json'])).out)).toEqual({ requeued: [] });
    const quality = await plant(['embeddings', 'quality']);
    expect(quality.code, quality.err).toBe(0);
    expect(quality.out).toMatch(/^Run \d+ \(plant-offline-v1, threshold [\d.]+\): 82 checked, 82 stable, 0 drifted/);

    // The server signs with the new key from its next amendment on, with no restart.
    const before = JSON.parse((await plant(['keys', 'list', '--json'])).out) as { key_id: string; current: boolean }[];
    const rotated = await plant(['keys', 'rotate', '--json']);
    expect(rotated.code, rotated.err).toBe(0);
    const { retired, current } = JSON.parse(rotated.out) as { retired: string; current: string };
    expect(retired).toBe(before.find((k) => k.current)?.key_id);
    const token = (await plant(['token', '--role', 'governance'])).out.trim();
    const made = await fetch(`${url}/api/v1/genesis/skills`, {
      method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Signed after the rotation', description: 'the first amendment under the new key', category: 'technical' }),
    });
    expect(made.status, await made.clone().text()).toBe(201);
    const { id } = (await made.json()) as { id: string };
    const history = (await (await fetch(`${url}/api/v1/entities/${id}/history`, { headers: { authorization: `Bearer ${token}` } })).json()) as { amendments: { payload: { key_id: string } }[] };
    expect(history.amendments[0]?.payload.key_id).toBe(current);
    const after = JSON.parse((await plant(['keys', 'list', '--json'])).out) as { key_id: string; current: boolean; retired_at: string | null }[];
    expect(after.find((k) => k.current)?.key_id).toBe(current);
    expect(after.find((k) => k.key_id === retired)?.retired_at).toMatch(/Z$/);
    const audit = await plant(['audit', 'run']);
    expect(audit.code, audit.out).toBe(0);
  });

  it('without the secret the server checks, the CLI asks for a token and makes no secret of its own', async () => {
    const secret = path.join(dir, 'data', 'jwt-secret');
    renameSync(secret, `${secret}.away`);
    try {
      const refused = await plant(['governance', 'queue']);
      expect(refused.code).toBe(1);
      expect(refused.err).toContain('pass --token or set PLANT_TOKEN');
      expect(existsSync(secret)).toBe(false);
    } finally {
      renameSync(`${secret}.away`, secret);
    }
  });
});
