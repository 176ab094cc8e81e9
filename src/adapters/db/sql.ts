/**
 * The SQL port both engines implement. node-postgres serves a PostgreSQL server; PGlite's native
 * API serves the embedded database (its node-postgres bridge loses the session after a failed
 * statement, so it is not used). Queries are always parameterised; `exec` is only for committed,
 * parameter-free scripts (migrations).
 */
export interface SqlResult<T> {
  rows: T[];
  rowCount: number;
}

export interface Sql {
  /**
   * `name` makes it a prepared statement on a server (parsed once per connection); use it only
   * for fixed texts on hot paths. PGlite ignores it.
   */
  query<T = Record<string, unknown>>(text: string, params?: readonly unknown[], name?: string): Promise<SqlResult<T>>;
  /** Runs a multi-statement script without parameters. */
  exec(script: string): Promise<void>;
}

export interface SqlPool extends Sql {
  readonly engine: 'pglite' | 'postgres';
  /** Runs `work` in one transaction: COMMIT when it resolves, ROLLBACK when it throws. */
  transaction<T>(work: (tx: Sql) => Promise<T>): Promise<T>;
  /**
   * A dedicated session whose transaction the caller controls (server only; PGlite has one
   * shared session and offers only `transaction`).
   */
  session?: () => Promise<SqlSession>;
  close(): Promise<void>;
}

export interface SqlSession extends Sql {
  release(): void;
}

/** The SQLSTATE and constraint of a database error, whichever engine raised it. */
export const sqlError = (error: unknown): { code?: string; constraint?: string; detail?: string } =>
  typeof error === 'object' && error !== null ? error : {};

/**
 * Transaction-local identity for row-level security. Only plant_set_identity makes it count
 * (0008_database_checks.sql): a bare set_config of plant.actor/plant.roles grants nothing.
 */
export const setActor = async (client: Sql, actor: { readonly subject: string; readonly roles: readonly string[] }): Promise<void> => {
  await client.query('SELECT plant_set_identity($1, $2)', [actor.subject, actor.roles.join(',')]);
};

/** jsonb parameters are sent as JSON text so both drivers treat arrays and objects alike. */
export const json = (value: unknown): string => JSON.stringify(value);

/** Session defaults every connection starts with (on a server as startup parameters, so no extra round trip). */
export const SESSION_SETTINGS: Readonly<Record<string, string>> = {
  // Vector search: a candidate list of 100 and iterative scans, so filters never starve a result.
  'hnsw.ef_search': '100',
  'hnsw.iterative_scan': 'relaxed_order',
  'ivfflat.probes': '10',
  // A common word's fill takes the first matches a scan meets (PgSearchIndex.matching): scans that
  // always start at the table's first page make the same query give the same answer.
  synchronize_seqscans: 'off',
};
