import { randomBytes, type KeyObject } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { loadOrCreateDevKey, signingKeyFromPem, type SigningKey } from '../adapters/crypto/keys.ts';
import { createPgPool, createPglitePool, embeddedOwnerTransaction, serviceUrl, switchToRole } from '../adapters/db/database.ts';
import { lockDataDir } from '../adapters/db/embedded-lock.ts';
import { listKeys, publishKey } from '../adapters/db/key-registry.ts';
import { migrate, readMigrations, type MigrationResult } from '../adapters/db/migrate.ts';
import { templateFor } from '../adapters/db/pglite-template.ts';
import { ReplicaRouter } from '../adapters/db/replica-router.ts';
import type { ReplicaStatus } from '../core/ports/read-routing.ts';
import type { Sql, SqlPool } from '../adapters/db/sql.ts';
import type { PublicKeyRecord } from '../core/ports/keys.ts';
import { certificationPolicy, type Config } from './config.ts';

/**
 * Everything that must be opened or read before Plant can be wired: the database (migrated, and
 * locked when embedded), the keys, the token secret. `buildDeps` takes these and does no I/O.
 */
export interface Resources {
  config: Config;
  db: SqlPool;
  signingKey: SigningKey;
  /** The Ed25519 private key that signs log checkpoints. */
  logKey: KeyObject;
  /** Every public key in the registry when opened (current and retired): what the audit trusts. */
  publishedKeys: readonly PublicKeyRecord[];
  jwtSecret: string;
  migration: MigrationResult | null;
  keyCreated: boolean;
}

export const keysDir = (config: Config): string => path.join(path.resolve(config.PLANT_DATA_DIR), 'keys');

export const loadLogKey = async (config: Config): Promise<KeyObject> => {
  const pem = config.LOG_KEY ?? (config.LOG_KEY_FILE === undefined ? undefined : readFileSync(config.LOG_KEY_FILE, 'utf8'));
  const key =
    pem === undefined
      ? (await loadOrCreateDevKey(keysDir(config), 'Ed25519', 'log-ed25519.pem')).key
      : await signingKeyFromPem(pem, 'Ed25519');
  return key.privateKey;
};

export const loadSigningKey = async (config: Config): Promise<{ key: SigningKey; created: boolean }> => {
  if (config.SIGNING_KEY !== undefined) return { key: await signingKeyFromPem(config.SIGNING_KEY, config.SIGNING_ALGORITHM), created: false };
  if (config.SIGNING_KEY_FILE !== undefined) {
    return { key: await signingKeyFromPem(readFileSync(config.SIGNING_KEY_FILE, 'utf8'), config.SIGNING_ALGORITHM), created: false };
  }
  return loadOrCreateDevKey(keysDir(config), config.SIGNING_ALGORITHM);
};

/** Development only: a random secret kept beside the data so `plant token` and the server agree. */
export const jwtSecretFile = (config: Config): string => path.join(path.resolve(config.PLANT_DATA_DIR), 'jwt-secret');

export const resolveJwtSecret = (config: Config): string => {
  if (config.JWT_SECRET !== undefined) return config.JWT_SECRET;
  const file = jwtSecretFile(config);
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(path.dirname(file), { recursive: true });
  const secret = randomBytes(32).toString('base64url');
  writeFileSync(file, secret, { mode: 0o600 });
  return secret;
};

export interface OpenOptions {
  /** Apply pending migrations (as the owner) before serving. */
  migrate: boolean;
  /** A read replica started or stopped serving reads (DATABASE_REPLICA_URLS). */
  onReplicaChange?: (replica: ReplicaStatus) => void;
}

/**
 * Opens the database for the service. With DATABASE_URL: migrations run over an owner pool that
 * is closed right after, and the service pool connects as the application role. Without it:
 * PGlite in the data directory, migrated as its superuser, then switched to the application role.
 */
export const openDatabase = async (config: Config, options: OpenOptions): Promise<{ db: SqlPool; migration: MigrationResult | null }> => {
  const migrateOptions = {
    appRole: config.DB_APP_ROLE,
    appPassword: config.DB_APP_PASSWORD,
    vectorIndex: config.EMBEDDINGS_INDEX,
    certificationQuorum: certificationPolicy(config).quorum,
  };
  if (config.DATABASE_URL === undefined && config.APP_DATABASE_URL === undefined) {
    const dataDir = path.resolve(config.PLANT_DATA_DIR);
    mkdirSync(dataDir, { recursive: true });
    const release = lockDataDir(dataDir);
    let pglite: SqlPool | undefined;
    try {
      const pgdata = path.join(dataDir, 'pgdata');
      const files = readMigrations();
      const template = templateFor(pgdata, files);
      pglite = await createPglitePool(pgdata, template);
      const migration = options.migrate ? await migrate(pglite, { ...migrateOptions, files }) : null;
      // The template's migrations were applied to this new database too, only earlier (at build time).
      if (migration !== null && template !== undefined) migration.applied = [...files.map((f) => f.name), ...migration.applied];
      await switchToRole(pglite, config.DB_APP_ROLE);
      const inner = pglite;
      const db: SqlPool = { ...inner, close: async () => { try { await inner.close(); } finally { release(); } } };
      return { db, migration };
    } catch (error) {
      await pglite?.close();
      release();
      throw error;
    }
  }
  let migration: MigrationResult | null = null;
  if (options.migrate && config.DATABASE_URL !== undefined) {
    const owner = createPgPool(config.DATABASE_URL, 2, 'plant-migrate');
    try {
      migration = await migrate(owner, migrateOptions);
    } finally {
      await owner.close();
    }
  }
  const url = config.APP_DATABASE_URL ?? serviceUrl(config.DATABASE_URL ?? '', config.DB_APP_ROLE, config.DB_APP_PASSWORD);
  const primary = createPgPool(url, config.DB_POOL_MAX, 'plant');
  if (config.DATABASE_REPLICA_URLS.length === 0) return { db: primary, migration };
  return { db: await replicaRouter(config, primary, options.onReplicaChange), migration };
};

