import { sign, constants, createPrivateKey, generateKeyPairSync } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { signingKeyFromPem } from '../src/adapters/crypto/keys.ts';
import { NodeSigner } from '../src/adapters/crypto/node-signer.ts';
import { publishKey } from '../src/adapters/db/key-registry.ts';
import { PgLedgerStore } from '../src/adapters/db/ledger-store.ts';
import { systemClock, uuidV7Ids } from '../src/composition/clock-and-ids.ts';
import type { SignatureAlgorithm } from '../src/core/amendment.ts';
import { uncertified, type AgentContent, type EntityRecord, type JobRoleContent, type SkillContent } from '../src/core/entity.ts';
import { validateEntity } from '../src/core/rules/index.ts';
import { commonContent } from '../src/core/use-cases/common-fields.ts';
import { createSkill } from '../src/core/use-cases/create.ts';
import { createTestDatabase } from '../test/support/engines.ts';
import { fmt, heading, line, measure, ratio } from './harness.ts';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const CONCURRENCY = 16;

const pemFor = (alg: SignatureAlgorithm): string =>
  (alg === 'Ed25519' ? generateKeyPairSync('ed25519') : generateKeyPairSync('rsa', { modulusLength: 4096 })).privateKey
    .export({ format: 'pem', type: 'pkcs8' })
    .toString();

/** Raw RSA-4096 PSS signing on libuv's pool: both cores busy, the ceiling for signed creates. */
const rawSignRate = async (pem: string): Promise<number> => {
  const data = Buffer.alloc(1200, 7);
  const key = createPrivateKey(pem);
  const rate = await measure(
    SECONDS,
    8,
    () =>
      new Promise<void>((resolve, reject) => {
        sign('sha256', data, { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 }, (error) => {
          if (error) reject(error);
          else resolve();
        });
      }),
  );
  line('raw RSA-4096 PSS sign, 2 cores (libuv pool)', rate);
  return rate.perSecond;
};

/** Raw node-postgres single-row INSERT at concurrency 10: the ceiling for any write path. */
const rawInsertRate = async (url: string): Promise<number> => {
  const pool = new pg.Pool({ connectionString: url, max: 10 });
  await pool.query('CREATE TABLE IF NOT EXISTS bench_raw (id bigserial PRIMARY KEY, body jsonb NOT NULL)');
  const body = JSON.stringify({ name: 'x'.repeat(40), description: 'y'.repeat(150), category: 'technical' });
  const rate = await measure(SECONDS, 10, () => pool.query('INSERT INTO bench_raw (body) VALUES ($1)', [body]));
  await pool.end();
  line('raw node-pg single-row INSERT, concurrency 10', rate);
  return rate.perSecond;
};

const createRate = async (alg: SignatureAlgorithm, pem: string): Promise<number> => {
  const db = await createTestDatabase('postgres');
  try {
    const key = await signingKeyFromPem(pem);
    await publishKey(db.owner, key);
    const store = new PgLedgerStore(db.service);
    const deps = { store, ids: uuidV7Ids, clock: systemClock, signer: new NodeSigner(key), publishedKeys: new Set([key.keyId]) };
    const actor = { subject: 'bench', roles: ['governance'] };
    const run = `${Date.now()}`;
    const rate = await measure(SECONDS, CONCURRENCY, (i) =>
      createSkill(deps, actor, { name: `bench ${run} ${i}`, description: 'A benchmark skill', category: 'technical' }),
    );
    line(`creates through the core, ${alg}, concurrency ${CONCURRENCY}`, rate);
    return rate.perSecond;
  } finally {
    await db.close();
  }
};

const validationMicros = (): number => {
  const record = (id: string, kind: EntityRecord['entity_type'], content: EntityRecord['content']): EntityRecord =>
    ({ id, entity_type: kind, version: 1, version_hash: '', hash_chain_head: '', amendment_count: 1, created_at: '', updated_at: '', deleted_at: null,
       l0_compliance_status: {}, l1_compliance_status: {}, drift_detector: {}, tamper_proof: true, content });
  const skill: SkillContent = { ...commonContent('SEO', {}), description: 'd', category: 'technical', certification: { ...uncertified(), certified: true } };
  const role: JobRoleContent = { ...commonContent('SEO Specialist', {}), description: 'd', required_skills: ['s1', 's2'], seniority_level: 'mid', industry_id: 'i1', certification: { ...uncertified(), certified: true } };
  const refs = new Map([['s1', record('s1', 'Skill', skill)], ['r1', record('r1', 'JobRole', role)]]);
  const agent: AgentContent = { ...commonContent('Ava Flux', {}), skill_id: 's1', job_role_id: 'r1', industry_id: 'i1', team_id: null };
  const l0 = { governanceAgentId: 'genesis', history: true, appendOnly: true, chain: true, exportable: true } as const;
  const n = 200_000;
  for (let i = 0; i < 20_000; i++) validateEntity({ kind: 'Agent', content: agent, previous: agent, l0, refs: (id) => refs.get(id), graph: true });
  const t0 = performance.now();
  for (let i = 0; i < n; i++) validateEntity({ kind: 'Agent', content: agent, previous: agent, l0, refs: (id) => refs.get(id), graph: true });
  const micros = ((performance.now() - t0) * 1000) / n;
  process.stdout.write(`  ${'rule validation (agent: L0 + L1 + graph rules)'.padEnd(52)} ${fmt(micros, 2).padStart(9)} µs/entity   target ≤ 20 µs (seed: 113 µs)\n`);
  return micros;
};

export const benchLedger = async (url: string): Promise<void> => {
  heading('Core ledger on PostgreSQL (issue: core ledger)');
  const rsaPem = pemFor('RSA-PSS-SHA256');
  const edPem = pemFor('Ed25519');
  const signRate = await rawSignRate(rsaPem);
  const insertRate = await rawInsertRate(url);
  const rsaCreates = await createRate('RSA-PSS-SHA256', rsaPem);
  const edCreates = await createRate('Ed25519', edPem);
  ratio('RSA-4096 creates / raw 2-core sign rate', rsaCreates / signRate, '≥ 0.85');
  ratio('Ed25519 creates / raw insert rate', edCreates / insertRate, '≥ 0.25');
  validationMicros();
};
