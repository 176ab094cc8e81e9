import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import { createTestDatabase } from '../test/support/engines.ts';
import { heading, load, ratio, root, showLoad as show, start, stop, type Load } from './harness.ts';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const CONNECTIONS = 32;
const SECRET = 'bench-secret-that-is-long-enough-0123456789';

const run = (opts: autocannon.Options): Promise<Load> => load(SECONDS, CONNECTIONS, opts);

const json = async <T,>(res: Response): Promise<T> => (await res.json()) as T;

/** Creates what GET /agents/{id} needs, through the API itself. */
const fixture = async (base: string, token: (role: string) => string): Promise<string> => {
  const post = async (url: string, role: string, body: unknown): Promise<{ id: string }> => {
    const res = await fetch(`${base}${url}`, { method: 'POST', headers: { authorization: `Bearer ${token(role)}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    if (res.status >= 300) throw new Error(`${url}: ${res.status} ${await res.text()}`);
    return json(res);
  };
  const industry = await post('/api/v1/genesis/industries', 'governance', { name: 'Bench', description: 'd' });
  const skill = await post('/api/v1/genesis/skills', 'governance', { name: 'Bench skill', description: 'd', category: 'technical' });
  await post(`/api/v1/genesis/skills/${skill.id}/certify`, 'governance', { reason: 'bench' });
  const role = await post('/api/v1/genesis/job-roles', 'governance', { name: 'Bench role', description: 'd', required_skills: [skill.id], industry_id: industry.id });
  await post(`/api/v1/genesis/job-roles/${role.id}/certify`, 'governance', { reason: 'bench' });
  const agent = await post('/api/v1/agents', 'operator', { name: 'Bench agent', skill_id: skill.id, job_role_id: role.id, industry_id: industry.id });
  return agent.id;
};

const benchEngine = async (engine: 'postgres' | 'pglite'): Promise<void> => {
  heading(`HTTP on ${engine} (issue: HTTP API) — ${CONNECTIONS} connections, ${SECONDS} s per run, servers in their own processes`);
  const dir = mkdtempSync(path.join(tmpdir(), 'plant-bench-'));
  const db = engine === 'postgres' ? await createTestDatabase('postgres') : undefined;
  const plantEnv: NodeJS.ProcessEnv = {
    PORT: '0', LOG_LEVEL: 'warn', JWT_SECRET: SECRET, SIGNING_ALGORITHM: 'Ed25519', RATE_LIMIT_PER_MINUTE: '100000000',
    PLANT_DATA_DIR: dir, DATABASE_URL: db?.adminUrl ?? '', DB_APP_ROLE: 'plant_app_bench', DB_POOL_MAX: '10',
  };
  const plant = await start(['bin/plant.js', 'serve'], plantEnv, /listening on (http:\/\/\S+)/);
  const bare = await start(
    ['--import', 'tsx', 'bench/bare-server.ts'],
    engine === 'postgres' ? { BARE_DATABASE_URL: db?.adminUrl ?? '' } : { BARE_PGLITE_DIR: path.join(dir, 'bare') },
    /bare listening on (\S+) seed (\S+)/,
  );
  try {
    const plantUrl = plant.match[1] ?? '';
    const bareUrl = bare.match[1] ?? '';
    const tokenFor = (role: string): string =>
      execFileSync(process.execPath, ['bin/plant.js', 'token', '--role', role, '--sub', `bench-${role}`], { cwd: root, env: { ...process.env, ...plantEnv } })
        .toString()
        .trim();
    const agentId = await fixture(plantUrl, tokenFor);
    const reader = tokenFor('reader');
    const governance = tokenFor('governance');

    const bareGet = await run({ url: `${bareUrl}/items/${bare.match[2] ?? ''}` });
    const plantGet = await run({ url: `${plantUrl}/api/v1/agents/${agentId}`, headers: { authorization: `Bearer ${reader}` } });
    show('bare Fastify GET, one primary-key SELECT', bareGet);
    show('Plant GET /api/v1/agents/{id} (JWT, schema, problem-ready)', plantGet);
    ratio('GET by id / bare route', plantGet.rps / bareGet.rps, '≥ 0.75');

    let n = 0;
    const body = (): string => JSON.stringify({ name: `bench ${process.pid} ${++n}`, description: 'A benchmark skill', category: 'technical' });
    // autocannon applies setupRequest only to entries of `requests`: each request gets a fresh name.
    const post = (url: string, headers: Record<string, string>): autocannon.Options => ({
      url,
      requests: [{ method: 'POST', headers: { 'content-type': 'application/json', ...headers }, setupRequest: (req) => ({ ...req, body: body() }) }],
    });
    const barePost = await run(post(`${bareUrl}/items`, {}));
    const plantPost = await run(post(`${plantUrl}/api/v1/genesis/skills`, { authorization: `Bearer ${governance}` }));
    show('bare Fastify POST, one INSERT', barePost);
    show('Plant POST /api/v1/genesis/skills (validated, signed Ed25519, chained)', plantPost);
    ratio('POST skill / bare insert route', plantPost.rps / barePost.rps, engine === 'postgres' ? '≥ 0.30' : undefined);
  } finally {
    await stop(plant.child);
    await stop(bare.child);
    await db?.close();
    rmSync(dir, { recursive: true, force: true });
  }
};

export const benchHttp = async (): Promise<void> => {
  await benchEngine('postgres');
  await benchEngine('pglite');
};
