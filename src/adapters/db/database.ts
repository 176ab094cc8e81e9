import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { createPgConfig } from '@electric-sql/pglite/node-postgres';
import { vector } from '@electric-sql/pglite-pgvector';
import pg from 'pg';

export type Engine = 'pglite' | 'postgres';

/**
 * One connection pool per role. Both engines are reached through node-postgres, so every query
 * in the codebase runs unchanged on PGlite (in-process WebAssembly PostgreSQL) and on a server.
 */
export interface Database {
  readonly engine: Engine;
  /** The service's pool: connected as (or switched to) the least-privileged application role. */
  readonly pool: pg.Pool;
  close(): Promise<void>;
}

export interface PgliteHandle {
  pglite: PGlite;
  /** A pool over the single PGlite connection, as the superuser that owns the schema. */
  ownerPool: pg.Pool;
}

// timestamptz arrives as a Date by default; the ledger wants the exact ISO-8601 UTC string.
pg.types.setTypeParser(pg.types.builtins.TIMESTAMPTZ, (value) => new Date(value).toISOString());

export const openPglite = async (dataDir: string | null): Promise<PgliteHandle> => {
  if (dataDir !== null) mkdirSync(path.resolve(dataDir), { recursive: true });
  const pglite = await PGlite.create({
    ...(dataDir === null ? {} : { dataDir: path.resolve(dataDir) }),
    extensions: { vector },
  });
  // PGlite has exactly one connection; a bigger pool would interleave transactions on it.
  const ownerPool = new pg.Pool({ ...createPgConfig(pglite), max: 1, idleTimeoutMillis: 0 });
  return { pglite, ownerPool };
};

/**
 * Switches PGlite's only session to the application role, so row-level security and grants
 * apply to the service exactly as they do on a server. The pool never closes the client
 * (idleTimeoutMillis 0), so the session setting stays.
 */
export const pgliteAsService = async (handle: PgliteHandle, appRole: string): Promise<Database> => {
  const { rows } = await handle.ownerPool.query<{ sql: string }>("SELECT format('SET ROLE %I', $1::text) AS sql", [appRole]);
  const statement = rows[0]?.sql;
  if (statement === undefined) throw new Error('could not build SET ROLE');
  await handle.ownerPool.query(statement);
  return {
    engine: 'pglite',
    pool: handle.ownerPool,
    close: async () => {
      await handle.ownerPool.end();
      await handle.pglite.close();
    },
  };
};

export const openServerPool = (connectionString: string, max: number, applicationName: string): pg.Pool =>
  new pg.Pool({ connectionString, max, application_name: applicationName, connectionTimeoutMillis: 10_000 });

/** The service's connection string: same server and database, as the application role. */
export const serviceUrl = (adminUrl: string, role: string, password: string | undefined): string => {
  const url = new URL(adminUrl);
  url.username = encodeURIComponent(role);
  url.password = password === undefined ? '' : encodeURIComponent(password);
  return url.toString();
};
