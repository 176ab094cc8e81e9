import { generateKeyPairSync } from 'node:crypto';
import { signingKeyFromPem, type SigningKey } from '../../src/adapters/crypto/keys.ts';
import type { SignatureAlgorithm } from '../../src/core/amendment.ts';
import type { KeyringVerifier } from '../../src/adapters/crypto/node-signer.ts';
import { buildDeps, type Deps, type DepsInput } from '../../src/composition/deps.ts';
import type { Embeddings } from '../../src/composition/embeddings.ts';
import { listKeys, publishKey } from '../../src/adapters/db/key-registry.ts';
import type { Actor, LedgerStore } from '../../src/core/ports/ledger.ts';
import type { TransparencyLog } from '../../src/core/ports/log.ts';
import type { AuditDeps } from '../../src/core/use-cases/audit.ts';
import type { WriteDeps } from '../../src/core/use-cases/deps.ts';
import { loadConfig } from '../../src/composition/config.ts';
import { createTestDatabase, type TestDatabase, type TestEngine } from './engines.ts';

export const GOVERNANCE: Actor = { subject: 'gov-officer', roles: ['governance'] };
export const OPERATOR: Actor = { subject: 'ops-engineer', roles: ['operator'] };
export const AUDITOR: Actor = { subject: 'auditor-1', roles: ['auditor'] };
export const READER: Actor = { subject: 'reader-1', roles: ['reader'] };

const keyCache = new Map<SignatureAlgorithm, SigningKey>();

/** Test keys: Ed25519 by default (fast); RSA-2048 stands in for RSA where only the algorithm matters. */
export const testKey = async (algorithm: SignatureAlgorithm = 'Ed25519'): Promise<SigningKey> => {
  const cached = keyCache.get(algorithm);
  if (cached) return cached;
  const pair =
    algorithm === 'Ed25519' ? generateKeyPairSync('ed25519') : generateKeyPairSync('rsa', { modulusLength: 2048 });
  const key = await signingKeyFromPem(pair.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString());
  keyCache.set(algorithm, key);
  return key;
};

/** The defaults (offline embedder, in-process cache) whatever the environment says. */
export const testEmbeddingsConfig = (env: Record<string, string> = {}) => loadConfig({ NODE_ENV: 'test', ...env });

export const TEST_LOG_ORIGIN = 'test.plant/log';

export interface TestLedger extends TestDatabase {
  /** Plant wired over this database by the composition root, as the server wires it. */
  deps: Deps;
  log: TransparencyLog;
  store: LedgerStore;
  write: WriteDeps;
  audit: AuditDeps;
  verifier: KeyringVerifier;
  key: SigningKey;
  /** Search and the job queue with the offline embedder and an in-process cache. */
  embeddings: Embeddings;
}

export const TEST_JWT_SECRET = 'test-secret-that-is-long-enough-0123456789';

/** The configuration tests wire with: defaults, the test log origin and token secret. */
export const testConfig = (env: Record<string, string> = {}) =>
  loadConfig({ NODE_ENV: 'test', LOG_ORIGIN: TEST_LOG_ORIGIN, JWT_SECRET: TEST_JWT_SECRET, ...env });

export const createTestLedger = async (engine: TestEngine, algorithm: SignatureAlgorithm = 'Ed25519', input: Partial<DepsInput> = {}): Promise<TestLedger> => {
  const database = await createTestDatabase(engine);
  const key = await testKey(algorithm);
  await publishKey(database.owner, key);
  const publishedKeys = await listKeys(database.service);
  const deps = buildDeps({
    config: testConfig(),
    db: database.service,
    signingKey: key,
    logKey: (await testKey('Ed25519')).privateKey,
    publishedKeys,
    jwtSecret: TEST_JWT_SECRET,
    ...input,
  });
  return {
    ...database,
    deps,
    log: deps.log,
    store: deps.store,
    key,
    verifier: deps.verifier,
    write: deps.write,
    audit: deps.audit,
    embeddings: deps.embeddings,
    // The database's own close drops it; the deps add only the embedding cache.
    close: async () => {
      await deps.embeddings.close();
      await database.close();
    },
  };
};
