import { createHash, generateKeyPairSync } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { signingKeyFromPem } from '../src/adapters/crypto/keys.ts';
import { Ed25519NoteSigner, KeyringVerifier, NodeSigner } from '../src/adapters/crypto/node-signer.ts';
import { PgLogStore } from '../src/adapters/db/log-store.ts';
import { AMENDMENT_FORMAT, GENESIS_HASH, hashPayload, payloadBytes, type Amendment, type AmendmentPayload } from '../src/core/amendment.ts';
import { signCheckpoint } from '../src/core/checkpoint.ts';
import { uncertified } from '../src/core/entity.ts';
import { commonContent } from '../src/core/use-cases/common-fields.ts';
import { EXPORT_FORMAT, type ExportBundle } from '../src/core/use-cases/export-bundle.ts';
import { verifyBundle } from '../src/core/use-cases/verify-bundle.ts';
import { verifierKey } from '../src/core/checkpoint.ts';
import { createTestDatabase } from '../test/support/engines.ts';
import { fmt, heading, ratio } from './harness.ts';
import { inclusionProof, MemoryTree, verifyInclusion, amendmentLeaf } from '../src/core/merkle.ts';

const AMENDMENTS = Number(process.env.BENCH_VERIFY_AMENDMENTS ?? 100_000);
const PER_ENTITY = 10;
const LEAVES = Number(process.env.BENCH_LOG_LEAVES ?? 1_000_000);

/** A bundle of real, RSA-4096-signed amendment chains with inclusion proofs and a signed checkpoint. */
const buildBundle = async (): Promise<{ bundle: ExportBundle; verifier: KeyringVerifier; logKey: string; amendments: Amendment[] }> => {
  const pem = generateKeyPairSync('rsa', { modulusLength: 4096 }).privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
  const key = await signingKeyFromPem(pem);
  const signer = new NodeSigner(key);
  const all: Amendment[] = [];
  const entities: ExportBundle['entities'] = [];
  for (let e = 0; e < AMENDMENTS / PER_ENTITY; e++) {
    const id = `0190b000-0000-7000-8000-${e.toString().padStart(12, '0')}`;
    let prev = GENESIS_HASH;
    const payloads: AmendmentPayload[] = [];
    for (let v = 1; v <= PER_ENTITY; v++) {
      const content = { ...commonContent(`Skill ${e}`, {}), description: `version ${v}`, category: 'technical', certification: uncertified() };
      const payload: AmendmentPayload = {
        format: AMENDMENT_FORMAT, entity_id: id, entity_type: 'Skill', version: v, operation: v === 1 ? 'create' : 'evolve', content,
        actor: 'bench', reason: null, timestamp: '2026-11-22T00:00:00.000Z', prev_hash: prev, key_id: key.keyId, alg: key.algorithm,
      };
      prev = hashPayload(payload);
      payloads.push(payload);
    }
    // Sign the entity's amendments concurrently (both cores); RSA-4096 signing dominates setup.
    const amendments = await Promise.all(payloads.map(async (p) => ({ payload: p, hash: hashPayload(p), signature: await signer.sign(payloadBytes(p)) })));
    all.push(...amendments);
    const last = payloads.at(-1);
    entities.push({ ...(last?.content ?? {}), id, entity_type: 'Skill', hash_chain_head: prev, amendment_count: PER_ENTITY, amendments });
    if (e % 1000 === 999) process.stderr.write(`  (signed ${all.length} amendments)\n`);
  }
  const tree = new MemoryTree(all.map((a) => amendmentLeaf(a.hash)));
  let index = 0;
  for (const entity of entities) {
    entity.amendments = entity.amendments.map((a) => ({ ...a, log: { leaf_index: index, proof: inclusionProof(tree, index++, tree.size).map((h) => h.toString('hex')) } }));
  }
  const logKey = new Ed25519NoteSigner('bench.plant/log', generateKeyPairSync('ed25519').privateKey);
  const note = await signCheckpoint({ origin: logKey.name, size: tree.size, root: tree.root() }, logKey);
  const bundle: ExportBundle = {
    format: EXPORT_FORMAT, exported_at: '', exportable: true, scope: { complete: true, entity_type: null, entity_ids: null }, report: {}, public_keys: { keys: [key.jwk] }, entities, signature_status: [],
    log: { origin: logKey.name, log_key: verifierKey(logKey), checkpoint: { tree_size: tree.size, root_hash: tree.root().toString('hex'), note }, consistency: [] },
  };
  return { bundle, verifier: new KeyringVerifier([key]), logKey: verifierKey(logKey), amendments: all };
};

