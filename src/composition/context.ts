import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { signingKeyFromPem, loadOrCreateDevKey, type SigningKey } from '../adapters/crypto/keys.ts';
import { KeyringVerifier, NodeSigner } from '../adapters/crypto/node-signer.ts';
import { createPgPool, createPglitePool, serviceUrl, switchToRole } from '../adapters/db/database.ts';
import { lockDataDir } from '../adapters/db/embedded-lock.ts';
import type { SqlPool } from '../adapters/db/sql.ts';
import { listKeys, publishKey } from '../adapters/db/key-registry.ts';
import { PgLedgerStore } from '../adapters/db/ledger-store.ts';
import { migrate, type MigrationResult } from '../adapters/db/migrate.ts';
import { LogStore } from '../adapters/db/log-store.ts';
import { verifierKey, type NoteKey } from '../core/checkpoint.ts';
import type { AuditDeps, AuditLog } from '../core/use-cases/audit.ts';
import type { WriteDeps } from '../core/use-cases/deps.ts';
import { systemClock, uuidV7Ids } from './clock-and-ids.ts';
import type { Config } from './config.ts';

export interface LogContext {
  store: LogStore;
  key: NoteKey;
  origin: string;
  /** The published verifier key (C2SP note format) of the log key. */
  vkey: string;
}

export interface AppContext {
  log: LogContext;
  config: Config;
  db: SqlPool;
  store: PgLedgerStore;
  signingKey: SigningKey;
  verifier: KeyringVerifier;
  write: WriteDeps;
  audit: AuditDeps;
  jwtSecret: string;
  migration: MigrationResult | null;
  keyCreated: boolean;
  close(): Promise<void>;
}

export const keysDir = (config: Config): string => path.join(path.resolve(config.PLANT_DATA_DIR), 'keys');

/** The audit's view of the log. */
export const auditLog = (log: LogContext): AuditLog => ({
  vkey: log.vkey,
  size: () => log.store.size(),
  latestCheckpoint: () => log.store.latestCheckpoint(),
  allLeaves: (size) => log.store.allLeaves(size),
});

const loadLogKey = async (config: Config): Promise<NoteKey> => {
  const pem = config.LOG_KEY ?? (config.LOG_KEY_FILE === undefined ? undefined : readFileSync(config.LOG_KEY_FILE, 'utf8'));
  const key =
    pem === undefined
      ? (await loadOrCreateDevKey(keysDir(config), 'Ed25519', 'log-ed25519.pem')).key
      : await signingKeyFromPem(pem, 'Ed25519');
  return { name: config.LOG_ORIGIN, privateKey: key.privateKey };
};

const loadSigningKey = async (config: Config): Promise<{ key: SigningKey; created: boolean }> => {
  if (config.SIGNING_KEY !== undefined) return { key: await signingKeyFromPem(config.SIGNING_KEY, config.SIGNING_ALGORITHM), created: false };
  if (config.SIGNING_KEY_FILE !== undefined) {
    return { key: await signingKeyFromPem(readFileSync(config.SIGNING_KEY_FILE, 'utf8'), config.SIGNING_ALGORITHM), created: false };
  }
  return loadOrCreateDevKey(keysDir(config), config.SIGNING_ALGORITHM);
};

/** Development only: a random secret kept beside the data so `plant token` and the server agree. */
export const resolveJwtSecret = (config: Config): string => {
  if (config.JWT_SECRET !== undefined) return config.JWT_SECRET;
  const file = path.join(path.resolve(config.PLANT_DATA_DIR), 'jwt-secret');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(path.dirname(file), { recursive: true });
  const secret = randomBytes(32).toString('base64url');
  writeFileSync(file, secret, { mode: 0o600 });
  return secret;
};

export interface OpenOptions {
  /** Apply pending migrations (as the owner) before serving. */
  migrate: boolean;
}

/**
 * Opens the database for the service. With DATABASE_URL: migrations run over an owner pool that
 * is closed right after, and the service pool connects as the application role. Without it:
 * PGlite in the data directory, migrated as its superuser, then switched to the application role.
 */
export const openDatabase = async (config: Config, options: OpenOptions): Promise<{ db: SqlPool; migration: MigrationResult | null }> => {
  const migrateOptions = { appRole: config.DB_APP_ROLE, appPassword: config.DB_APP_PASSWORD, vectorIndex: config.EMBEDDINGS_INDEX };
  if (config.DATABASE_URL === undefined && config.APP_DATABASE_URL === undefined) {
    const dataDir = path.resolve(config.PLANT_DATA_DIR);
    mkdirSync(dataDir, { recursive: true });
    const release = lockDataDir(dataDir);
    let pglite: SqlPool | undefined;
    try {
      pglite = await createPglitePool(path.join(dataDir, 'pgdata'));
      const migration = options.migrate ? await migrate(pglite, migrateOptions) : null;
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
  return { db: createPgPool(url, config.DB_POOL_MAX, 'plant'), migration };
};

/** Builds every adapter the HTTP server, the CLI and the jobs share. The one place that wires. */
export const createContext = async (config: Config, options: OpenOptions): Promise<AppContext> => {
  const { key: signingKey, created: keyCreated } = await loadSigningKey(config);
  const { db, migration } = await openDatabase(config, options);
  try {
    await publishKey(db, signingKey);
    const verifier = new KeyringVerifier(await listKeys(db));
    const store = new PgLedgerStore(db);
    const signer = new NodeSigner(signingKey);
    const publishedKeys = new Set(verifier.keyIds());
    const logKey = await loadLogKey(config);
    const log: LogContext = { store: new LogStore(db), key: logKey, origin: config.LOG_ORIGIN, vkey: verifierKey(logKey) };
    return {
      log,
      config,
      db,
      store,
      signingKey,
      verifier,
      write: { store, ids: uuidV7Ids, clock: systemClock, signer, publishedKeys },
      audit: { store, verifier, clock: systemClock, log: auditLog(log) },
      jwtSecret: resolveJwtSecret(config),
      migration,
      keyCreated,
      close: () => db.close(),
    };
  } catch (error) {
    await db.close();
    throw error;
  }
};
