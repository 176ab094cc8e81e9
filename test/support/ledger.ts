import { generateKeyPairSync } from 'node:crypto';
import { signingKeyFromPem, type SigningKey } from '../../src/adapters/crypto/keys.ts';
import { KeyringVerifier, NodeSigner } from '../../src/adapters/crypto/node-signer.ts';
import { publishKey } from '../../src/adapters/db/key-registry.ts';
import { PgLedgerStore } from '../../src/adapters/db/ledger-store.ts';
import { LogStore } from '../../src/adapters/db/log-store.ts';
import { verifierKey } from '../../src/core/checkpoint.ts';
import { auditLog, type LogContext } from '../../src/composition/context.ts';
import { systemClock, uuidV7Ids } from '../../src/composition/clock-and-ids.ts';
import type { SignatureAlgorithm } from '../../src/core/amendment.ts';
import type { Actor } from '../../src/core/store.ts';
import type { AuditDeps } from '../../src/core/use-cases/audit.ts';
import type { WriteDeps } from '../../src/core/use-cases/deps.ts';
import { createEmbeddings, type Embeddings } from '../../src/composition/embeddings.ts';
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
  log: LogContext;
  store: PgLedgerStore;
  write: WriteDeps;
  audit: AuditDeps;
  verifier: KeyringVerifier;
  key: SigningKey;
  /** Search and the job queue with the offline embedder and an in-process cache. */
  embeddings: Embeddings;
}

export const createTestLedger = async (engine: TestEngine, algorithm: SignatureAlgorithm = 'Ed25519'): Promise<TestLedger> => {
  const database = await createTestDatabase(engine);
  const key = await testKey(algorithm);
  await publishKey(database.service, key);
  const verifier = new KeyringVerifier([key]);
  const store = new PgLedgerStore(database.service);
  const logKey = { name: TEST_LOG_ORIGIN, privateKey: (await testKey('Ed25519')).privateKey };
  const log: LogContext = { store: new LogStore(database.service), key: logKey, origin: TEST_LOG_ORIGIN, vkey: verifierKey(logKey) };
  return {
    ...database,
    log,
    store,
    key,
    verifier,
    write: { store, ids: uuidV7Ids, clock: systemClock, signer: new NodeSigner(key), publishedKeys: new Set([key.keyId]) },
    audit: { store, verifier, clock: systemClock, log: auditLog(log) },
    embeddings: createEmbeddings(testEmbeddingsConfig(), database.service),
  };
};
