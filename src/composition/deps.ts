import { WebhookGate } from '../adapters/gate/webhook-gate.ts';
import type { GenesisGate } from '../core/ports/gate.ts';
import type { SigningKey } from '../adapters/crypto/keys.ts';
import { Ed25519NoteSigner, KeyringVerifier } from '../adapters/crypto/node-signer.ts';
import { RotatingSigner } from '../adapters/crypto/rotating-signer.ts';
import { PgKeyRegistry } from '../adapters/db/key-registry.ts';
import { PgLedgerStore } from '../adapters/db/ledger-store.ts';
import { PgLogStore } from '../adapters/db/log-store.ts';
import { databaseHealth } from '../adapters/db/migrate.ts';
import { ServiceAccounts } from '../adapters/db/service-accounts.ts';
import { primaryOf, readRoutingOf } from '../adapters/db/replica-router.ts';
import type { SqlPool } from '../adapters/db/sql.ts';
import { PgWebhooks } from '../adapters/db/webhook-store.ts';
import { HttpWebhookSender } from '../adapters/webhooks/http-sender.ts';
import { HttpWitnessClient } from '../adapters/witness/http-client.ts';
import type { WitnessClient } from '../core/ports/witness.ts';
import type { WebhookOutbox, WebhookSender } from '../core/ports/webhooks.ts';
import type { WebhookAdminDeps } from '../core/use-cases/webhooks.ts';
import { verifierKey } from '../core/checkpoint.ts';
import type { ServiceAccountStore } from '../core/ports/accounts.ts';
import type { Clock, IdGenerator } from '../core/ports/clock.ts';
import type { Embedder } from '../core/ports/embeddings.ts';
import type { KeyRegistry, KeyRotation } from '../core/ports/keys.ts';
import type { LedgerStore } from '../core/ports/ledger.ts';
import type { TransparencyLog } from '../core/ports/log.ts';
import type { AuditDeps } from '../core/use-cases/audit.ts';
import type { WriteDeps } from '../core/use-cases/deps.ts';
import { runQualityCheck, type QualityRunDeps } from '../core/use-cases/embedding-quality.ts';
import { seedWithReport } from '../core/use-cases/seed-catalog.ts';
import { DEMO_CATALOG } from '../catalog/demo-catalog.ts';
import type { TokenService } from '../http/auth/tokens.ts';
import type { ApiDeps } from '../http/deps.ts';
import { systemClock, uuidV7Ids } from './clock-and-ids.ts';
import { certificationPolicy, publicUrl, type Config } from './config.ts';
import { publishKeyAsOwner, type Resources } from './resources.ts';
import { rotateDevSigningKey } from './keys.ts';
import { createEmbeddings, embeddingStatus, type Embeddings } from './embeddings.ts';
import { tokenService } from './http.ts';

/** What `buildDeps` wires: opened resources only (see resources.ts); nothing here is read or opened. */
export interface DepsInput extends Pick<Resources, 'config' | 'db' | 'signingKey' | 'logKey' | 'publishedKeys' | 'jwtSecret'> {
  /** Fixed in tests; the system clock and UUIDv7 otherwise. */
  clock?: Clock;
  ids?: IdGenerator;
  /** An embedding provider other than the one EMBEDDINGS_PROVIDER names (tests). */
  provider?: Embedder;
  /** Where a failing Redis cache reports (it degrades to misses meanwhile). */
  onCacheError?: (error: unknown) => void;
  /** A gate other than the webhook GENESIS_WEBHOOK_URL names (tests); used only when one is configured. */
  gate?: GenesisGate;
}

/** The webhook outbox as its delivery job sees it. */
export interface WebhookDelivery {
  outbox: WebhookOutbox;
  sender: WebhookSender;
}

/** Plant wired: every port with its adapter, and each use case's deps. */
export interface Deps {
  config: Config;
  db: SqlPool;
  clock: Clock;
  /** The key amendments are signed with now (a rotation changes it). */
  readonly signingKey: SigningKey;
  store: LedgerStore;
  log: TransparencyLog;
  keys: KeyRegistry;
  verifier: KeyringVerifier;
  accounts: ServiceAccountStore;
  tokens: TokenService;
  write: WriteDeps;
  audit: AuditDeps;
  embeddings: Embeddings;
  quality: QualityRunDeps;
  api: ApiDeps;
  /** The constitutional gate, when GENESIS_WEBHOOK_URL is set. */
  gate: GenesisGate | null;
  webhooks: WebhookDelivery;
  /** The witnesses LOG_WITNESSES names: the checkpointer takes each new checkpoint to them. */
  witnesses: readonly WitnessClient[];
  /** Development keys: a new key signs from the next amendment on; the previous one is retired. */
  rotateSigningKey(): Promise<KeyRotation>;
  /** Closes the embedding cache, then the database. */
  close(): Promise<void>;
}

