import { Type, type Static } from 'typebox';
import type { QualityRun } from '../../core/ports/embeddings.ts';

export const QualityRunSchema = Type.Object(
  {
    id: Type.Integer(),
    trigger: Type.Union([Type.Literal('schedule'), Type.Literal('manual')]),
    requested_by: Type.String(),
    slot: Type.Union([Type.String(), Type.Null()]),
    model: Type.String(),
    threshold: Type.Number(),
    state: Type.Union([Type.Literal('running'), Type.Literal('done'), Type.Literal('failed')]),
    started_at: Type.String({ format: 'date-time' }),
    finished_at: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
    report: Type.Union([Type.Record(Type.String(), Type.Unknown()), Type.Null()], {
      description: 'total_entities, checked, stable_count, skipped, drift_detected[], regenerated[], errors[] (or error when failed)',
    }),
  },
  { $id: 'EmbeddingQualityRun' },
);

export const qualityRunView = (run: QualityRun): Static<typeof QualityRunSchema> => ({ ...run, report: run.report as Record<string, unknown> | null });
