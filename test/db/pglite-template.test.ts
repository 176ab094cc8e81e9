import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPglitePool } from '../../src/adapters/db/database.ts';
import { migrate, readMigrations } from '../../src/adapters/db/migrate.ts';
import { buildTemplate, isFresh, readTemplate, templateFor, templateKey } from '../../src/adapters/db/pglite-template.ts';

describe('the embedded database template (a first start copies it instead of running initdb)', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'plant-template-'));
  const file = path.join(dir, 'template.tar.gz');
  const files = readMigrations();

  beforeAll(async () => {
    // What scripts/pglite-template.ts does at build time.
    await buildTemplate(file, files);
  });
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('is used only for the migration files it was made from', () => {
    expect(readTemplate(file, templateKey(files))).toBeInstanceOf(Blob);
    // A migration added or edited since the build: the template is stale, initdb runs instead.
    expect(readTemplate(file, templateKey(files.slice(0, -1)))).toBeUndefined();
    expect(readTemplate(file, templateKey([...files.slice(0, -1), { ...files.at(-1), checksum: '0' } as (typeof files)[number]]))).toBeUndefined();
    expect(readTemplate(path.join(dir, 'missing.tar.gz'), templateKey(files))).toBeUndefined();
  });

  it('fills a fresh data directory with every migration applied, and the directory is not fresh after', async () => {
    const pgdata = path.join(dir, 'pgdata');
    expect(isFresh(pgdata)).toBe(true);
    const db = await createPglitePool(pgdata, templateFor(pgdata, files, file));
    try {
      const { rows } = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM plant_migrations');
      expect(rows[0]?.n).toBe(files.length);
      // The start-up migration finds nothing to do, and the service role is ensured as usual.
      expect((await migrate(db, { appRole: 'plant_other', files })).applied).toEqual([]);
      const role = await db.query('SELECT 1 FROM pg_roles WHERE rolname = $1', ['plant_other']);
      expect(role.rows).toHaveLength(1);
    } finally {
      await db.close();
    }
    expect(isFresh(pgdata)).toBe(false);
    // A second start opens what is there: the template is not loaded over it.
    expect(templateFor(pgdata, files, file)).toBeUndefined();
  });
});
