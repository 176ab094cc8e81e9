// A portal's first steps with Plant: list the catalog, follow the change feed, verify an entity, read a problem.
// Run: PLANT_URL=http://localhost:8000 PLANT_TOKEN=$(npx plant token --role reader) node clients/typescript/examples/quickstart.mjs
import { createPlantClient, PlantError } from '@plant/client';

const plant = createPlantClient({ baseUrl: process.env.PLANT_URL ?? 'http://localhost:8000', token: process.env.PLANT_TOKEN });

// Every certified skill, across pages (the client follows X-Next-Cursor).
const names = [];
for await (const skill of plant.list('/api/v1/genesis/skills', { certified: true, limit: 50 })) names.push(skill.name);
console.log(`${names.length} certified skills, e.g. ${names.slice(0, 3).join(', ')}`);

// The first changes of the log, in order; keep the last leaf_index to resume from it.
let last;
let shown = 0;
for await (const change of plant.changes({ after: undefined })) {
  if (shown++ < 3) console.log(`#${change.leaf_index} ${change.entity_type} ${change.operation} v${change.version}`);
  last = change.leaf_index;
}
console.log(`the feed ends at leaf ${last}; resume with changes({ after: ${last}, follow: true })`);

// Verify what the server says about one skill, trusting only the log key. A portal ships the key
// it pinned (PLANT_LOG_KEY); reading it from the server, as the fallback here does, is trust on first use.
const logKey = process.env.PLANT_LOG_KEY ?? (await plant.api.GET('/api/v1/log/checkpoint')).data.log_key;
for await (const skill of plant.list('/api/v1/genesis/skills', { limit: 1 })) {
  const check = await plant.verifyEntity(skill.id, { logKey });
  const outcome = check.verified ? 'verified' : `not verified (${check.failed_step ?? 'pending a checkpoint'})`;
  console.log(`${skill.name}: ${outcome}, ${Object.entries(check.steps).map(([step, r]) => `${step} ${r}`).join(', ')}`);
  break;
}

// Problems are typed: error_code, request_id and the violations of a refused write.
try {
  await plant.entity('01900000-0000-7000-8000-000000000000');
} catch (error) {
  if (!(error instanceof PlantError)) throw error;
  console.log(`refused: ${error.status} ${error.errorCode} (request ${error.requestId})`);
}
