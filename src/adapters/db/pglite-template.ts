import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { migrate, type MigrationFile } from './migrate.ts';
import { createPglitePool } from './pglite-pool.ts';

/**
 * A migrated, empty embedded database, made by `npm run build` (scripts/pglite-template.ts) so
 * that a first start copies it instead of running initdb and every migration in WebAssembly.
 * It holds no key, no role password and no data; migrations still run over it at start, and
 * find nothing to do.
 */
export const TEMPLATE_FILE = fileURLToPath(new URL('../../../dist/pglite-template.tar.gz', import.meta.url));

/** The installed PGlite's package version. */
const pgliteVersion = (): string => {
  const entry = createRequire(import.meta.url).resolve('@electric-sql/pglite');
  const manifest = JSON.parse(readFileSync(path.join(path.dirname(entry), '..', 'package.json'), 'utf8')) as { version: string };
  return manifest.version;
};

/** The template is only good for the PGlite build and the migration files it was made from. */
export const templateKey = (files: readonly MigrationFile[]): string =>
  createHash('sha256')
    .update(pgliteVersion())
    .update(files.map((f) => `${f.name}:${f.checksum}`).join('\n'))
    .digest('hex');

const keyFile = (file: string): string => `${file}.key`;

/** Migrates an in-memory PGlite and writes its data directory to `file`, keyed; the tarball's size in bytes. */
export const buildTemplate = async (file: string, files: readonly MigrationFile[]): Promise<number> => {
  const db = await createPglitePool(null);
  try {
    await migrate(db, { appRole: 'plant_app', files });
    const tarball = Buffer.from(await (await db.pglite.dumpDataDir('gzip')).arrayBuffer());
    writeFileSync(file, tarball);
    writeFileSync(keyFile(file), `${templateKey(files)}\n`);
    return tarball.length;
  } finally {
    await db.close();
  }
};

/** The template's tarball when one was built for exactly this `key`, else undefined. */
export const readTemplate = (file: string, key: string): Blob | undefined => {
  if (!existsSync(file) || !existsSync(keyFile(file))) return undefined;
  if (readFileSync(keyFile(file), 'utf8').trim() !== key) return undefined;
  return new Blob([readFileSync(file)]);
};

/** A data directory PostgreSQL has never been initialised in (initdb writes PG_VERSION first). */
export const isFresh = (dataDir: string): boolean => !existsSync(path.join(dataDir, 'PG_VERSION'));

/** What a first start in `dataDir` loads: the template, when the directory is fresh and the template current. */
export const templateFor = (dataDir: string, files: readonly MigrationFile[], file: string = TEMPLATE_FILE): Blob | undefined =>
  isFresh(dataDir) ? readTemplate(file, templateKey(files)) : undefined;
