import type { Actor } from '../store.ts';
import type { JsonObject } from '../entity.ts';
import { cosine, type Vector } from '../embeddings/vector.ts';

export interface StoredEmbedding {
  entityId: string;
  entityType: string;
  name: string;
  body: string;
  embedding: Vector | null;
  model: string | null;
}

export interface QualityReport {
  total_entities: number;
  checked: number;
  stable_count: number;
  /** Not embedded yet, or embedded by another model (their jobs re-embed them anyway). */
  skipped: number;
  drift_detected: { entity_id: string; entity_type: string; name: string; stability_score: number; threshold: number }[];
  regenerated: string[];
  errors: { entity_id: string; error: string }[];
}

export interface QualityStore {
  /** Every document in pages of `size`, in a stable order. */
  pages(size: number): AsyncIterable<StoredEmbedding[]>;
  /** Records each result in the entity's drift_detector and stores the regenerated vectors. */
  record(actor: Actor, model: string, results: readonly { entityId: string; drift: JsonObject; regenerated?: { body: string; vector: Vector } }[]): Promise<void>;
}

export interface FreshEmbedder {
  readonly model: string;
  /** A new answer from the provider, never from the cache. */
  embedFresh(texts: readonly string[]): Promise<Vector[]>;
}

export const QUALITY_ACTOR: Actor = { subject: 'plant:embedding-quality', roles: ['auditor'] };

/**
 * The drift monitor: re-embeds every stored text and compares with the stored vector. At or
 * above the threshold it is stable; below, the stored vector is replaced. Either way the entity's
 * drift_detector records the check. Errors are per entity and never stop the run.
 */
export const checkEmbeddingQuality = async (
  deps: { store: QualityStore; embedder: FreshEmbedder; now: () => string },
  threshold: number,
  onProgress?: (done: number) => void,
): Promise<QualityReport> => {
  const report: QualityReport = { total_entities: 0, checked: 0, stable_count: 0, skipped: 0, drift_detected: [], regenerated: [], errors: [] };
  for await (const page of deps.store.pages(64)) {
    report.total_entities += page.length;
    const usable = page.filter((d) => d.embedding !== null && d.model === deps.embedder.model);
    report.skipped += page.length - usable.length;
    if (usable.length === 0) continue;
    let fresh: Vector[];
    try {
      fresh = await deps.embedder.embedFresh(usable.map((d) => d.body));
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      report.errors.push(...usable.map((d) => ({ entity_id: d.entityId, error: message })));
      continue;
    }
    const at = deps.now();
    const results = usable.map((d, i) => {
      const vector = fresh[i] as Vector;
      const score = Math.round(cosine(d.embedding ?? [], vector) * 1e6) / 1e6;
      report.checked++;
      const base = { last_checked_at: at, stability_score: score, threshold, model: deps.embedder.model };
      if (score >= threshold) {
        report.stable_count++;
        return { entityId: d.entityId, drift: { ...base, drifted: false } };
      }
      report.drift_detected.push({ entity_id: d.entityId, entity_type: d.entityType, name: d.name, stability_score: score, threshold });
      report.regenerated.push(d.entityId);
      return {
        entityId: d.entityId,
        drift: { ...base, drifted: true, auto_regenerated: true, last_regenerated: at },
        regenerated: { body: d.body, vector },
      };
    });
    await deps.store.record(QUALITY_ACTOR, deps.embedder.model, results);
    onProgress?.(report.total_entities);
  }
  return report;
};