/** The floor: verify every signature (libuv pool, both cores) and hash every canonical payload. */
export const rawBaseline = async (amendments: Amendment[], verifier: KeyringVerifier): Promise<number> => {
  const bytes = amendments.map((a) => payloadBytes(a.payload));
  const t0 = performance.now();
  for (const b of bytes) createHash('sha256').update(b).digest();
  const window = 64;
  for (let i = 0; i < amendments.length; i += window) {
    await Promise.all(amendments.slice(i, i + window).map((a, j) => verifier.verify(a.payload.key_id, bytes[i + j] as Buffer, a.signature)));
  }
  return performance.now() - t0;
};

const benchVerify = async (): Promise<void> => {
  process.stderr.write(`  building a bundle of ${AMENDMENTS} RSA-4096 amendments (signing takes a while)…\n`);
  const { bundle, verifier, logKey, amendments } = await buildBundle();
  const text = JSON.stringify(bundle);
  const base = await rawBaseline(amendments, verifier);
  const t0 = performance.now();
  const parsed = JSON.parse(text) as ExportBundle;
  const report = await verifyBundle(parsed, { verifier, logKey });
  const full = performance.now() - t0;
  if (!report.ok) throw new Error(`bundle did not verify: ${JSON.stringify(report.problems.slice(0, 3))}`);
  process.stdout.write(`  ${`raw RSA-4096 verify + SHA-256 of ${AMENDMENTS} payloads (2 cores)`.padEnd(52)} ${fmt(base / 1000, 2).padStart(9)} s\n`);
  process.stdout.write(`  ${`plant verify of the ${fmt(text.length / 1e6, 0)} MB bundle (parse, chains, proofs)`.padEnd(52)} ${fmt(full / 1000, 2).padStart(9)} s\n`);
  ratio('bundle verification / raw verify + hash', full / base, '≤ 1.3');
};

/** A log of LEAVES leaves built set-wise in SQL (leaves, then each level of perfect subtrees). */
const benchInclusion = async (): Promise<void> => {
  const db = await createTestDatabase('postgres');
  try {
    const t0 = performance.now();
    await db.owner.exec(`
      ALTER TABLE log_leaves DISABLE TRIGGER USER; ALTER TABLE log_nodes DISABLE TRIGGER USER; ALTER TABLE log_state DISABLE TRIGGER USER;
      INSERT INTO log_leaves SELECT i, '00000000-0000-0000-0000-000000000000'::uuid, i + 1, encode(sha256(int8send(i)), 'hex'), sha256('\\x00'::bytea || sha256(int8send(i)))
        FROM generate_series(0, ${LEAVES - 1}) AS i;
      INSERT INTO log_nodes SELECT 0, leaf_index, leaf_hash FROM log_leaves;`);
    for (let level = 1; 2 ** level <= LEAVES; level++) {
      await db.owner.query(
        `INSERT INTO log_nodes SELECT $1::smallint, l.idx / 2, sha256('\\x01'::bytea || l.hash || r.hash)
           FROM log_nodes l JOIN log_nodes r ON r.level = l.level AND r.idx = l.idx + 1
          WHERE l.level = $1::smallint - 1 AND l.idx % 2 = 0`,
        [level],
      );
    }
    await db.owner.exec(`UPDATE log_state SET size = ${LEAVES}; ANALYZE log_nodes;`);
    process.stdout.write(`  ${`built a ${fmt(LEAVES)}-leaf log in SQL`.padEnd(52)} ${fmt((performance.now() - t0) / 1000, 1).padStart(9)} s\n`);
    const store = new PgLogStore(db.service);
    const root = await store.root(LEAVES);
    const latencies: number[] = [];
    for (let i = 0; i < 2000; i++) {
      const index = Math.floor(Math.random() * LEAVES);
      const s = performance.now();
      const proof = await store.inclusion(index, LEAVES);
      latencies.push(performance.now() - s);
      const leaf = (await store.leaves(index, index + 1))[0]?.leaf_hash ?? Buffer.alloc(0);
      if (!(await verifyInclusion(index, LEAVES, leaf, proof, root))) throw new Error(`proof for ${index} does not verify`);
    }
    latencies.sort((a, b) => a - b);
    const q = (p: number): number => latencies[Math.floor(p * latencies.length)] ?? 0;
    process.stdout.write(`  ${`inclusion proof at ${fmt(LEAVES)} leaves (one query, ≤ ${Math.ceil(Math.log2(LEAVES))} hashes)`.padEnd(52)} p50 ${fmt(q(0.5), 2)} ms   p95 ${fmt(q(0.95), 2)} ms   target p95 ≤ 5 ms\n`);
  } finally {
    await db.close();
  }
};

export const benchLog = async (): Promise<void> => {
  heading('Transparency log (issue: transparency log)');
  await benchInclusion();
  await benchVerify();
};

