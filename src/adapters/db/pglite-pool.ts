import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { PGlite, types, type Transaction } from '@electric-sql/pglite';
import { vector } from '@electric-sql/pglite-pgvector';
import { SESSION_SETTINGS, type Sql, type SqlPool, type SqlResult } from './sql.ts';

const wrap = (db: PGlite | Transaction): Sql => ({
  async query<T>(text: string, params?: readonly unknown[]): Promise<SqlResult<T>> {
    const result = await db.query<T>(text, params === undefined ? undefined : [...params]);
    // PGlite reports affectedRows 0 for a SELECT; node-postgres counts the rows returned.
    return { rows: result.rows, rowCount: Math.max(result.affectedRows ?? 0, result.rows.length) };
  },
  async exec(script: string): Promise<void> {
    await db.exec(script);
  },
});

/**
 * PostgreSQL in WebAssembly, in-process. One session: PGlite serializes queries and
 * transactions itself (a transaction holds its mutex), so concurrent writers queue instead of
 * interleaving. `dataDir` null means in-memory (tests). A `template` (a data directory's tarball)
 * fills a fresh data directory instead of initdb.
 */
export const createPglitePool = async (dataDir: string | null, template?: Blob): Promise<SqlPool & { pglite: PGlite }> => {
  if (dataDir !== null) mkdirSync(path.resolve(dataDir), { recursive: true });
  const pglite = await PGlite.create({
    ...(dataDir === null ? {} : { dataDir: path.resolve(dataDir) }),
    ...(template === undefined ? {} : { loadDataDir: template }),
    extensions: { vector },
    parsers: { [types.TIMESTAMPTZ]: (value: string) => new Date(value).toISOString() },
  });
  for (const [k, v] of Object.entries(SESSION_SETTINGS)) await pglite.query('SELECT set_config($1, $2, false)', [k, v]);
  return {
    engine: 'pglite',
    pglite,
    ...wrap(pglite),
    transaction: <T>(work: (tx: Sql) => Promise<T>): Promise<T> => pglite.transaction((tx) => work(wrap(tx))),
    close: () => pglite.close(),
  };
};
