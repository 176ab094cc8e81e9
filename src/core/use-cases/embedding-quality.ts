import type { Actor } from '../ports/ledger.ts';
import { cosine, type Vector } from '../embeddings/vector.ts';
import type { QualityReport, QualityStore, FreshEmbedder, QualityRuns, QualityRun } from '../ports/embeddings.ts';
import type { Clock } from '../ports/clock.ts';

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

export interface QualityRunDeps {
  store: QualityStore;
  runs: QualityRuns;
  embedder: FreshEmbedder;
  clock: Clock;
  threshold: number;
}

/** Opens a quality run, checks every embedding, and closes the run with its report (null: the slot's run is someone else's). */
export const runQualityCheck = async (
  deps: QualityRunDeps,
  trigger: QualityRun['trigger'],
  requestedBy: string,
  options: { slot?: string; onProgress?: (done: number) => void } = {},
): Promise<QualityRun | null> => {
  const id = await deps.runs.start(trigger, requestedBy, deps.embedder.model, deps.threshold, options.slot);
  if (id === null) return null;
  try {
    const report = await checkEmbeddingQuality({ store: deps.store, embedder: deps.embedder, now: () => deps.clock.now() }, deps.threshold, options.onProgress);
    await deps.runs.finish(id, 'done', report);
  } catch (error) {
    await deps.runs.finish(id, 'failed', { error: error instanceof Error ? error.message : String(error) });
    throw error;
  }
  return (await deps.runs.run(id)) ?? null;
};
