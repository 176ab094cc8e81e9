// Baseline for the HTTP benchmark: a bare Fastify app doing exactly one primary-key SELECT (GET)
// or one INSERT (POST) per request, on the same engine as the Plant server it is compared with.
import { randomUUID } from 'node:crypto';
import Fastify from 'fastify';
import { createPgPool, createPglitePool } from '../src/adapters/db/database.ts';

const pool = process.env.BARE_DATABASE_URL
  ? createPgPool(process.env.BARE_DATABASE_URL, 10, 'bench-bare')
  : await createPglitePool(process.env.BARE_PGLITE_DIR ?? null);
await pool.exec('CREATE TABLE IF NOT EXISTS bench_items (id uuid PRIMARY KEY, body jsonb NOT NULL)');
const seedId = randomUUID();
await pool.query('INSERT INTO bench_items (id, body) VALUES ($1, $2)', [seedId, JSON.stringify({ name: 'seed', description: 'x'.repeat(200) })]);

const app = Fastify({ logger: false });
app.get('/items/:id', async (request) => {
  const { rows } = await pool.query('SELECT id, body FROM bench_items WHERE id = $1', [(request.params as { id: string }).id]);
  return rows[0] ?? {};
});
app.post('/items', async (request, reply) => {
  const id = randomUUID();
  await pool.query('INSERT INTO bench_items (id, body) VALUES ($1, $2)', [id, JSON.stringify(request.body)]);
  return reply.code(201).send({ id });
});
// The change-feed baseline: the log's leaves in order after a cursor, one indexed range scan.
app.get('/leaves', async (request) => {
  const q = request.query as { after?: string; limit?: string };
  const { rows } = await pool.query(
    'SELECT leaf_index, entity_id, version, amendment_hash FROM log_leaves WHERE leaf_index > $1 ORDER BY leaf_index LIMIT $2',
    [Number(q.after ?? -1), Number(q.limit ?? 1000)],
  );
  return { items: rows };
});
const address = await app.listen({ host: '127.0.0.1', port: 0 });
process.stdout.write(`bare listening on ${address} seed ${seedId}\n`);
