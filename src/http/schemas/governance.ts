import { Type } from 'typebox';
import { ALIGNMENTS } from '../../core/entity.ts';
import { DECISION_OPERATIONS, MAX_PRECEDENTS } from '../../core/governance.ts';

/** Earlier decisions a decision follows, by amendment hash; each must exist. */
export const Precedents = Type.Optional(
  Type.Array(Type.String({ pattern: '^[0-9a-f]{64}$' }), { maxItems: MAX_PRECEDENTS, description: 'Amendment hashes of earlier decisions this one follows' }),
);

export const DecisionSchema = Type.Object({
  amendment_hash: Type.String(),
  entity_id: Type.String(),
  entity_type: Type.String(),
  version: Type.Integer(),
  operation: Type.Union(DECISION_OPERATIONS.map((o) => Type.Literal(o))),
  actor: Type.String(),
  reason: Type.Union([Type.String(), Type.Null()]),
  at: Type.String(),
  precedents: Type.Array(Type.String()),
  links: Type.Object({ entity: Type.String(), history: Type.String() }),
});

export const DecisionPageSchema = Type.Object({ decisions: Type.Array(DecisionSchema), next_cursor: Type.Union([Type.String(), Type.Null()]) });

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);

export const FlagCauseSchema = Type.Object(
  {
    operation: Type.String(),
    version: Type.Integer(),
    actor: Type.String(),
    reason: Nullable(Type.String()),
    at: Type.String(),
    amendment_hash: Type.String({ description: 'Cite it as a precedent, or find it in the history' }),
  },
  { description: 'The amendment that raised the flag' },
);

export const QueueRequestSchema = Type.Object(
  {
    opened_at: Type.String({ format: 'date-time' }),
    expires_at: Type.String({ format: 'date-time' }),
    approvals: Type.Array(Type.Object({ actor: Type.String(), at: Type.String(), reason: Nullable(Type.String()) })),
    quorum: Type.Integer({ description: 'Distinct governance approvals the certification needs' }),
    expired: Type.Boolean({ description: 'Past expires_at: these approvals no longer count' }),
    waiting_for_gate_since: Type.Optional(Type.Union([Type.String(), Type.Null()], { description: 'Approvals complete; waiting for the constitutional gate (GENESIS_WEBHOOK_URL) since then' })),
  },
  { description: 'An open certification request and its approvals so far' },
);

export const QueueItemSchema = Type.Object({
  type: Type.Union([Type.Literal('certification_request'), Type.Literal('review'), Type.Literal('embedding_drift')]),
  entity_id: Type.String(),
  entity_type: Type.String(),
  name: Type.String(),
  status: Type.String(),
  version: Type.Integer(),
  certified: Type.Boolean(),
  amendment_alignment: Type.Union(ALIGNMENTS.map((a) => Type.Literal(a))),
  waiting_since: Type.String(),
  cause: Nullable(FlagCauseSchema),
  drift: Nullable(Type.Record(Type.String(), Type.Unknown())),
  request: Nullable(QueueRequestSchema),
});

export const QueuePageSchema = Type.Object({
  items: Type.Array(QueueItemSchema),
  next_cursor: Nullable(Type.String()),
});
