import { performance } from 'node:perf_hooks';
import { PgSearchIndex } from '../src/adapters/db/search-index.ts';
import type { SqlPool } from '../src/adapters/db/sql.ts';
import { embedOffline, OfflineEmbedder, OFFLINE_MODEL } from '../src/core/embeddings/offline-embedder.ts';
import { toVectorLiteral } from '../src/core/embeddings/vector.ts';
import { search } from '../src/core/use-cases/search.ts';
import { createSkill } from '../src/core/use-cases/create.ts';
import { createTestLedger, GOVERNANCE } from '../test/support/ledger.ts';
import { drainJobs } from '../test/support/embeddings.ts';
import { createTestDatabase, type TestEngine } from '../test/support/engines.ts';
import { fmt, heading, ratio } from './harness.ts';
import type { SearchFilter } from '../src/core/ports/embeddings.ts';
import { SEARCHABLE_KINDS } from '../src/core/entity.ts';

const ENTITIES = Number(process.env.BENCH_SEARCH_ENTITIES ?? 100_000);
const QUERIES = 200;
const RECALL_QUERIES = 100;

/** Deterministic PRNG (mulberry32), so every run searches the same catalog. */
const prng = (seed: number): (() => number) => () => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};

const SYLLABLES = 'ka lo mi ne ru sa ti vo ba de fi go hu ja ke li mo nu pa re si to ve za bra cle dri fro glu pla sta tri'.split(' ');

/**
 * Texts that cluster like a real catalog: 400 topics of 15 words each; an entity takes 70% of its
 * words from its topic and the rest from a shared pool of 600 common words, 8 to 20 words long.
 */
export const syntheticCatalog = (n: number): { texts: string[]; topicOf: number[]; topics: string[][] } => {
  const rand = prng(42);
  const pick = <T,>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)] as T;
  const word = (): string => Array.from({ length: 2 + Math.floor(rand() * 2) }, () => pick(SYLLABLES)).join('');
  const common = Array.from({ length: 600 }, word);
  const topics = Array.from({ length: 400 }, () => Array.from({ length: 15 }, word));
  const texts: string[] = [];
  const topicOf: number[] = [];
  for (let i = 0; i < n; i++) {
    const topic = Math.floor(rand() * topics.length);
    const length = 8 + Math.floor(rand() * 13);
    texts.push(Array.from({ length }, () => (rand() < 0.7 ? pick(topics[topic] as string[]) : pick(common))).join(' '));
    topicOf.push(topic);
  }
  return { texts, topicOf, topics };
};

const percentile = (xs: number[], q: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? 0;
};

export const load = async (owner: SqlPool, texts: string[]): Promise<number> => {
  // The documents go straight into the table (in this throwaway database only, without the
  // ledger behind them): the query path measured below is the production one.
  await owner.exec('ALTER TABLE search_documents DROP CONSTRAINT search_documents_entity_id_fkey; DROP INDEX search_documents_embedding');
  const t0 = performance.now();
  const kinds = SEARCHABLE_KINDS;
  for (let i = 0; i < texts.length; i += 500) {
    const rows = texts.slice(i, i + 500).map((body, j) => {
      const n = i + j;
      return {
        entity_id: `0190c000-0000-7000-8000-${n.toString().padStart(12, '0')}`,
        entity_type: kinds[n % kinds.length], name: `Entity ${n}`, status: n % 10 === 0 ? 'draft' : 'active',
        certified: n % 3 !== 0, body, embedding: toVectorLiteral(embedOffline(body)),
      };
    });
    await owner.query(
      `INSERT INTO search_documents (entity_id, entity_type, name, status, certified, body, embedding, embedding_model, embedded_body, embedded_at)
       SELECT r.entity_id, r.entity_type, r.name, r.status, r.certified, r.body, r.embedding::vector, $2, r.body, now()
         FROM jsonb_to_recordset($1::jsonb) AS r(entity_id uuid, entity_type text, name text, status text, certified boolean, body text, embedding text)`,
      [JSON.stringify(rows), OFFLINE_MODEL],
    );
    if (i % 20_000 === 0 && i > 0) process.stderr.write(`  (loaded ${i})\n`);
  }
  return (performance.now() - t0) / 1000;
};

