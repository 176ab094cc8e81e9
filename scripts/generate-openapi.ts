// Writes openapi.json (committed) from the route schemas: `npm run openapi`.
import { writeFileSync } from 'node:fs';
import { generateOpenApi } from '../src/http/openapi.ts';

writeFileSync(new URL('../openapi.json', import.meta.url), await generateOpenApi());
process.stdout.write('openapi.json written\n');
