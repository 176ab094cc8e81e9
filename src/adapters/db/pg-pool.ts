import pg from 'pg';
import { DependencyUnavailable } from '../../core/ports/health.ts';
import { SESSION_SETTINGS, sqlError, type Sql, type SqlPool, type SqlResult, type SqlSession } from './sql.ts';

// timestamptz arrives as a Date by default; the ledger wants the exact ISO-8601 UTC string.
pg.types.setTypeParser(pg.types.builtins.TIMESTAMPTZ, (value) => new Date(value).toISOString());

// Connection exceptions (class 08, but not 08P01, a protocol violation: that is a bug, not a
// lost connection), the server shutting down or starting (57P01-57P03), and the driver's own
// words for a socket that went away or never came.
const LOST_SQLSTATE = /^(0800[0-7]|57P0[1-3])$/;
const LOST_ERRNO = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);
const LOST_MESSAGE = /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|Connection ended unexpectedly/i;

/** Whether an error means the connection is gone (as opposed to the statement being refused). */
export const isConnectionLost = (error: unknown): boolean => {
  const code = sqlError(error).code;
  if (code !== undefined && (LOST_SQLSTATE.test(code) || LOST_ERRNO.has(code))) return true;
  return error instanceof Error && LOST_MESSAGE.test(error.message);
};

const unavailable = (error: unknown): unknown => (isConnectionLost(error) ? new DependencyUnavailable('the database', { cause: error }) : error);

/** A client whose connection failed while checked out: released with `true`, so the pool drops it. */
const broken = new WeakSet<pg.PoolClient>();

const wrap = (client: pg.Pool | pg.PoolClient): Sql => ({
  async query<T>(text: string, params?: readonly unknown[], name?: string): Promise<SqlResult<T>> {
    const values = params === undefined ? undefined : [...params];
    try {
      const result = await (name === undefined ? client.query(text, values) : client.query({ name, text, values: values ?? [] }));
      return { rows: result.rows as T[], rowCount: result.rowCount ?? 0 };
    } catch (error) {
      if (isConnectionLost(error) && client instanceof pg.Client) broken.add(client);
      throw unavailable(error);
    }
  },
  async exec(script: string): Promise<void> {
    try {
      await client.query(script);
    } catch (error) {
      throw unavailable(error);
    }
  },
});

/**
 * PostgreSQL over node-postgres. The server may restart or cut a connection at any moment: every
 * client gets an error listener (node-postgres only listens on idle ones, and an 'error' on a
 * checked-out client with no listener ends the process), a client that failed is destroyed
 * instead of returned to the pool, and lost connections surface as DependencyUnavailable. The
 * pool reconnects by itself on the next checkout.
 */
export const createPgPool = (connectionString: string, max: number, applicationName: string, connectTimeoutMs = 10_000): SqlPool => {
  const options = Object.entries(SESSION_SETTINGS).map(([k, v]) => `-c ${k}=${v}`).join(' ');
  const pool = new pg.Pool({ connectionString, max, application_name: applicationName, connectionTimeoutMillis: connectTimeoutMs, options });
  pool.on('error', () => undefined);
  pool.on('connect', (client) => {
    client.on('error', () => broken.add(client));
  });
  const checkout = async (): Promise<pg.PoolClient> => {
    try {
      return await pool.connect();
    } catch (error) {
      throw unavailable(error);
    }
  };
  const release = (client: pg.PoolClient): void => {
    client.release(broken.has(client));
  };
  return {
    engine: 'postgres',
    ...wrap(pool),
    async transaction<T>(work: (tx: Sql) => Promise<T>): Promise<T> {
      const client = await checkout();
      const tx = wrap(client);
      try {
        await tx.query('BEGIN');
        const result = await work(tx);
        await tx.query('COMMIT');
        return result;
      } catch (error) {
        if (!broken.has(client)) await client.query('ROLLBACK').catch(() => undefined);
        throw unavailable(error);
      } finally {
        release(client);
      }
    },
    async session(): Promise<SqlSession> {
      const client = await checkout();
      return { ...wrap(client), release: () => { release(client); } };
    },
    close: () => pool.end(),
  };
};