const benchEngine = async (engine: TestEngine, catalog: ReturnType<typeof syntheticCatalog>): Promise<void> => {
  heading(`search over ${fmt(ENTITIES)} synthetic clustered documents — ${engine}`);
  const db = await createTestDatabase(engine);
  try {
    const loadSeconds = await load(db.owner, catalog.texts);
    await db.owner.exec("SET maintenance_work_mem = '512MB'");
    const t0 = performance.now();
    await db.owner.exec('CREATE INDEX search_documents_embedding ON search_documents USING hnsw (embedding vector_cosine_ops)');
    // The steady state autovacuum keeps: statistics, hint bits, the GIN pending list merged. On
    // the server, an explicit VACUUM also keeps autovacuum from running during the measurement;
    // PGlite has no autovacuum, and VACUUM cannot run in its owner's transaction.
    await db.owner.exec(
      engine === 'postgres' ? 'VACUUM ANALYZE search_documents' : "ANALYZE search_documents; SELECT gin_clean_pending_list('search_documents_tsv')",
    );
    const buildSeconds = (performance.now() - t0) / 1000;
    process.stdout.write(`  load ${fmt(loadSeconds, 1)} s (with text vectors and embeddings), HNSW build ${fmt(buildSeconds, 1)} s (m=16, ef_construction=64)\n`);

    const rand = prng(7);
    const queries = Array.from({ length: QUERIES }, () => {
      const topic = catalog.topics[Math.floor(rand() * catalog.topics.length)] as string[];
      return Array.from({ length: 3 + Math.floor(rand() * 3) }, () => topic[Math.floor(rand() * topic.length)]).join(' ');
    });
    const index = new PgSearchIndex(db.service);
    const embedder = new OfflineEmbedder();
    const filter: SearchFilter = { kinds: SEARCHABLE_KINDS, statuses: ['active'], certifiedOnly: false };

    // Warm-up: one pass of the product path, so every figure below is the warm steady state.
    for (const q of queries) await search({ index, embedder }, q, filter, 10);
    // Baseline: the bare pgvector query (HNSW at the session's ef_search 100), one statement, no
    // filters, no text, no fusion, the query vector computed beforehand.
    const bare: number[] = [];
    for (const q of queries) {
      const v = toVectorLiteral(embedOffline(q));
      const s = performance.now();
      await db.service.query('SELECT entity_id FROM search_documents ORDER BY embedding <=> $1::vector LIMIT 10', [v]);
      bare.push(performance.now() - s);
    }
    // The product: embed the query, HNSW candidates with filters, full-text candidates, fusion.
    const full: number[] = [];
    for (const q of queries) {
      const s = performance.now();
      await search({ index, embedder }, q, filter, 10);
      full.push(performance.now() - s);
    }
    const filtered: number[] = [];
    for (const q of queries) {
      const s = performance.now();
      await search({ index, embedder }, q, { ...filter, kinds: ['Agent'], certifiedOnly: true }, 10);
      filtered.push(performance.now() - s);
    }
    process.stdout.write(`  bare HNSW top-10 (baseline)                          p50 ${fmt(percentile(bare, 0.5), 2)} ms   p95 ${fmt(percentile(bare, 0.95), 2)} ms\n`);
    process.stdout.write(`  GET /search path: hybrid, status filter              p50 ${fmt(percentile(full, 0.5), 2)} ms   p95 ${fmt(percentile(full, 0.95), 2)} ms\n`);
    process.stdout.write(`  … kind=Agent & certified_only (iterative scan)        p50 ${fmt(percentile(filtered, 0.5), 2)} ms   p95 ${fmt(percentile(filtered, 0.95), 2)} ms\n`);
    ratio('search p95 / bare HNSW p95', percentile(full, 0.95) / percentile(bare, 0.95));
    ratio('search p95 (ms)', percentile(full, 0.95), engine === 'postgres' ? '≤ 15 ms' : undefined);

    // Recall@10 of the index (at the ef_search the product uses) against exact search.
    let recall = 0;
    const exactTimes: number[] = [];
    for (const q of queries.slice(0, RECALL_QUERIES)) {
      const v = toVectorLiteral(embedOffline(q));
      const approx = (await db.service.query<{ entity_id: string }>('SELECT entity_id FROM search_documents ORDER BY embedding <=> $1::vector LIMIT 10', [v])).rows;
      const s = performance.now();
      // "+ 0" hides the operator from the planner, so this is an exact scan.
      const exact = (await db.service.query<{ entity_id: string }>('SELECT entity_id FROM search_documents ORDER BY (embedding <=> $1::vector) + 0 LIMIT 10', [v])).rows;
      exactTimes.push(performance.now() - s);
      const truth = new Set(exact.map((r) => r.entity_id));
      recall += approx.filter((r) => truth.has(r.entity_id)).length / 10;
    }
    process.stdout.write(`  exact top-10 scan                                    p50 ${fmt(percentile(exactTimes, 0.5), 2)} ms   p95 ${fmt(percentile(exactTimes, 0.95), 2)} ms\n`);
    ratio(`recall@10, HNSW vs exact (${RECALL_QUERIES} queries)`, recall / RECALL_QUERIES, '≥ 0.95');
  } finally {
    await db.close();
  }
};

