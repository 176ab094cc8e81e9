import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createPglitePool } from '../../src/adapters/db/database.ts';
import { runPlant } from '../support/cli.ts';

const root = path.resolve(import.meta.dirname, '../..');

interface Run {
  code: number | null;
  out: string;
  err: string;
}

describe('the plant CLI, run as a real process', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'plant-cli-'));
  const env = { ...process.env, PLANT_DATA_DIR: path.join(dir, 'data'), SIGNING_ALGORITHM: 'Ed25519', DATABASE_URL: '', LOG_LEVEL: 'warn' };
  const plant = (args: string[], extra: Record<string, string> = {}): Run => {
    const res = spawnSync(process.execPath, [path.join(root, 'bin/plant.js'), ...args], { cwd: root, env: { ...env, ...extra }, encoding: 'utf8', timeout: 120_000 });
    return { code: res.status, out: res.stdout, err: res.stderr };
  };
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  // 38 processes: four at a time, and a hang guard above the default (a loaded machine takes a minute).
  it('--help works on every command, and bad usage exits 2', { timeout: 240_000 }, async () => {
    const commands = [[], ['serve'], ['migrate'], ['seed'], ['token'], ['keys'], ['keys', 'generate'], ['keys', 'list'], ['keys', 'retire'], ['keys', 'rotate'], ['accounts'], ['accounts', 'create'], ['accounts', 'list'], ['accounts', 'show'], ['accounts', 'rotate-secret'], ['accounts', 'revoke'], ['audit'], ['audit', 'run'], ['audit', 'export'], ['status'], ['verify'], ['log'], ['log', 'checkpoint'], ['log', 'prove'], ['watch'], ['search'], ['worker'], ['embeddings'], ['embeddings', 'status'], ['embeddings', 'dead'], ['embeddings', 'retry'], ['embeddings', 'quality'], ['embeddings', 'reindex'], ['governance'], ['governance', 'queue'], ['governance', 'decisions']];
    for (let i = 0; i < commands.length; i += 4) {
      const batch = commands.slice(i, i + 4);
      const runs = await Promise.all(batch.map((args) => runPlant([...args, '--help'], { env })));
      runs.forEach((res, j) => {
        expect(res.code, batch[j]?.join(' ')).toBe(0);
        expect(res.out).toContain('Usage: plant');
      });
    }
    expect(plant(['no-such-command']).code).toBe(2);
    expect(plant(['token']).code).toBe(2); // --role is required
  });

  it('--version prints the package version; token warns once when it makes a secret no server has used', () => {
    const version = plant(['--version']);
    expect(version.code).toBe(0);
    expect(version.out.trim()).toBe((JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { version: string }).version);
    const elsewhere = path.join(dir, 'not-the-server');
    const first = plant(['token', '--role', 'reader'], { PLANT_DATA_DIR: elsewhere });
    expect(first.code).toBe(0);
    expect(first.err).toContain(`no server has used ${elsewhere} yet`);
    expect(first.out.split('.')).toHaveLength(3);
    const second = plant(['token', '--role', 'reader'], { PLANT_DATA_DIR: elsewhere });
    expect(second.err).toBe('');
    expect(plant(['token', '--role', 'reader'], { PLANT_DATA_DIR: path.join(dir, 'configured'), JWT_SECRET: 'a-configured-secret-that-is-long-enough-0000' }).err).toBe('');
  });

  it('migrate, then seed (twice: the second changes nothing), then status', () => {
    const migrated = plant(['migrate', '--json']);
    expect(migrated.code, migrated.err).toBe(0);
    expect(JSON.parse(migrated.out)).toMatchObject({ engine: 'pglite', applied: ['0001_ledger', '0002_service_accounts', '0003_transparency_log', '0004_search', '0005_review', '0006_four_eyes', '0007_decisions', '0008_database_checks', '0009_name_skeletons', '0010_webhooks', '0011_idempotency', '0012_retired_keys', '0013_service_account_lifecycle', '0014_point_in_time', '0015_cosignatures', '0016_as_of_lists', '0017_embedded_documents'], current_version: 17 });
    expect(plant(['migrate']).out).toContain('up to date');

    const seeded = plant(['seed']);
    expect(seeded.code, seeded.err).toBe(0);
    expect(seeded.out).toContain('Demo catalog loaded: 88 of its 88 records created (3 industries, 19 skills, 10 job roles, 6 teams, 50 agents)');
    expect(seeded.out).toContain('The database holds 3 industries, 19 skills, 10 job roles, 6 teams, 50 agents in all.');
    expect(plant(['seed']).out).toContain('Demo catalog already loaded (3 industries, 19 skills, 10 job roles, 6 teams, 50 agents); nothing changed.');
    const again = plant(['seed', '--json']);
    expect(JSON.parse(again.out)).toMatchObject({ changed: false, existing: 88 });

    const status = JSON.parse(plant(['status', '--json']).out) as { migrations: { current: boolean }; counts: Record<string, number>; signing_key: { algorithm: string } };
    expect(status.migrations.current).toBe(true);
    expect(status.counts).toEqual({ Agent: 50, Industry: 3, JobRole: 10, Skill: 19, Team: 6 });
    expect(status.signing_key.algorithm).toBe('Ed25519');
    expect(plant(['status']).out).toMatch(/Migrations 17\/17 applied, current/);
  });

  it('governance queue: empty on the demo catalog, as a table and as JSON; a bad --limit exits 1', () => {
    expect(plant(['governance', 'queue']).out).toContain('Nothing waits for governance.');
    expect(JSON.parse(plant(['governance', 'queue', '--json']).out)).toEqual({ items: [], next_cursor: null });
    const bad = plant(['governance', 'queue', '--limit', '0']);
    expect(bad.code).toBe(1);
    expect(bad.err).toContain('--limit must be an integer from 1 to 200');
  });

  it('embeddings status, reindex, search, quality; dead letters and retry', () => {
    const before = JSON.parse(plant(['embeddings', 'status', '--json']).out) as Record<string, unknown>;
    expect(before).toMatchObject({ provider: 'offline', model: 'plant-offline-v1', cache: process.env.REDIS_URL === undefined ? 'memory' : 'redis', documents: 82, embedded: 0, queued: 82, dead: 0 });
    // Found by text before anything is embedded.
    const early = JSON.parse(plant(['search', 'Salesforce', '--json']).out) as { hits: { name: string; scores: { vector: number | null } }[] };
    expect(early.hits[0]).toMatchObject({ name: 'CRM Management', scores: { vector: null } });

    const reindex = plant(['embeddings', 'reindex', '--json']);
    expect(reindex.code, reindex.err).toBe(0);
    expect(JSON.parse(reindex.out)).toMatchObject({ queued: 82, embedded: 82, still_queued: 0, error: null });

    const found = plant(['search', 'help my kid with algebra homework', '--limit', '3']);
    expect(found.code, found.err).toBe(0);
    expect(found.out).toMatch(/^1\s+Skill\s+Homework Help\s+[\d.]+\s+meaning: 0\.\d\d cosine/m);
    expect(plant(['search', 'tutoring', '--kind', 'Robot']).code).toBe(1);

    const quality = plant(['embeddings', 'quality', '--json']);
    expect(quality.code, quality.err).toBe(0);
    expect(JSON.parse(quality.out)).toMatchObject({ trigger: 'manual', state: 'done', report: { total_entities: 82, checked: 82, stable_count: 82, drift_detected: [] } });

    expect(plant(['embeddings', 'dead']).out).toContain('No dead jobs.');
    expect(plant(['embeddings', 'retry']).code).toBe(1); // names ids or --all
    expect(JSON.parse(plant(['embeddings', 'retry', '--all', '--json']).out)).toEqual({ requeued: [] });
  });

  it('watch: the feed in log order as JSON lines, resumed with --after; a bad --kind or --after exits 1', () => {
    const first = plant(['watch', '--max', '3', '--json']);
    expect(first.code, first.err).toBe(0);
    const lines = first.out.trim().split('\n').map((l) => JSON.parse(l) as { leaf_index: number; entity_type: string; operation: string; hash: string });
    expect(lines.map((l) => l.leaf_index)).toEqual([0, 1, 2]);
    expect(lines[0]).toMatchObject({ operation: 'create', hash: expect.stringMatching(/^[0-9a-f]{64}$/) as unknown });
    const resumed = plant(['watch', '--after', '1', '--max', '2', '--json']);
    expect(resumed.out.trim().split('\n').map((l) => (JSON.parse(l) as { leaf_index: number }).leaf_index)).toEqual([2, 3]);
    const agents = plant(['watch', '--kind', 'Agent', '--max', '1']);
    expect(agents.out).toMatch(/^#\d+ {2}\S+ {2}Agent {4}/);
    expect(plant(['watch', '--kind', 'Robot']).code).toBe(1);
    expect(plant(['watch', '--after', '-3']).code).toBe(1);
    expect(plant(['watch', '--after', '999999', '--max', '1']).err).toContain('beyond the end of the log');
  });

  it('token prints a usable JWT, and refuses unknown roles with exit 1', () => {
    const token = plant(['token', '--role', 'auditor', '--sub', 'cli-test']);
    expect(token.code).toBe(0);
    const payload = JSON.parse(Buffer.from(token.out.trim().split('.')[1] ?? '', 'base64url').toString()) as { sub: string; roles: string[]; exp: number };
    expect(payload).toMatchObject({ sub: 'cli-test', roles: ['auditor'] });
    const bad = plant(['token', '--role', 'superuser']);
    expect(bad.code).toBe(1);
    expect(bad.err).toBe('plant: unknown role(s): superuser (use reader, operator, governance, auditor, admin)\n');
  });

  it('audit run: a table and exit 0 when clean; --json; a bad --kind exits 1', () => {
    const run = plant(['audit', 'run']);
    expect(run.code, run.err).toBe(0);
    expect(run.out).toContain('Total 88, compliant 88');
    expect(JSON.parse(plant(['audit', 'run', '--kind', 'Skill', '--json']).out)).toMatchObject({ total_entities: 19, compliant: 19 });
    expect(plant(['audit', 'run', '--kind', 'Robot']).code).toBe(1);
  });

  it('audit export: JSON bundle and CSV to files; a bad format exits 1', () => {
    const bundleFile = path.join(dir, 'bundle.json');
    expect(plant(['audit', 'export', '--out', bundleFile]).code).toBe(0);
    const bundle = JSON.parse(readFileSync(bundleFile, 'utf8')) as { format: string; entities: { amendments: unknown[] }[]; public_keys: { keys: unknown[] } };
    expect(bundle.format).toBe('plant.export/v1');
    expect(bundle.entities).toHaveLength(88);
    expect(bundle.public_keys.keys).toHaveLength(1);
    const csv = plant(['audit', 'export', '--format', 'csv']);
    expect(csv.out.trim().split('\r\n')).toHaveLength(89);
    expect(plant(['audit', 'export', '--format', 'xml']).code).toBe(1);
  });

  it('keys: generate (0600, never overwrites), list, rotate (old key stays published; old amendments still verify)', () => {
    const keyFile = path.join(dir, 'prod-key.pem');
    const generated = plant(['keys', 'generate', '--algorithm', 'Ed25519', '--out', keyFile, '--json']);
    expect(generated.code, generated.err).toBe(0);
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    expect(plant(['keys', 'generate', '--out', keyFile]).code).toBe(1);

    const rotated = JSON.parse(plant(['keys', 'rotate', '--json']).out) as { retired: string; current: string };
    expect(rotated.retired).not.toBe(rotated.current);
    const listed = JSON.parse(plant(['keys', 'list', '--json']).out) as { key_id: string; retired_at: string | null; current: boolean }[];
    expect(listed.find((k) => k.key_id === rotated.retired)?.retired_at).not.toBeNull();
    expect(listed.find((k) => k.key_id === rotated.current)?.current).toBe(true);
    expect(plant(['audit', 'run']).code).toBe(0);
    const configured = plant(['keys', 'rotate'], { SIGNING_KEY_FILE: keyFile });
    expect(configured.code).toBe(1);
    expect(configured.err).toContain('The signing key comes from configuration');
  });

  it('accounts: create (secret once), list, rotate-secret, revoke; a revoked account cannot be rotated', () => {
    const created = plant(['accounts', 'create', 'cli-portal', '--role', 'reader', '--json']);
    expect(created.code, created.err).toBe(0);
    const { client_secret: first } = JSON.parse(created.out) as { client_secret: string };
    expect(first.length).toBeGreaterThan(30);
    expect(plant(['accounts', 'list']).out).toMatch(/^cli-portal\s+reader\s+\S+Z\s+-\s+-$/m);
    const rotated = plant(['accounts', 'rotate-secret', 'cli-portal']);
    expect(rotated.out).toContain('New secret for cli-portal');
    expect(rotated.out).not.toContain(first);
    expect(plant(['accounts', 'revoke', 'cli-portal']).out).toMatch(/^Revoked cli-portal at \S+Z; its tokens are refused from now on\.$/m);
    const shown = JSON.parse(plant(['accounts', 'show', 'cli-portal', '--json']).out) as { disabled_at: string | null; secret_rotated_at: string | null };
    expect(shown.disabled_at).toMatch(/Z$/);
    expect(shown.secret_rotated_at).toMatch(/Z$/);
    const again = plant(['accounts', 'rotate-secret', 'cli-portal']);
    expect(again.code).toBe(1);
    expect(again.err).toContain('is revoked');
    expect(plant(['accounts', 'show', 'nobody-here']).code).toBe(1);
  });

  it('keys retire: stays published, refuses the key in use and unknown ids, and a server will not start on a retired key', () => {
    const keyFile = path.join(dir, 'prod-key.pem');
    const currentOf = (extra: Record<string, string> = {}): string =>
      (JSON.parse(plant(['keys', 'list', '--json'], extra).out) as { key_id: string; current: boolean }[]).find((k) => k.current)?.key_id ?? '';
    // Listing with the configured key publishes it; then the development key is current again.
    const generated = currentOf({ SIGNING_KEY_FILE: keyFile });
    const current = currentOf();
    const inUse = plant(['keys', 'retire', current]);
    expect(inUse.code).toBe(1);
    expect(inUse.err).toContain('is the one this server signs with');
    expect(plant(['keys', 'retire', 'A'.repeat(43)]).err).toContain(`No published signing key has the id ${'A'.repeat(43)}`);
    // A base64url key id may start with "-": it is the kid, not an unknown option (exit 2).
    const dashed = plant(['keys', 'retire', `-C${'A'.repeat(41)}`]);
    expect(dashed.code).toBe(1);
    expect(dashed.err).toContain(`No published signing key has the id -C${'A'.repeat(41)}`);
    const retired = plant(['keys', 'retire', generated, '--json']);
    expect(retired.code, retired.err).toBe(0);
    const first = JSON.parse(retired.out) as { retired_at: string };
    expect(first.retired_at).toMatch(/Z$/);
    // Again: nothing changes, the first retirement stands.
    expect(JSON.parse(plant(['keys', 'retire', generated, '--json']).out)).toEqual(first);
    const listed = JSON.parse(plant(['keys', 'list', '--json']).out) as { key_id: string; retired_at: string | null }[];
    expect(listed.find((k) => k.key_id === generated)?.retired_at).toBe(first.retired_at);
    const serve = plant(['serve'], { SIGNING_KEY_FILE: keyFile, PORT: '0' });
    expect(serve.code).toBe(1);
    expect(serve.err).toContain(`the signing key ${generated} was retired at`);
    expect(plant(['audit', 'run']).code).toBe(0);
  });

  // The checkpoint the verify test checks an export against, and its tree size.
  const saved = path.join(dir, 'saved.note');
  let size = 0;

  it('log checkpoint and prove', () => {
    const cp = plant(['log', 'checkpoint', '--out', saved, '--json']);
    expect(cp.code, cp.err).toBe(0);
    size = (JSON.parse(cp.out) as { tree_size: number }).tree_size;
    expect(readFileSync(saved, 'utf8')).toMatch(new RegExp(`^localhost/plant-log\n${size}\n`));
    const proof = JSON.parse(plant(['log', 'prove', '--leaf-index', '3']).out) as { leaf_index: number; tree_size: number; proof: string[] };
    expect(proof).toMatchObject({ leaf_index: 3, tree_size: size });
    expect(proof.proof.length).toBeGreaterThan(0);
    expect(plant(['log', 'prove', '--leaf-index', String(size + 5)]).code).toBe(1);
  });

  it('plant diff: what the log holds between two sizes, as JSON and as a table; a bad range exits 1', () => {
    const diff = JSON.parse(plant(['diff', '--from', '0', '--to', String(size), '--json']).out) as { entities: { entity_id: string; version_before: number }[]; consistency_proof: string[] };
    expect(diff.entities.length).toBeGreaterThan(0);
    expect(diff.entities.every((e) => e.version_before === 0)).toBe(true);
    const human = plant(['diff', '--from', '1', '--to', String(size)]);
    expect(human.code, human.err).toBe(0);
    expect(human.out).toMatch(/entities changed between tree sizes 1 and \d+\nENTITY\s+KIND\s+VERSIONS\s+OPERATIONS/);
    expect(human.out).toContain(`plant log prove --from 1 --tree-size ${size}`);
    const backwards = plant(['diff', '--from', String(size), '--to', '1']);
    expect(backwards.code).toBe(1);
    expect(backwards.err).toContain(`from=${size} is after to=1`);
    expect(plant(['diff', '--from', 'ten', '--to', '1']).err).toContain('--from must be a tree size');
  });

  it('verify passes on a fresh export against the saved checkpoint and fails (exit 1) on a broken bundle', () => {
    const bundle = path.join(dir, 'verify-me.json');
    expect(plant(['audit', 'export', '--out', bundle]).code).toBe(0);
    const ok = plant(['verify', bundle, '--against', saved]);
    expect(ok.code, ok.out + ok.err).toBe(0);
    expect(ok.out).toContain('Everything verifies.');
    expect(ok.out).toContain(`Coverage: ${size} of ${size} leaves.`);
    const exported = JSON.parse(readFileSync(bundle, 'utf8')) as { entities: { id: string; amendments: unknown[] }[] };
    const one = exported.entities[0];
    if (one === undefined) throw new Error('empty export');
    const partialFile = path.join(dir, 'partial.json');
    expect(plant(['audit', 'export', '--entity', one.id, '--out', partialFile]).code).toBe(0);
    const partial = plant(['verify', partialFile]);
    expect(partial.code, partial.out + partial.err).toBe(0);
    expect(partial.out).toContain(`partial: ${one.amendments.length} of ${size} leaves`);
    expect(partial.out).not.toContain('Everything verifies.');
    expect(plant(['audit', 'export', '--entity', 'not-a-uuid']).err).toContain('--entity not-a-uuid is not a UUID');
    const broken = JSON.parse(readFileSync(bundle, 'utf8')) as { entities: { amendments: { signature: string }[] }[] };
    const first = broken.entities[0]?.amendments[0];
    if (first !== undefined) first.signature = first.signature.split('').reverse().join('');
    writeFileSync(bundle, JSON.stringify(broken));
    const bad = plant(['verify', bundle]);
    expect(bad.code).toBe(1);
    expect(bad.out).toMatch(/FAIL signature \S+ \S+ v1: signature does not verify/);
    expect(bad.err).toBe('plant: verification failed: 1 problem(s)\n');
    expect(plant(['verify', path.join(dir, 'missing.json')]).code).toBe(1);
  });

  it('audit run exits 1 with a one-line reason when it finds tampering', async () => {
    // Tamper as the database owner with triggers disabled, the way an insider would.
    const db = await createPglitePool(path.join(dir, 'data', 'pgdata'));
    await db.exec("ALTER TABLE amendments DISABLE TRIGGER USER; UPDATE amendments SET payload = jsonb_set(payload, '{content,description}', '\"tampered\"') WHERE version = 1 AND entity_type = 'Industry' AND payload->'content'->>'name' = 'Sales'; ALTER TABLE amendments ENABLE TRIGGER USER;");
    await db.close();
    const run = plant(['audit', 'run']);
    expect(run.code).toBe(1);
    expect(run.err).toBe('plant: audit found problems: 1 of 88 entities are not compliant\n');
    expect(run.out).toMatch(/Industry .* \(Sales\): chain hash at index 0/);

    // A problem of the log alone (two leaves swapped: every chain is intact, the signed
    // checkpoint no longer matches the tree) must fail the audit too, and be named.
    const log = await createPglitePool(path.join(dir, 'data', 'pgdata'));
    await log.exec(`ALTER TABLE log_leaves DISABLE TRIGGER USER;
      CREATE TEMP TABLE swapped AS SELECT * FROM log_leaves WHERE leaf_index IN (1, 2);
      DELETE FROM log_leaves WHERE leaf_index IN (1, 2);
      INSERT INTO log_leaves SELECT 3 - leaf_index, entity_id, version, amendment_hash, leaf_hash FROM swapped;
      ALTER TABLE log_leaves ENABLE TRIGGER USER;`);
    await log.close();
    const swapped = plant(['audit', 'run']);
    expect(swapped.code).toBe(1);
    expect(swapped.err).toBe('plant: audit found problems: 1 of 88 entities are not compliant; 1 transparency-log problem(s)\n');
    expect(swapped.out).toMatch(/Transparency log:\n {2}latest checkpoint \(size \d+\) does not match the tree/);
  });

  it('refuses to open an embedded database that a running server holds', () => {
    const lock = path.join(dir, 'data', 'plant.lock');
    writeFileSync(lock, String(process.pid));
    try {
      const res = plant(['status']);
      expect(res.code).toBe(1);
      expect(res.err).toContain(`is in use by process ${process.pid}`);
    } finally {
      rmSync(lock);
    }
    expect(existsSync(lock)).toBe(false);
    expect(plant(['status']).code).toBe(0);
  });

  it('configuration errors exit 3 and name every bad variable', () => {
    const res = plant(['status'], { PORT: 'x', SIGNING_ALGORITHM: 'DSA' });
    expect(res.code).toBe(3);
    expect(res.err).toContain('PORT');
    expect(res.err).toContain('SIGNING_ALGORITHM');
  });

  it('migrate against an unreachable server exits 1', () => {
    const res = plant(['migrate'], { DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none' });
    expect(res.code).toBe(1);
    expect(res.err).toMatch(/^plant: .*ECONNREFUSED/);
  });
});
