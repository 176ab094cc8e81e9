import { Type } from 'typebox';
import type { AuditReport } from '../../../core/use-cases/audit.ts';

const Open = { additionalProperties: true } as const;

export const AuditReportSchema = Type.Object(
  {
    audited_at: Type.String(),
    total_entities: Type.Integer(),
    compliant: Type.Integer(),
    violations: Type.Array(Type.Record(Type.String(), Type.Unknown())),
    warnings: Type.Array(Type.Record(Type.String(), Type.Unknown())),
    statistics: Type.Object({
      l0_pass: Type.Integer(),
      l1_pass: Type.Integer(),
      hash_chain_intact: Type.Integer(),
      requires_review: Type.Integer(),
    }),
    entities: Type.Array(Type.Record(Type.String(), Type.Unknown())),
  },
  { ...Open, $id: 'AuditReport', description: 'The seed report shape, with l1_pass counted and per-entity detail' },
);

/** Per-entity results without the full chain detail of intact chains (kept for broken ones). */
export const reportView = (report: AuditReport): Record<string, unknown> => ({
  ...report,
  entities: report.entities.map((e) => ({
    entity_id: e.entity_id,
    entity_type: e.entity_type,
    name: e.name,
    version: e.version,
    compliant: e.compliant,
    l0_pass: e.l0_pass,
    l1_pass: e.l1_pass,
    chain_intact: e.chain.intact,
    amendment_alignment: e.amendment_alignment,
    violations: e.violations,
    ...(e.chain.intact ? {} : { chain: e.chain }),
  })),
});