/** What embedding adds to a write: the trigger's document and job, then the worker's share. */
const benchWriteCost = async (engine: TestEngine): Promise<void> => {
  heading(`embedding cost per write — ${engine}`);
  const t = await createTestLedger(engine);
  try {
    const n = 300;
    const timed = async (label: string): Promise<number> => {
      const s = performance.now();
      for (let i = 0; i < n; i++) {
        await createSkill(t.write, GOVERNANCE, { name: `${label} ${i}`, category: 'technical', description: `Skill number ${i} for the ${label} run, with a sentence of text.` });
      }
      return (performance.now() - s) / n;
    };
    await t.owner.exec('ALTER TABLE entities DISABLE TRIGGER entities_search');
    const without = await timed('plain');
    await t.owner.exec('ALTER TABLE entities ENABLE TRIGGER entities_search');
    const withDoc = await timed('searchable');
    const s = performance.now();
    const embedded = await drainJobs(t.embeddings);
    const worker = (performance.now() - s) / embedded;
    const texts = Array.from({ length: 2000 }, (_, i) => `Skill number ${i}: plans and runs paid social campaigns, writes copy and reports results.`);
    const e0 = performance.now();
    for (const text of texts) embedOffline(text);
    const embedMicros = ((performance.now() - e0) * 1000) / texts.length;
    process.stdout.write(`  create (Ed25519), search trigger off (baseline)      ${fmt(without, 2)} ms/write\n`);
    process.stdout.write(`  create with search document + queued job             ${fmt(withDoc, 2)} ms/write (${withDoc >= without ? '+' : '−'}${fmt((Math.abs(withDoc - without) / without) * 100, 0)}%)\n`);
    process.stdout.write(`  worker, per job (claim, embed, store; batch 32)      ${fmt(worker, 2)} ms/job, after commit\n`);
    process.stdout.write(`  offline embedder                                     ${fmt(embedMicros, 1)} µs/text\n`);
    ratio('write with search / write without', withDoc / without);
  } finally {
    await t.close();
  }
};

export const benchSearch = async (): Promise<void> => {
  const catalog = syntheticCatalog(ENTITIES);
  const engines = (process.env.BENCH_SEARCH_ENGINES ?? 'postgres,pglite').split(',') as TestEngine[];
  for (const engine of engines) await benchEngine(engine, catalog);
  for (const engine of engines) await benchWriteCost(engine);
};
