import pg from 'pg';
import { SESSION_SETTINGS, type Sql, type SqlPool, type SqlResult, type SqlSession } from './sql.ts';

// timestamptz arrives as a Date by default; the ledger wants the exact ISO-8601 UTC string.
pg.types.setTypeParser(pg.types.builtins.TIMESTAMPTZ, (value) => new Date(value).toISOString());

const wrap = (client: pg.Pool | pg.PoolClient): Sql => ({
  async query<T>(text: string, params?: readonly unknown[], name?: string): Promise<SqlResult<T>> {
    const values = params === undefined ? undefined : [...params];
    const result = await (name === undefined ? client.query(text, values) : client.query({ name, text, values: values ?? [] }));
    return { rows: result.rows as T[], rowCount: result.rowCount ?? 0 };
  },
  async exec(script: string): Promise<void> {
    await client.query(script);
  },
});

export const createPgPool = (connectionString: string, max: number, applicationName: string): SqlPool => {
  const options = Object.entries(SESSION_SETTINGS).map(([k, v]) => `-c ${k}=${v}`).join(' ');
  const pool = new pg.Pool({ connectionString, max, application_name: applicationName, connectionTimeoutMillis: 10_000, options });
  // An idle client's connection can drop (server restart); log-free handling keeps the process alive.
  pool.on('error', () => undefined);
  return {
    engine: 'postgres',
    ...wrap(pool),
    async transaction<T>(work: (tx: Sql) => Promise<T>): Promise<T> {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const result = await work(wrap(client));
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      } finally {
        client.release();
      }
    },
    async session(): Promise<SqlSession> {
      const client = await pool.connect();
      return { ...wrap(client), release: () => { client.release(); } };
    },
    close: () => pool.end(),
  };
};
