import { Type } from 'typebox';

const Open = { additionalProperties: true } as const;

export const AuditReportSchema = Type.Object(
  {
    audited_at: Type.String({ format: 'date-time' }),
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

