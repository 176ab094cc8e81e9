// `npm run build`: the migrated, empty embedded database a first `plant serve` starts from
// (src/adapters/db/pglite-template.ts). Without it a first start runs initdb and the migrations.
import { createPglitePool } from '../src/adapters/db/pglite-pool.ts';
import { migrate, readMigrations } from '../src/adapters/db/migrate.ts';
import { templateKey, TEMPLATE_FILE, writeTemplate } from '../src/adapters/db/pglite-template.ts';

const files = readMigrations();
const db = await createPglitePool(null);
try {
  await migrate(db, { appRole: 'plant_app', files });
  const tarball = Buffer.from(await (await db.pglite.dumpDataDir('gzip')).arrayBuffer());
  writeTemplate(TEMPLATE_FILE, templateKey(files), tarball);
  process.stdout.write(`embedded database template written (${files.length} migrations, ${Math.round(tarball.length / 1024)} KiB)\n`);
} finally {
  await db.close();
}
