import type { FastifyInstance } from 'fastify';
import type { DatabaseHealth } from '../../../core/ports/health.ts';
import type { ReadRouting } from '../../../core/ports/read-routing.ts';

/** Each read replica and whether it serves reads now; a replica down is not unreadiness (the primary answers). */
const replicasOf = (routing: ReadRouting): { replicas?: unknown[] } =>
  routing.enabled
    ? { replicas: routing.replicas().map((r) => ({ name: r.name, serving: r.serving, lag_ms: r.lagMs, replayed_lsn: r.replayedLsn, problem: r.problem })) }
    : {};

/** Readiness: 200 only when the database answers and every committed migration is applied. */
export const registerGetReady = (app: FastifyInstance, deps: { health: DatabaseHealth; routing: ReadRouting }): void => {
  app.get('/health/ready', { config: { access: 'public' }, schema: { tags: ['health'], summary: 'Readiness: database reachable and migrations current (else 503)' } }, async (_request, reply) => {
    try {
      const status = await deps.health.migrations();
      const body = {
        status: status.current ? 'ready' : 'not_ready',
        database: 'reachable',
        engine: deps.health.engine,
        migrations: { applied: status.applied, expected: status.expected, current: status.current },
        ...replicasOf(deps.routing),
      };
      return await reply.code(status.current ? 200 : 503).send(body);
    } catch (error) {
      app.log.warn({ err: error }, 'readiness check failed');
      return reply.code(503).send({ status: 'not_ready', database: 'unreachable', engine: deps.health.engine, ...replicasOf(deps.routing) });
    }
  });
};
