import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runPlant, type CliRun } from '../support/cli.ts';
import { createTestDatabase, postgresReachable, type TestDatabase } from '../support/engines.ts';
import { startServe, stopServe } from '../support/serve.ts';


// The CLI's --url mode goes through the SDK; on one database it must answer what the direct mode answers.
describe.skipIf(!(await postgresReachable()))('the CLI beside a server: --url gives what the database gives', () => {
  let db: TestDatabase;
  let server: ChildProcess;
  let url = '';
  const dir = mkdtempSync(path.join(tmpdir(), 'plant-cli-url-'));
  const env = (): NodeJS.ProcessEnv => ({
    ...process.env, LOG_LEVEL: 'warn', JWT_SECRET: 'cli-url-test-secret-long-enough-000000', SIGNING_ALGORITHM: 'Ed25519', PLANT_DATA_DIR: dir,
    DATABASE_URL: db.adminUrl ?? '', DB_APP_ROLE: 'plant_app_cli_url', EMBEDDINGS_WORKER: 'false', PLANT_TOKEN: '', CERTIFICATION_QUORUM: '2',
  });
  const plant = (args: string[], extra: NodeJS.ProcessEnv = {}): Promise<CliRun> => runPlant(args, { env: { ...env(), ...extra } });
  const token = async (role: string): Promise<string> => (await plant(['token', '--role', role, '--sub', `cli-${role}`])).out.trim();

  beforeAll(async () => {
    db = await createTestDatabase('postgres');
    // The demo catalog, written by the CLI beside the server that serves it (the seed certifies alone).
    const seeded = await plant(['seed'], { CERTIFICATION_QUORUM: '1' });
    expect(seeded.code, seeded.err).toBe(0);
    ({ child: server, url } = await startServe({ ...env(), PORT: '0' }));
  });
  afterAll(async () => {
    await stopServe(server);
    await db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const createSkill = async (name: string): Promise<string> => {
    const made = await fetch(`${url}/api/v1/genesis/skills`, {
      method: 'POST', headers: { authorization: `Bearer ${await token('governance')}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name, description: 'made beside the CLI', category: 'technical' }),
    });
    expect(made.status).toBe(201);
    return ((await made.json()) as { id: string }).id;
  };

  it('governance queue and decisions, search and audit run: the same answers both ways', async () => {
    const reader = await token('reader');
    // One approval of two: an open certification request in the queue, and a decision.
    const queued = await createSkill('CLI url queued skill');
    const approved = await fetch(`${url}/api/v1/genesis/skills/${queued}/certify`, {
      method: 'POST', headers: { authorization: `Bearer ${await token('governance')}`, 'content-type': 'application/json' }, body: JSON.stringify({ reason: 'first of two approvals' }),
    });
    expect(approved.status, await approved.text()).toBeLessThan(300);
    const both = async (args: string[], t = reader): Promise<[unknown, unknown]> => {
      const direct = await plant(args);
      const served = await plant([...args, '--url', url], { PLANT_TOKEN: t });
      expect(direct.code, direct.err).toBe(0);
      expect(served.code, served.err).toBe(0);
      return [JSON.parse(direct.out), JSON.parse(served.out)];
    };
    const [queue, servedQueue] = await both(['governance', 'queue', '--json', '--limit', '5']);
    expect(servedQueue).toEqual(queue);
    expect((queue as { items: unknown[] }).items.length, JSON.stringify(queue)).toBeGreaterThan(0);
    const [decisions, servedDecisions] = await both(['governance', 'decisions', '--json', '--limit', '3']);
    expect(servedDecisions).toEqual(decisions);
    const [hits, servedHits] = await both(['search', 'Salesforce', '--json', '--limit', '5']);
    const ids = (v: unknown): string[] => (v as { hits: { id: string }[] }).hits.map((h) => h.id);
    expect(ids(servedHits)).toEqual(ids(hits));
    expect(ids(hits).length, JSON.stringify(hits)).toBeGreaterThan(0);
    const [audit, servedAudit] = await both(['audit', 'run', '--kind', 'Industry', '--json'], await token('auditor'));
    const counts = (v: unknown): unknown => ({ total: (v as { total_entities: number }).total_entities, compliant: (v as { compliant: number }).compliant });
    expect(counts(servedAudit)).toEqual(counts(audit));
    expect(counts(audit)).toEqual({ total: 3, compliant: 3 });
  });

  it('an export fetched with --url verifies offline, and verify --url fetches the consistency proof it lacks', async () => {
    const auditor = await token('auditor');
    const bundle = path.join(dir, 'bundle.json');
    const exported = await plant(['audit', 'export', '--url', url, '--kind', 'Skill', '-o', bundle], { PLANT_TOKEN: auditor });
    expect(exported.code, exported.err).toBe(0);
    const early = path.join(dir, 'early.note');
    // Keep a checkpoint, write, and export again: the newer bundle must extend the kept tree.
    expect((await plant(['log', 'checkpoint', '--out', early])).code).toBe(0);
    const skill = await createSkill('CLI url skill between checkpoints');
    const { log_key: logKey } = JSON.parse((await plant(['log', 'checkpoint', '--json'])).out) as { log_key: string };
    expect((await plant(['audit', 'export', '--url', url, '--kind', 'Skill', '-o', bundle], { PLANT_TOKEN: auditor })).code).toBe(0);
    // A bundle passed on without its consistency proofs (they are not signed; the roots are).
    const parsed = JSON.parse(readFileSync(bundle, 'utf8')) as { log: { consistency: unknown[] } };
    parsed.log.consistency = [];
    writeFileSync(bundle, JSON.stringify(parsed));
    const offline = await plant(['verify', bundle, '--against', early]);
    expect(offline.code).toBe(1);
    expect(offline.out).toContain('pass --url to fetch one');
    const online = await plant(['verify', bundle, '--against', early, '--url', url], { PLANT_TOKEN: auditor });
    expect(online.code, online.out + online.err).toBe(0);
    expect(online.out).toContain('Everything in this partial bundle verifies');

    // One entity through the SDK's verifyEntity, against the log key the auditor pinned.
    const one = await plant(['verify', '--entity', skill, '--url', url, '--log-key', logKey], { PLANT_TOKEN: auditor });
    expect(one.code, one.err).toBe(0);
    expect(one.out).toMatch(/^ {2}pass {4}inclusion$/m);
    expect(one.out).toContain('Verified.');
    const stranger = logKey.replace(/^[^+]+/, 'another.example/log');
    const refused = await plant(['verify', '--entity', skill, '--url', url, '--log-key', stranger, '--json'], { PLANT_TOKEN: auditor });
    expect(refused.code).toBe(1);
    expect(JSON.parse(refused.out)).toMatchObject({ verified: false, failed_step: 'checkpoint' });
    expect(refused.err).toContain('verification failed at checkpoint');
  });

  it('plant seed tells what the catalog holds from what the database holds, in both modes', async () => {
    const again = await plant(['seed'], { CERTIFICATION_QUORUM: '1' });
    expect(again.out).toContain('Demo catalog already loaded (3 industries, 19 skills, 10 job roles, 6 teams, 50 agents); nothing changed.');
    // The tests above wrote skills beside the catalog's 19.
    expect(Number(/The database holds 3 industries, (\d+) skills/.exec(again.out)?.[1])).toBeGreaterThan(19);
    const served = await plant(['seed', '--url', url], { PLANT_TOKEN: await token('admin') });
    expect(served.code, served.err).toBe(0);
    expect(served.out).toBe(again.out);
  });

  it('embeddings status and dead give what the database gives; keys rotate through the server signs on with the new key', async () => {
    const admin = await token('admin');
    const status = await plant(['embeddings', 'status', '--json']);
    const servedStatus = await plant(['embeddings', 'status', '--json', '--url', url], { PLANT_TOKEN: admin });
    expect(servedStatus.code, servedStatus.err).toBe(0);
    expect(JSON.parse(servedStatus.out)).toEqual(JSON.parse(status.out));
    expect((await plant(['embeddings', 'dead', '--url', url], { PLANT_TOKEN: admin })).out).toBe((await plant(['embeddings', 'dead'])).out);

    const rotated = await plant(['keys', 'rotate', '--json', '--url', url], { PLANT_TOKEN: admin });
    expect(rotated.code, rotated.err).toBe(0);
    const { current } = JSON.parse(rotated.out) as { current: string };
    const skill = await createSkill('CLI url skill after the rotation');
    const history = (await (await fetch(`${url}/api/v1/entities/${skill}/history`, { headers: { authorization: `Bearer ${admin}` } })).json()) as { amendments: { payload: { key_id: string } }[] };
    expect(history.amendments[0]?.payload.key_id).toBe(current);
    // The direct mode reads the key the server now signs with from the same data directory.
    const listed = JSON.parse((await plant(['keys', 'list', '--json'])).out) as { key_id: string; current: boolean }[];
    expect(listed.find((k) => k.current)?.key_id).toBe(current);
    expect((await plant(['audit', 'run', '--kind', 'Skill'])).code).toBe(0);
  });

  it('a refusal is one line with the server\'s code, and a missing token is named', async () => {
    const refused = await plant(['audit', 'run', '--url', url], { PLANT_TOKEN: await token('reader') });
    expect(refused.code).toBe(1);
    expect(refused.err).toMatch(/server answered 403 FORBIDDEN: /);
    const anonymous = await plant(['governance', 'queue', '--url', url]);
    expect(anonymous.code).toBe(1);
    expect(anonymous.err).toContain('--url needs a token');
  });
});
