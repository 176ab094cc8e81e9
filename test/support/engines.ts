import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { createPgPool, createPglitePool, embeddedOwnerTransaction, serviceUrl, switchToRole } from '../../src/adapters/db/database.ts';
import { migrate } from '../../src/adapters/db/migrate.ts';
import type { Sql, SqlPool } from '../../src/adapters/db/sql.ts';

export type TestEngine = 'pglite' | 'postgres';

export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const TEST_APP_ROLE = 'plant_app_test';
const inCi = process.env.CI === 'true';

let reachable: Promise<boolean> | undefined;

/** Whether the real server answers. Under CI=true an unreachable server is an error, never a skip. */
export const postgresReachable = (): Promise<boolean> => {
  reachable ??= (async () => {
    const client = new pg.Client({ connectionString: TEST_DATABASE_URL, connectionTimeoutMillis: 3000 });
    try {
      await client.connect();
      await client.query('SELECT 1');
      return true;
    } catch (error) {
      if (inCi) throw new Error(`CI=true but PostgreSQL at ${TEST_DATABASE_URL} is unreachable: ${(error as Error).message}`);
      process.stderr.write(`\n[plant tests] PostgreSQL unreachable at ${TEST_DATABASE_URL}; server tests are skipped (set CI=true to fail instead)\n`);
      return false;
    } finally {
      await client.end().catch(() => undefined);
    }
  })();
  return reachable;
};

/** Engines the database suite runs on: always PGlite, and the real server when it is there. */
export const engines = async (): Promise<TestEngine[]> => ((await postgresReachable()) ? ['pglite', 'postgres'] : ['pglite']);

export interface TestDatabase {
  engine: TestEngine;
  /** The service's pool (application role, subject to grants and RLS). */
  service: SqlPool;
  /** The owner's view, as the migrator would see it: for arranging and for tampering tests. */
  owner: SqlPool;
  /** Server only: connection strings for child processes. */
  serviceUrl?: string;
  adminUrl?: string;
  close(): Promise<void>;
}

/** A fresh, migrated database: in-memory PGlite, or a new database on the server. */
export const createTestDatabase = async (engine: TestEngine): Promise<TestDatabase> => {
  if (engine === 'pglite') {
    const db = await createPglitePool(null);
    await migrate(db, { appRole: TEST_APP_ROLE });
    await switchToRole(db, TEST_APP_ROLE);
    const asOwner = <T>(run: (sql: Sql) => Promise<T>): Promise<T> => embeddedOwnerTransaction(db, TEST_APP_ROLE, run);
    const owner: SqlPool = {
      engine: 'pglite',
      query: (text, params) => asOwner((tx) => tx.query(text, params)),
      exec: (script) => asOwner((tx) => tx.exec(script)),
      transaction: (work) => asOwner(work),
      close: () => Promise.resolve(),
    };
    return { engine, service: db, owner, close: () => db.close() };
  }
  const name = `plant_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const adminUrl = new URL(TEST_DATABASE_URL);
  adminUrl.pathname = `/${name}`;
  const owner = createPgPool(adminUrl.toString(), 4, 'plant-test-owner');
  await migrate(owner, { appRole: TEST_APP_ROLE });
  const url = serviceUrl(adminUrl.toString(), TEST_APP_ROLE, undefined);
  const service = createPgPool(url, 10, 'plant-test');
  return {
    engine,
    service,
    owner,
    serviceUrl: url,
    adminUrl: adminUrl.toString(),
    close: async () => {
      await service.close();
      await owner.close();
      const drop = new pg.Client({ connectionString: TEST_DATABASE_URL });
      await drop.connect();
      await drop.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await drop.end();
    },
  };
};