/** The drift monitor's deps over the embedding pipeline. */
export const qualityDeps = (e: Embeddings, clock: Clock = systemClock): QualityRunDeps => ({
  store: e.quality,
  runs: e.quality,
  embedder: e.embedder,
  clock,
  threshold: e.threshold,
});

/**
 * The composition root: the one place that picks adapters. The server, the CLI, the jobs and
 * the tests all wire Plant through here, so what runs is what is tested.
 */
export const buildDeps = (input: DepsInput): Deps => {
  const { config, db } = input;
  const clock = input.clock ?? systemClock;
  const ids = input.ids ?? uuidV7Ids;
  const store = new PgLedgerStore(db);
  const verifier = new KeyringVerifier(input.publishedKeys);
  const signer = new RotatingSigner(input.signingKey);
  const publishedKeys = new Set(verifier.keyIds());
  const noteSigner = new Ed25519NoteSigner(config.LOG_ORIGIN, input.logKey);
  const log: TransparencyLog = { store: new PgLogStore(db), signer: noteSigner, origin: config.LOG_ORIGIN, vkey: verifierKey(noteSigner) };
  const witnesses = config.LOG_WITNESSES.map((w) => new HttpWitnessClient(w.url, w.vkey, config.WITNESS_TIMEOUT_MS));
  const keys = new PgKeyRegistry(db);
  // A revocation must bite on the next request: accounts are read where they are written.
  const accounts = new ServiceAccounts(primaryOf(db));
  const tokens = tokenService(config, input.jwtSecret, (clientId) => accounts.isActive(clientId));
  const gate =
    config.GENESIS_WEBHOOK_URL === undefined || config.GENESIS_WEBHOOK_SECRET === undefined
      ? null
      : (input.gate ?? new WebhookGate({ url: config.GENESIS_WEBHOOK_URL, secret: config.GENESIS_WEBHOOK_SECRET, timeoutMs: config.GENESIS_WEBHOOK_TIMEOUT_MS }));
  const write: WriteDeps = {
    store, ids, clock, signer, publishedKeys, certification: certificationPolicy(input.config), gated: gate !== null,
  };
  const audit: AuditDeps = { store, verifier, clock, log };
  const embeddings = createEmbeddings(config, db, input.onCacheError, input.provider);
  const quality = qualityDeps(embeddings, clock);
  const webhookStore = new PgWebhooks(db);
  const webhookAdmin: WebhookAdminDeps = { webhooks: webhookStore, ids, allowHosts: config.WEBHOOK_ALLOW_HOSTS };
  const webhooks: WebhookDelivery = {
    outbox: webhookStore,
    sender: new HttpWebhookSender({ allowHosts: config.WEBHOOK_ALLOW_HOSTS, timeoutMs: config.WEBHOOK_TIMEOUT_MS }),
  };
  // One rotation at a time: each renames the data directory's key file.
  let rotation: Promise<unknown> = Promise.resolve();
  const rotateSigningKey = (): Promise<KeyRotation> => {
    const next = rotation.then(async () => {
      const { previous, current } = await rotateDevSigningKey(config, keys, async (key) => {
        await publishKeyAsOwner(config, db, key);
        verifier.add(key);
        publishedKeys.add(key.keyId);
        signer.use(key);
      });
      return { retired: previous?.keyId ?? null, current: current.keyId, algorithm: current.algorithm };
    });
    rotation = next.catch(() => undefined);
    return next;
  };
  const api: ApiDeps = {
    health: databaseHealth(primaryOf(db), db.engine),
    routing: readRoutingOf(db),
    store,
    write,
    audit,
    keys,
    signingKeyId: () => signer.keyId,
    rotateSigningKey,
    seedDemoCatalog: () => seedWithReport(write, DEMO_CATALOG),
    tokens,
    accounts,
    log,
    webhooks: webhookAdmin,
    cards: { store, log, signer, baseUrl: publicUrl(config), provider: config.PROVIDER_NAME },
    embeddings: {
      index: embeddings.index,
      embedder: embeddings.embedder,
      runs: (limit) => embeddings.quality.runs(limit),
      jobCounts: () => embeddings.queue.counts(),
      status: () => embeddingStatus(embeddings, config),
      jobs: embeddings.queue,
      runQuality: async (requestedBy) => {
        const run = await runQualityCheck(quality, 'manual', requestedBy);
        if (run === null) throw new Error('a manual quality run could not be opened');
        return run;
      },
    },
  };
  return {
    config,
    db,
    clock,
    witnesses,
    get signingKey() {
      return signer.key;
    },
    store,
    log,
    keys,
    verifier,
    accounts,
    tokens,
    write,
    gate,
    webhooks,
    audit,
    embeddings,
    quality,
    api,
    rotateSigningKey,
    close: async () => {
      try {
        await embeddings.close();
      } finally {
        await db.close();
      }
    },
  };
};
