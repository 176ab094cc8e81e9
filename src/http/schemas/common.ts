import { Type, type Static } from 'typebox';
import { ALIGNMENTS, type Alignment } from '../../core/entity.ts';

export const Uuid = Type.String({ format: 'uuid', description: 'UUID (entities use UUIDv7)' });

export const IdParams = Type.Object({ id: Uuid }, { additionalProperties: false });
export type IdParams = Static<typeof IdParams>;

export const StatusEnum = Type.Union(
  [Type.Literal('draft'), Type.Literal('active'), Type.Literal('deprecated'), Type.Literal('archived'), Type.Literal('deleted')],
  { description: 'Lifecycle status' },
);

export const Violation = Type.Object({ code: Type.String(), message: Type.String() });
export const FieldError = Type.Object({ field: Type.String(), message: Type.String() });

/** RFC 9457 problem details with Plant's members; every non-2xx response has this shape. */
export const ProblemSchema = Type.Object(
  {
    type: Type.String(),
    title: Type.String(),
    status: Type.Integer(),
    detail: Type.String(),
    instance: Type.String(),
    error_code: Type.String(),
    request_id: Type.String(),
    timestamp: Type.String({ format: 'date-time' }),
    violations: Type.Optional(Type.Array(Violation)),
    errors: Type.Optional(Type.Array(FieldError)),
  },
  { $id: 'Problem', description: 'RFC 9457 problem details' },
);

export const problemRef = Type.Ref('Problem');

/** Standard error responses for documentation; the handler produces them all. */
export const errorResponses = (...statuses: number[]): Record<number, unknown> =>
  Object.fromEntries(statuses.map((s) => [s, problemRef]));

export const ListQueryBase = {
  status: Type.Optional(StatusEnum),
  // One `enum` rather than a union of literals, so a bad value yields one error instead of four.
  amendment_alignment: Type.Optional(Type.Unsafe<Alignment>({ type: 'string', enum: [...ALIGNMENTS], description: 'Only entities in this alignment (requires_review: what waits for a review)' })),
  certified: Type.Optional(Type.Boolean({ description: 'Only certified (true) or uncertified (false) entities' })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
  offset: Type.Optional(Type.Integer({ minimum: 0, maximum: 10_000, description: 'Bounded offset (seed-compatible); prefer cursor' })),
  cursor: Type.Optional(Type.String({ format: 'uuid', description: 'Return entities after this id (from X-Next-Cursor)' })),
};

const text = (max: number, extra: object = {}) => Type.String({ maxLength: max, ...extra });

/** Optional envelope fields every create accepts. */
export const CommonCreateFields = {
  governance_agent_id: Type.Optional(text(100, { minLength: 1, description: 'The governing authority (default "genesis")' })),
  external_id: Type.Optional(Type.Union([text(255, { minLength: 1 }), Type.Null()])),
  tags: Type.Optional(Type.Array(text(100), { maxItems: 50 })),
  custom_attributes: Type.Optional(Type.Record(Type.String({ maxLength: 100 }), Type.Unknown())),
  governance_notes: Type.Optional(Type.Union([text(10_000), Type.Null()])),
  parent_id: Type.Optional(Type.Union([Uuid, Type.Null()])),
  child_ids: Type.Optional(Type.Array(Uuid, { maxItems: 200 })),
};

export const Name = text(255, { description: 'Unique per kind among non-deleted entities (case-insensitive)' });
export const Description = text(10_000);
