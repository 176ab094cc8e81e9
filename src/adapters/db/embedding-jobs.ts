import { toVectorLiteral } from '../../core/embeddings/vector.ts';
import { json, type SqlPool } from './sql.ts';
import type { DeadJob, EmbeddingJob, EmbeddingJobs, EmbeddingStats, FailurePolicy } from '../../core/ports/embeddings.ts';

/** The job queue on PostgreSQL or PGlite: leases with FOR UPDATE SKIP LOCKED, so workers never share a job. */
export class PgEmbeddingQueue implements EmbeddingJobs {
  constructor(private readonly db: SqlPool) {}

  claim(workerId: string, limit: number, leaseSeconds: number, maxAttempts: number): Promise<EmbeddingJob[]> {
    return this.db.transaction(async (tx) => {
      // A job whose leases keep expiring (its worker crashes on it) stops being retried.
      await tx.query(
        `UPDATE embedding_jobs SET state = 'dead', locked_by = NULL, locked_until = NULL, updated_at = now(),
                last_error = coalesce(last_error, 'the worker holding it stopped before finishing')
          WHERE state = 'queued' AND attempts >= $1 AND locked_until < now()`,
        [maxAttempts],
      );
      const { rows } = await tx.query<{ entity_id: string; attempts: number; body: string }>(
        `WITH picked AS (
           SELECT entity_id FROM embedding_jobs
            WHERE state = 'queued' AND run_at <= now() AND (locked_until IS NULL OR locked_until < now())
            ORDER BY run_at, entity_id
            LIMIT $1
            FOR UPDATE SKIP LOCKED)
         UPDATE embedding_jobs j
            SET locked_by = $2, locked_until = now() + make_interval(secs => $3), attempts = j.attempts + 1, updated_at = now()
           FROM picked, search_documents d
          WHERE j.entity_id = picked.entity_id AND d.entity_id = j.entity_id
         RETURNING j.entity_id, j.attempts, d.body`,
        [limit, workerId, leaseSeconds],
      );
      return rows.map((r) => ({ entityId: r.entity_id, attempts: r.attempts, body: r.body }));
    });
  }

  complete(workerId: string, model: string, done: readonly { job: EmbeddingJob; vector: readonly number[] }[]): Promise<string[]> {
    const items = done.map(({ job, vector }) => ({ entity_id: job.entityId, body: job.body, embedding: toVectorLiteral(vector) }));
    return this.db.transaction(async (tx) => {
      const { rows } = await tx.query<{ entity_id: string }>('SELECT plant_store_embeddings($1::jsonb, $2, $3) AS entity_id', [json(items), model, workerId]);
      const stored = rows.map((r) => r.entity_id);
      await tx.query('DELETE FROM embedding_jobs WHERE entity_id = ANY($1::uuid[]) AND locked_by = $2', [stored, workerId]);
      // The rest changed text while we worked (or lost the lease): run again with the new text.
      await tx.query(
        `UPDATE embedding_jobs SET locked_by = NULL, locked_until = NULL, run_at = now(), updated_at = now()
          WHERE entity_id = ANY($1::uuid[]) AND locked_by = $2`,
        [items.map((i) => i.entity_id).filter((id) => !stored.includes(id)), workerId],
      );
      return stored;
    });
  }

  async fail(workerId: string, jobs: readonly EmbeddingJob[], error: string, policy: FailurePolicy): Promise<void> {
    await this.db.query(
      `UPDATE embedding_jobs
          SET locked_by = NULL, locked_until = NULL, last_error = left($3, 1000), updated_at = now(),
              state = CASE WHEN attempts >= $4 THEN 'dead' ELSE 'queued' END,
              run_at = now() + make_interval(secs => least($6::float8, $5::float8 * power(2, greatest(attempts - 1, 0))))
        WHERE entity_id = ANY($1::uuid[]) AND locked_by = $2`,
      [jobs.map((j) => j.entityId), workerId, error, policy.maxAttempts, policy.retryBaseSeconds, policy.retryMaxSeconds],
    );
  }

  /** Queues every document embedded with another model, so a model switch re-embeds the catalog. */
  async requeueOtherModels(model: string): Promise<number> {
    const { rowCount } = await this.db.query(
      `INSERT INTO embedding_jobs (entity_id)
       SELECT entity_id FROM search_documents WHERE embedding_model IS DISTINCT FROM $1
       ON CONFLICT (entity_id) DO NOTHING`,
      [model],
    );
    return rowCount;
  }

  /** Rebuilds every document from its entity and queues all of them (reindex). */
  async requeueAll(): Promise<number> {
    return this.db.transaction(async (tx) => {
      await tx.query('SELECT plant_search_rebuild()');
      const { rowCount } = await tx.query(
        `INSERT INTO embedding_jobs (entity_id) SELECT entity_id FROM search_documents
         ON CONFLICT (entity_id) DO UPDATE SET state = 'queued', attempts = 0, run_at = now(), last_error = NULL, updated_at = now()`,
      );
      return rowCount;
    });
  }

  async dead(limit = 1000): Promise<DeadJob[]> {
    const { rows } = await this.db.query<DeadJob>(
      `SELECT j.entity_id, e.entity_type, e.name, j.attempts, j.last_error, j.updated_at
         FROM embedding_jobs j JOIN entities e ON e.id = j.entity_id
        WHERE j.state = 'dead' ORDER BY j.updated_at, j.entity_id LIMIT $1`,
      [limit],
    );
    return rows;
  }

  /** Puts dead jobs back in the queue with fresh attempts: the given ones, or all. */
  async retry(entityIds?: readonly string[]): Promise<string[]> {
    const { rows } = await this.db.query<{ entity_id: string }>(
      `UPDATE embedding_jobs SET state = 'queued', attempts = 0, run_at = now(), locked_by = NULL, locked_until = NULL, updated_at = now()
        WHERE state = 'dead' AND ($1::uuid[] IS NULL OR entity_id = ANY($1::uuid[]))
       RETURNING entity_id`,
      [entityIds === undefined ? null : [...entityIds]],
    );
    return rows.map((r) => r.entity_id);
  }

  async stats(model: string): Promise<EmbeddingStats> {
    const { rows } = await this.db.query<EmbeddingStats>(
      `SELECT (SELECT count(*)::int FROM search_documents) AS documents,
              (SELECT count(*)::int FROM search_documents WHERE embedding IS NOT NULL AND embedding_model = $1) AS embedded,
              (SELECT count(*)::int FROM search_documents WHERE embedding IS NOT NULL AND embedding_model <> $1) AS other_model,
              (SELECT count(*)::int FROM embedding_jobs WHERE state = 'queued') AS queued,
              (SELECT count(*)::int FROM embedding_jobs WHERE state = 'queued' AND locked_until > now()) AS in_flight,
              (SELECT count(*)::int FROM embedding_jobs WHERE state = 'dead') AS dead`,
      [model],
    );
    return rows[0] as EmbeddingStats;
  }

  /** Cheap enough for every metrics scrape: the jobs table holds only unfinished work. */
  async counts(): Promise<{ queued: number; dead: number }> {
    const { rows } = await this.db.query<{ state: 'queued' | 'dead'; n: number }>('SELECT state, count(*)::int AS n FROM embedding_jobs GROUP BY state');
    return { queued: rows.find((r) => r.state === 'queued')?.n ?? 0, dead: rows.find((r) => r.state === 'dead')?.n ?? 0 };
  }

  /** Jobs not yet finished (queued or in flight), for progress and for tests waiting on the worker. */
  async pending(): Promise<number> {
    return (await this.counts()).queued;
  }
}
