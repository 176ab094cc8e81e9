import { Type } from 'typebox';
import { ENTITY_KINDS, OPERATIONS, type EntityKind, type Operation } from '../../core/entity.ts';

const KindList = Type.Array(Type.Unsafe<EntityKind>({ type: 'string', enum: [...ENTITY_KINDS] }), {
  uniqueItems: true,
  maxItems: ENTITY_KINDS.length,
  description: 'Only changes to entities of these kinds (empty or absent: every kind)',
});
const OperationList = Type.Array(Type.Unsafe<Operation>({ type: 'string', enum: [...OPERATIONS] }), {
  uniqueItems: true,
  maxItems: OPERATIONS.length,
  description: 'Only amendments with these operations (empty or absent: every operation)',
});
const Url = Type.String({ minLength: 1, maxLength: 2048, description: 'Where events are POSTed: https, or http for hosts in WEBHOOK_ALLOW_HOSTS' });
const About = Type.String({ maxLength: 500 });

export const NewWebhook = Type.Object(
  { url: Url, kinds: Type.Optional(KindList), operations: Type.Optional(OperationList), description: Type.Optional(About) },
  { additionalProperties: false },
);

export const WebhookPatch = Type.Object(
  {
    url: Type.Optional(Url),
    kinds: Type.Optional(KindList),
    operations: Type.Optional(OperationList),
    description: Type.Optional(Type.Union([About, Type.Null()])),
    enabled: Type.Optional(Type.Boolean({ description: 'true re-enables (and clears the failure count and backoff); false pauses delivery (events keep being recorded)' })),
    rotate_secret: Type.Optional(Type.Boolean({ description: 'Issue a new signing secret, returned once in this response' })),
  },
  { additionalProperties: false, minProperties: 1 },
);

const WEBHOOK_FIELDS = {
  id: Type.String({ format: 'uuid' }),
  url: Type.String(),
  kinds: Type.Array(Type.String()),
  operations: Type.Array(Type.String()),
  description: Type.Union([Type.String(), Type.Null()]),
  enabled: Type.Boolean(),
  disabled_reason: Type.Union([Type.String(), Type.Null()]),
  created_by: Type.String(),
  created_at: Type.String({ format: 'date-time' }),
  updated_at: Type.String({ format: 'date-time' }),
  consecutive_failures: Type.Integer(),
  next_attempt_at: Type.String({ format: 'date-time', description: 'When delivery is next tried (backoff after failures)' }),
  pending: Type.Integer({ description: 'Events not yet delivered' }),
  delivered: Type.Integer(),
  dead: Type.Integer({ description: 'Dead letters: events given up on after WEBHOOK_MAX_ATTEMPTS (retry them with POST …/retry)' }),
};

export const Webhook = Type.Object(WEBHOOK_FIELDS, { $id: 'Webhook' });

const Secret = Type.String({ description: 'The Standard Webhooks secret (whsec_…), shown once' });

/** A subscription with its secret: only in the answer that issued the secret. */
export const WebhookWithSecret = Type.Object({ ...WEBHOOK_FIELDS, secret: Secret });

/** A patched subscription: with `secret` only when the patch rotated it. */
export const PatchedWebhook = Type.Object({ ...WEBHOOK_FIELDS, secret: Type.Optional(Secret) });

export const Delivery = Type.Object(
  {
    leaf_index: Type.Integer(),
    state: Type.Union([Type.Literal('pending'), Type.Literal('delivered'), Type.Literal('dead')]),
    attempts: Type.Integer(),
    last_status: Type.Union([Type.Integer(), Type.Null()], { description: 'The receiver\'s last HTTP status (null: no answer)' }),
    last_error: Type.Union([Type.String(), Type.Null()]),
    last_attempt_at: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
    delivered_at: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
    created_at: Type.String({ format: 'date-time' }),
  },
  { $id: 'WebhookDelivery' },
);
