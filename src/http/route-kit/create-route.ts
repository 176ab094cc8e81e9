import type { FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { canonicalJson, sha256Hex } from '../../core/canonical.ts';
import type { EntityRecord } from '../../core/entity.ts';
import type { Actor } from '../../core/ports/ledger.ts';
import type { WriteDeps } from '../../core/use-cases/deps.ts';
import { createOnce } from '../../core/use-cases/idempotency.ts';
import { actorOf } from '../auth/guard.ts';
import { toView } from '../schemas/entity.ts';

/** The optional header of every create route; printable ASCII, as the IETF draft's examples use. */
export const CreateHeaders = Type.Object({
  'idempotency-key': Type.Optional(
    Type.String({ minLength: 1, maxLength: 255, pattern: '^[\\x21-\\x7E]+$', description: 'Retry-safe creates: the same key and body return the first result (Idempotent-Replayed: true); another body is 409 IDEMPOTENCY_KEY_REUSED. Remembered for a day, per caller.' }),
  ),
});

/**
 * Answers a create with 201 and the entity. With an Idempotency-Key the create runs at most once
 * per caller and key; the fingerprint covers the route and the body, canonicalized (RFC 8785),
 * so a retry that serializes the same body differently is still the same request.
 */
export const answerCreate = async (
  request: FastifyRequest,
  reply: FastifyReply,
  write: WriteDeps,
  create: (deps: WriteDeps, actor: Actor) => Promise<EntityRecord>,
): Promise<FastifyReply> => {
  const actor = actorOf(request);
  const key = request.headers['idempotency-key'];
  if (typeof key !== 'string') return reply.code(201).send(toView(await create(write, actor)));
  const fingerprint = sha256Hex(canonicalJson({ route: `${request.method} ${request.routeOptions.url ?? request.url}`, body: request.body ?? null }));
  const { record, replayed } = await createOnce(write, actor, { key, fingerprint }, (deps) => create(deps, actor));
  if (replayed) void reply.header('idempotent-replayed', 'true');
  return reply.code(201).send(toView(record));
};
