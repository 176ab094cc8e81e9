import type { Sql, SqlPool } from './sql.ts';

export { createPgPool } from './pg-pool.ts';
export { createPglitePool } from './pglite-pool.ts';

/**
 * Switches PGlite's only session to the application role, so row-level security and grants
 * apply to the embedded service exactly as they do on a server.
 */
export const switchToRole = async (pool: Sql, role: string): Promise<void> => {
  const { rows } = await pool.query<{ sql: string }>("SELECT format('SET ROLE %I', $1::text) AS sql", [role]);
  const statement = rows[0]?.sql;
  if (statement === undefined) throw new Error('could not build SET ROLE');
  await pool.exec(statement);
};

/** The service's connection string: same server and database, as the application role. */
export const serviceUrl = (adminUrl: string, role: string, password: string | undefined): string => {
  const url = new URL(adminUrl);
  url.username = encodeURIComponent(role);
  url.password = password === undefined ? '' : encodeURIComponent(password);
  return url.toString();
};

/**
 * One transaction as the embedded database's owner: PGlite has a single session, switched to the
 * application role, so the owner's work steps out of that role and back in. (Whoever runs the
 * embedded database holds its superuser anyway; a server keeps the two apart by connection.)
 */
export const embeddedOwnerTransaction = <T>(pool: SqlPool, appRole: string, work: (owner: Sql) => Promise<T>): Promise<T> =>
  pool.transaction(async (tx) => {
    await tx.exec('RESET ROLE');
    try {
      return await work(tx);
    } finally {
      await switchToRole(tx, appRole).catch(() => undefined);
    }
  });
