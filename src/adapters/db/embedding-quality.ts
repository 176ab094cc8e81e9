import type { JsonObject } from '../../core/entity.ts';
import type { Vector } from '../../core/embeddings/vector.ts';
import { toVectorLiteral } from '../../core/embeddings/vector.ts';
import type { Actor } from '../../core/ports/ledger.ts';
import { json, setActor, type SqlPool } from './sql.ts';
import type { StoredEmbedding, QualityReport, QualityStore, QualityRun, QualityRuns } from '../../core/ports/embeddings.ts';

const RUN_COLUMNS = `id::int AS id, trigger, requested_by, slot::text AS slot, model, threshold, state,
  started_at, finished_at, report`;

export class PgQualityStore implements QualityStore, QualityRuns {
  constructor(private readonly db: SqlPool) {}

  async *pages(size: number): AsyncIterable<StoredEmbedding[]> {
    let after = '00000000-0000-0000-0000-000000000000';
    for (;;) {
      const { rows } = await this.db.query<{ entity_id: string; entity_type: string; name: string; body: string; embedding: string | null; embedding_model: string | null }>(
        `SELECT entity_id, entity_type, name, coalesce(embedded_body, body) AS body, embedding::text AS embedding, embedding_model
           FROM search_documents WHERE entity_id > $1 AND status <> 'deleted' ORDER BY entity_id LIMIT $2`,
        [after, size],
      );
      if (rows.length === 0) return;
      after = rows[rows.length - 1]?.entity_id ?? after;
      yield rows.map((r) => ({
        entityId: r.entity_id,
        entityType: r.entity_type,
        name: r.name,
        body: r.body,
        embedding: r.embedding === null ? null : (JSON.parse(r.embedding) as number[]),
        model: r.embedding_model,
      }));
    }
  }

  async record(actor: Actor, model: string, results: readonly { entityId: string; drift: JsonObject; regenerated?: { body: string; vector: Vector } }[]): Promise<void> {
    await this.db.transaction(async (tx) => {
      await setActor(tx, actor);
      // drift_detector is an operational column: no amendment, and the ledger's guard allows it.
      await tx.query(
        `UPDATE entities e SET drift_detector = r.drift
           FROM jsonb_to_recordset($1::jsonb) AS r(entity_id uuid, drift jsonb) WHERE e.id = r.entity_id`,
        [json(results.map((r) => ({ entity_id: r.entityId, drift: r.drift })))],
      );
      const regenerated = results.flatMap((r) => (r.regenerated === undefined ? [] : [{ entity_id: r.entityId, body: r.regenerated.body, embedding: toVectorLiteral(r.regenerated.vector) }]));
      if (regenerated.length === 0) return;
      await tx.query('SELECT plant_store_regenerated($1::jsonb, $2)', [json(regenerated), model]);
    });
  }

  /** Opens a run. A scheduled run names its slot: if another server opened it first, null. */
  async start(trigger: QualityRun['trigger'], requestedBy: string, model: string, threshold: number, slot?: string): Promise<number | null> {
    const { rows } = await this.db.query<{ id: number }>(
      `INSERT INTO embedding_quality_runs (trigger, requested_by, model, threshold, slot) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (slot) DO NOTHING RETURNING id::int AS id`,
      [trigger, requestedBy, model, threshold, slot ?? null],
    );
    return rows[0]?.id ?? null;
  }

  async finish(id: number, state: 'done' | 'failed', report: QualityReport | { error: string }): Promise<void> {
    await this.db.query('UPDATE embedding_quality_runs SET state = $2, report = $3::jsonb, finished_at = now() WHERE id = $1', [id, state, json(report)]);
  }

  async runs(limit: number): Promise<QualityRun[]> {
    const { rows } = await this.db.query<QualityRun>(`SELECT ${RUN_COLUMNS} FROM embedding_quality_runs ORDER BY id DESC LIMIT $1`, [limit]);
    return rows;
  }

  async run(id: number): Promise<QualityRun | undefined> {
    const { rows } = await this.db.query<QualityRun>(`SELECT ${RUN_COLUMNS} FROM embedding_quality_runs WHERE id = $1`, [id]);
    return rows[0];
  }
}
