import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { DatabaseHealth } from '../../core/ports/health.ts';
import type { Sql, SqlPool } from './sql.ts';

/** Committed, ordered SQL files; the same set for PGlite and PostgreSQL. */
export const MIGRATIONS_DIR = fileURLToPath(new URL('../../../migrations/', import.meta.url));

export interface MigrationFile {
  version: number;
  name: string;
  sql: string;
  checksum: string;
}

export const readMigrations = (dir: string = MIGRATIONS_DIR): MigrationFile[] =>
  readdirSync(dir)
    .filter((f) => /^\d{4}_[a-z0-9_]+\.sql$/.test(f))
    .sort()
    .map((file) => {
      const sql = readFileSync(`${dir}/${file}`, 'utf8');
      return {
        version: Number(file.slice(0, 4)),
        name: file.replace(/\.sql$/, ''),
        sql,
        checksum: createHash('sha256').update(sql).digest('hex'),
      };
    });

export interface MigrationResult {
  applied: string[];
  current: number;
}

// Two servers starting at once must not both run a migration: a transaction-scoped advisory
// lock serializes them, and the second sees the first's row and skips.
const LOCK_KEY = 7_303_514_201;

/**
 * Applies every pending migration, each in its own transaction, as the owning (admin) role,
 * then ensures the service's login role exists and is a member of plant_service. Refuses to
 * run when an applied migration's file has changed since (checksum mismatch).
 */
export const migrate = async (
  owner: SqlPool,
  options: {
    appRole: string;
    appPassword?: string | undefined;
    files?: readonly MigrationFile[];
    vectorIndex?: VectorIndex;
    /** Recorded for the database's own four-eyes check (0006_four_eyes.sql). */
    certificationQuorum?: number | undefined;
  },
): Promise<MigrationResult> => {
  const files = options.files ?? readMigrations();
  await owner.exec(`CREATE TABLE IF NOT EXISTS plant_migrations (
    version integer PRIMARY KEY, name text NOT NULL, checksum text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`);
  const applied: string[] = [];
  // Most starts find everything applied: one read instead of a locked transaction per file.
  const { rows: recorded } = await owner.query<{ version: number; checksum: string }>('SELECT version, checksum FROM plant_migrations');
  const checksums = new Map(recorded.map((r) => [r.version, r.checksum]));
  for (const file of files) {
    const known = checksums.get(file.version);
    if (known !== undefined && known !== file.checksum) throw new Error(`migration ${file.name} was changed after it was applied (checksum mismatch)`);
    if (known !== undefined) continue;
    const ran = await owner.transaction(async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock($1)', [LOCK_KEY]);
      const { rows } = await tx.query<{ checksum: string }>('SELECT checksum FROM plant_migrations WHERE version = $1', [file.version]);
      const existing = rows[0];
      if (existing !== undefined) {
        if (existing.checksum !== file.checksum) {
          throw new Error(`migration ${file.name} was changed after it was applied (checksum mismatch)`);
        }
        return false;
      }
      await tx.exec(file.sql);
      await tx.query('INSERT INTO plant_migrations (version, name, checksum) VALUES ($1, $2, $3)', [file.version, file.name, file.checksum]);
      return true;
    });
    if (ran) applied.push(file.name);
  }
  await owner.exec('GRANT SELECT ON plant_migrations TO plant_service');
  await ensureAppRole(owner, options.appRole, options.appPassword);
  if (options.vectorIndex !== undefined) await ensureVectorIndex(owner, options.vectorIndex);
  if (options.certificationQuorum !== undefined) {
    await owner.query("UPDATE plant_settings SET value = to_jsonb($1::integer) WHERE key = 'certification_quorum'", [options.certificationQuorum]);
  }
  return { applied, current: files.at(-1)?.version ?? 0 };
};

export type VectorIndex = 'hnsw' | 'ivfflat';

/**
 * Builds the embedding index the configuration asks for, replacing the other kind. IVFFlat
 * learns its lists from the rows present, so it is sized from them (about rows/1000, at least
 * 10) and worth rebuilding after a bulk load: drop it and run `plant migrate` again.
 */
export const ensureVectorIndex = async (owner: SqlPool, kind: VectorIndex): Promise<void> => {
  await owner.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [LOCK_KEY]);
    // Not there yet (a partial migration set in tests): nothing to index.
    const { rows: table } = await tx.query<{ t: string | null }>("SELECT to_regclass('search_documents')::text AS t");
    if (table[0]?.t == null) return;
    const { rows } = await tx.query<{ method: string }>(
      `SELECT am.amname AS method FROM pg_class c JOIN pg_am am ON am.oid = c.relam
        WHERE c.relname = 'search_documents_embedding' AND c.relkind = 'i'`,
    );
    if (rows[0]?.method === kind) return;
    const { rows: count } = await tx.query<{ n: number }>('SELECT count(*)::int AS n FROM search_documents WHERE embedding IS NOT NULL');
    const lists = Math.max(10, Math.round((count[0]?.n ?? 0) / 1000));
    await tx.exec('DROP INDEX IF EXISTS search_documents_embedding');
    await tx.exec(
      kind === 'hnsw'
        ? 'CREATE INDEX search_documents_embedding ON search_documents USING hnsw (embedding vector_cosine_ops)'
        : `CREATE INDEX search_documents_embedding ON search_documents USING ivfflat (embedding vector_cosine_ops) WITH (lists = ${lists})`,
    );
  });
};

const ROLE_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/** Creates (or updates the password of) the service's login role. Identifiers and the password
 * are quoted by PostgreSQL's own format(%I, %L), never spliced by hand. */
const ensureAppRole = async (client: Sql, role: string, password: string | undefined): Promise<void> => {
  if (!ROLE_NAME.test(role)) throw new Error(`invalid application role name: ${role}`);
  const exists = await client.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [role]);
  const verb = exists.rows.length === 0 ? 'CREATE' : 'ALTER';
  const built = await client.query<{ sql: string }>(
    password === undefined
      ? `SELECT format('${verb} ROLE %I LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS', $1::text) AS sql`
      : `SELECT format('${verb} ROLE %I LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS PASSWORD %L', $1::text, $2::text) AS sql`,
    password === undefined ? [role] : [role, password],
  );
  const sql = built.rows[0]?.sql;
  if (sql === undefined) throw new Error('could not build role statement');
  await client.exec(sql);
  const grant = await client.query<{ sql: string }>("SELECT format('GRANT plant_service TO %I', $1::text) AS sql", [role]);
  const grantSql = grant.rows[0]?.sql;
  if (grantSql !== undefined) await client.exec(grantSql);
};

/** Readiness: every committed migration is applied (and no unknown one). */
export const migrationStatus = async (
  pool: Sql,
  files: MigrationFile[] = readMigrations(),
): Promise<{ current: boolean; applied: number; expected: number }> => {
  const { rows } = await pool.query<{ version: number; checksum: string }>('SELECT version, checksum FROM plant_migrations ORDER BY version');
  const ok =
    rows.length === files.length && files.every((f, i) => rows[i]?.version === f.version && rows[i].checksum === f.checksum);
  return { current: ok, applied: rows.length, expected: files.length };
};

/** Readiness over this database: its migrations against the committed files. */
export const databaseHealth = (sql: Sql, engine: string): DatabaseHealth => ({ engine, migrations: () => migrationStatus(sql) });
