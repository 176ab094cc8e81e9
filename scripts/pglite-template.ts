// `npm run build`: the migrated, empty embedded database a first `plant serve` starts from
// (src/adapters/db/pglite-template.ts). Without it a first start runs initdb and the migrations.
import { readMigrations } from '../src/adapters/db/migrate.ts';
import { buildTemplate, TEMPLATE_FILE } from '../src/adapters/db/pglite-template.ts';

const files = readMigrations();
const bytes = await buildTemplate(TEMPLATE_FILE, files);
process.stdout.write(`embedded database template written (${files.length} migrations, ${Math.round(bytes / 1024)} KiB)\n`);
