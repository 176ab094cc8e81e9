import { execFileSync, type ChildProcess } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPlantClient, PlantError, unwrap, type Entity } from '../../clients/typescript/src/index.ts';
import { verifierKey } from '../../src/core/checkpoint.ts';
import { eventually } from '../support/receiver.ts';
import { createTestDatabase, postgresReachable, type TestDatabase } from '../support/engines.ts';
import { startServe, stopServe } from '../support/serve.ts';

const root = path.resolve(import.meta.dirname, '../..');
const SECRET = 'sdk-test-secret-that-is-long-enough-0000';

describe.skipIf(!(await postgresReachable()))('the TypeScript SDK against a real server process', () => {
  let db: TestDatabase;
  let server: ChildProcess;
  let url = '';
  const dir = mkdtempSync(path.join(tmpdir(), 'plant-sdk-'));
  const env = (): NodeJS.ProcessEnv => ({
    ...process.env, PORT: '0', LOG_LEVEL: 'warn', JWT_SECRET: SECRET, SIGNING_ALGORITHM: 'Ed25519', PLANT_DATA_DIR: dir,
    DATABASE_URL: db.adminUrl ?? '', DB_APP_ROLE: 'plant_app_sdk', PLANT_SEED: 'false', EMBEDDINGS_WORKER: 'false',
    CHECKPOINT_INTERVAL: '0.2',
  });
  const token = (role: string): string =>
    execFileSync(process.execPath, ['bin/plant.js', 'token', '--role', role, '--sub', `sdk-${role}`], { cwd: root, env: env() }).toString().trim();

  beforeAll(async () => {
    db = await createTestDatabase('postgres');
    ({ child: server, url } = await startServe(env()));
  });
  afterAll(async () => {
    await stopServe(server);
    await db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('typed calls, pages followed across X-Next-Cursor, the change feed in order, and a long poll that sees a new write', async () => {
    const plant = createPlantClient({ baseUrl: url, token: token('governance') });
    const created: string[] = [];
    for (let i = 0; i < 5; i++) {
      const { data, response } = await plant.api.POST('/api/v1/genesis/skills', { body: { name: `SDK skill ${i}`, description: 'made by the SDK', category: 'technical' } });
      expect(response.status).toBe(201);
      created.push(data?.id ?? '');
    }
    expect((await plant.entity(created[0] ?? '')).name).toBe('SDK skill 0');
    const listed: Entity[] = [];
    for await (const skill of plant.list('/api/v1/genesis/skills', { status: 'active', limit: 2 })) listed.push(skill);
    expect(listed.map((s) => s.id)).toEqual(created);

    const feed: number[] = [];
    for await (const c of plant.changes({ pageSize: 2 })) feed.push(c.leaf_index);
    expect(feed).toEqual([0, 1, 2, 3, 4]);

    const follower = (async () => {
      for await (const c of plant.changes({ after: 4, follow: true })) return c;
      return undefined;
    })();
    await new Promise((r) => setTimeout(r, 300));
    const { data } = await plant.api.POST('/api/v1/genesis/skills', { body: { name: 'SDK late skill', description: 'arrives during a long poll', category: 'technical' } });
    expect(await follower).toMatchObject({ leaf_index: 5, entity_id: data?.id, operation: 'create' });
  });

  it('a create with an Idempotency-Key is retry-safe: sent twice, it is made once', async () => {
    const plant = createPlantClient({ baseUrl: url, token: token('governance') });
    const body = { name: 'SDK idempotent skill', description: 'made once', category: 'technical' };
    const params = { header: { 'idempotency-key': 'sdk-create-1' } };
    const first = await plant.api.POST('/api/v1/genesis/skills', { params, body });
    const second = await plant.api.POST('/api/v1/genesis/skills', { params, body });
    expect([first.response.status, second.response.status]).toEqual([201, 201]);
    expect(second.data?.id).toBe(first.data?.id);
    expect(second.response.headers.get('idempotent-replayed')).toBe('true');
  });

  it('problems surface as PlantError with error_code, request_id and violations', async () => {
    const plant = createPlantClient({ baseUrl: url, token: token('operator') });
    const missing = await plant.entity('01900000-0000-7000-8000-000000000000').catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(PlantError);
    expect(missing).toMatchObject({ status: 404, errorCode: 'ENTITY_NOT_FOUND', requestId: expect.any(String) as unknown });
    const gov = createPlantClient({ baseUrl: url, token: token('governance') });
    const skill = await gov.api.POST('/api/v1/genesis/skills', { body: { name: 'SDK uncertified', description: 'not certified', category: 'technical' } });
    const role = await gov.api.POST('/api/v1/genesis/job-roles', { body: { name: 'SDK role', description: 'needs a certified skill', required_skills: [skill.data?.id ?? ''] } });
    expect(role.response.status).toBe(422);
    const refused = await unwrap(role).catch((e: unknown) => e);
    expect(refused).toMatchObject({ errorCode: 'CONSTITUTIONAL_VIOLATION' });
    expect((refused as PlantError).violations.map((v) => v.code)).toContain('L1-JOBROLE-04');
    const anonymous = createPlantClient({ baseUrl: url });
    await expect(anonymous.entity(skill.data?.id ?? '')).rejects.toMatchObject({ status: 401, errorCode: 'UNAUTHENTICATED' });
  });

  it('a service account: one token request for many calls, and a bad secret is a PlantError', async () => {
    const admin = createPlantClient({ baseUrl: url, token: token('admin') });
    const account = await admin.api.POST('/api/v1/auth/service-accounts', { body: { client_id: 'portal-sdk', roles: ['reader'] } });
    expect(account.response.status).toBe(201);
    let tokenRequests = 0;
    const counting: typeof fetch = async (input, init) => {
      if (String(input instanceof Request ? input.url : input).endsWith('/api/v1/auth/token')) tokenRequests++;
      return fetch(input, init);
    };
    const portal = createPlantClient({ baseUrl: url, serviceAccount: { clientId: 'portal-sdk', clientSecret: account.data?.client_secret ?? '' }, fetch: counting });
    await Promise.all([portal.api.GET('/api/v1/keys'), portal.api.GET('/api/v1/keys'), portal.api.GET('/api/v1/log/checkpoint')]);
    const keys = await portal.api.GET('/api/v1/keys');
    expect(keys.response.status).toBe(200);
    expect(tokenRequests).toBe(1);
    const wrong = createPlantClient({ baseUrl: url, serviceAccount: { clientId: 'portal-sdk', clientSecret: 'not-the-secret' } });
    await expect(wrong.api.GET('/api/v1/keys')).rejects.toMatchObject({ status: 401, errorCode: 'UNAUTHENTICATED' });
  });

  it('verifyEntity checks signatures, chain, state, checkpoint and inclusion against a pinned log key, and names what tampering broke', async () => {
    const plant = createPlantClient({ baseUrl: url, token: token('governance') });
    const { data } = await plant.api.POST('/api/v1/genesis/skills', { body: { name: 'SDK verified skill', description: 'checked by the client', category: 'technical' } });
    const id = data?.id ?? '';
    await unwrap(await plant.api.POST('/api/v1/entities/{id}/evolve', { params: { path: { id } }, body: { changes: { description: 'checked twice' }, reason: 'a second amendment for the chain' } }));
    // Pinned on first use here; a portal ships it (the "log key" line of `plant log checkpoint`).
    const logKey = (await unwrap(await plant.api.GET('/api/v1/log/checkpoint'))).log_key;
    let result = await plant.verifyEntity(id, { logKey });
    await eventually(async () => (result = await plant.verifyEntity(id, { logKey })).steps.inclusion !== 'pending');
    expect(result).toMatchObject({ verified: true, failed_step: null, problems: [], entity_id: id, version: 2 });
    expect(Object.values(result.steps)).toEqual(['pass', 'pass', 'pass', 'pass', 'pass', 'pass']);
    expect(result.log?.leaf_index).toEqual(expect.any(Number));

    // Another log's key: the checkpoint is not the pinned log's, so nothing is proven.
    const stranger = verifierKey({ name: 'another.log', publicKey: Buffer.from(String(generateKeyPairSync('ed25519').publicKey.export({ format: 'jwk' }).x), 'base64url') });
    expect(await plant.verifyEntity(id, { logKey: stranger })).toMatchObject({ verified: false, failed_step: 'checkpoint' });
    // Pinned signing keys that do not include the server's: every signature is unverifiable.
    const pinned = await plant.verifyEntity(id, { logKey, trustedKeys: [] });
    expect(pinned).toMatchObject({ verified: false, failed_step: 'signatures' });
    expect(pinned.problems.map((p) => p.check)).toEqual(['signature', 'signature']);

    // The database edited behind Plant's back (as the owner, triggers off).
    const tamper = (table: string, update: string): Promise<void> =>
      db.owner.transaction(async (tx) => {
        await tx.query(`ALTER TABLE ${table} DISABLE TRIGGER USER`);
        await tx.query(update, [id]);
        await tx.query(`ALTER TABLE ${table} ENABLE TRIGGER USER`);
      });
    await tamper('entities', `UPDATE entities SET content = jsonb_set(content, '{description}', '"tampered"') WHERE id = $1`);
    const edited = await plant.verifyEntity(id, { logKey });
    expect(edited).toMatchObject({ verified: false, failed_step: 'state' });
    expect(edited.problems[0]?.detail).toContain('description');
    await tamper('amendments', `UPDATE amendments SET payload = jsonb_set(payload, '{reason}', '"rewritten"') WHERE entity_id = $1 AND version = 1`);
    const rewritten = await plant.verifyEntity(id, { logKey });
    expect(rewritten.failed_step).toBe('signatures');
    expect(rewritten.problems.filter((p) => p.step === 'chain').map((p) => [p.check, p.version])).toEqual([['hash', 1], ['link', 2]]);
  });

  it('the README example runs as written against the server', () => {
    const out = execFileSync(process.execPath, ['clients/typescript/examples/quickstart.mjs'], {
      cwd: root, env: { ...process.env, PLANT_URL: url, PLANT_TOKEN: token('reader') },
    }).toString();
    expect(out).toMatch(/^\d+ certified skills/m);
    expect(out).toContain('#0 Skill create v1');
    expect(out).toMatch(/the feed ends at leaf \d+; resume with changes\(\{ after: \d+, follow: true \}\)/);
    expect(out).toMatch(/refused: 404 ENTITY_NOT_FOUND \(request \S+\)/);
    expect(out).toMatch(/^SDK skill 0: verified, keys pass, signatures pass, chain pass, state pass, checkpoint pass, inclusion pass$/m);
  });

  it('the committed types are what openapi-typescript generates from openapi.json', () => {
    const out = path.join(dir, 'schema.ts');
    execFileSync(process.execPath, [path.join(root, 'node_modules/openapi-typescript/bin/cli.js'), 'openapi.json', '-o', out], { cwd: root, stdio: 'ignore' });
    expect(readFileSync(out, 'utf8'), 'run `npm run sdk:types` after changing a route').toBe(readFileSync(path.join(root, 'clients/typescript/src/schema.ts'), 'utf8'));
  });
});