/**
 * The primary behind a router that sends GET routes' reads to the replicas. Like the primary's,
 * a replica's URL gets the service role and password unless APP_DATABASE_URL is set (then each
 * replica URL is used as given, and names the service role itself).
 */
const replicaRouter = async (config: Config, primary: SqlPool, onChange: OpenOptions['onReplicaChange']): Promise<ReplicaRouter> => {
  const replicas = config.DATABASE_REPLICA_URLS.map((given) => {
    const url = config.APP_DATABASE_URL === undefined ? serviceUrl(given, config.DB_APP_ROLE, config.DB_APP_PASSWORD) : given;
    const { host } = new URL(given);
    // A replica that cannot be reached must not hold a request for long: the primary answers instead.
    return { name: host, pool: createPgPool(url, config.DB_POOL_MAX, 'plant-replica', 2000) };
  });
  const router = new ReplicaRouter(primary, replicas, {
    maxLagMs: config.REPLICA_MAX_LAG_MS,
    checkIntervalMs: config.REPLICA_CHECK_INTERVAL_MS,
    onChange,
  });
  await router.start();
  return router;
};


const OWNER_NEEDED =
  'This process has only APP_DATABASE_URL: publish the key with `plant migrate` (DATABASE_URL as the owner, with ' +
  'SIGNING_PUBLIC_KEY_FILE or SIGNING_KEY_FILE set), or give this process DATABASE_URL.';

/**
 * Runs `work` as the database owner, the only role that may publish keys: on the embedded
 * database its superuser, on a server DATABASE_URL's role (a short-lived connection). With only
 * APP_DATABASE_URL there is no owner to act as, and the caller is told what to run instead.
 */
export const asOwner = async <T>(config: Config, db: SqlPool, work: (owner: Sql) => Promise<T>): Promise<T> => {
  if (db.engine === 'pglite') return embeddedOwnerTransaction(db, config.DB_APP_ROLE, work);
  if (config.DATABASE_URL === undefined) {
    throw new Error(`publishing a signing key needs the database owner. ${OWNER_NEEDED}`);
  }
  const owner = createPgPool(config.DATABASE_URL, 1, 'plant-owner');
  try {
    return await owner.transaction(work);
  } finally {
    await owner.close();
  }
};

/** Publishes a public key as the owner (idempotent). */
export const publishKeyAsOwner = (config: Config, db: SqlPool, key: PublicKeyRecord): Promise<void> =>
  asOwner(config, db, (owner) => publishKey(owner, key));

/**
 * Makes sure the signing key is published (through the owner, and only when it is not yet) and
 * reads back every published key. The service role itself cannot publish a key.
 */
export const publishSigningKey = async (config: Config, db: SqlPool, key: PublicKeyRecord): Promise<PublicKeyRecord[]> => {
  const published = await listKeys(db);
  if (published.some((k) => k.keyId === key.keyId)) return published;
  if (db.engine === 'postgres' && config.DATABASE_URL === undefined) {
    throw new Error(`the signing key ${key.keyId} is not published, and only the database owner may publish it. ${OWNER_NEEDED}`);
  }
  await publishKeyAsOwner(config, db, key);
  return listKeys(db);
};

/** Opens what the service, the CLI and the jobs run on. Close with `db.close()` (or the deps' close). */
export const openResources = async (config: Config, options: OpenOptions): Promise<Resources> => {
  // A new RSA-4096 key takes seconds on libuv's pool while the database starts on this thread.
  const [keys, opened] = await Promise.allSettled([Promise.all([loadSigningKey(config), loadLogKey(config)]), openDatabase(config, options)]);
  if (keys.status === 'rejected') {
    if (opened.status === 'fulfilled') await opened.value.db.close();
    throw keys.reason;
  }
  if (opened.status === 'rejected') throw opened.reason;
  const [[{ key: signingKey, created: keyCreated }, logKey], { db, migration }] = [keys.value, opened.value];
  try {
    const publishedKeys = await publishSigningKey(config, db, signingKey);
    return { config, db, signingKey, logKey, publishedKeys, jwtSecret: resolveJwtSecret(config), migration, keyCreated };
  } catch (error) {
    await db.close();
    throw error;
  }
};
