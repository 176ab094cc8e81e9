import type { FastifyInstance } from 'fastify';
import { Counter, Gauge, type Registry } from 'prom-client';
import { TransportError } from '../core/errors.ts';
import { CONSISTENCY_TOKEN, type ReadRouting, type RouteReason } from '../core/ports/read-routing.ts';

declare module 'fastify' {
  interface FastifyContextConfig {
    /**
     * A GET route that may write (it signs a checkpoint when none covers the log yet): its reads
     * stay on the primary, so what it signs is the primary's log.
     */
    writes?: boolean;
  }
}

export const CONSISTENCY_HEADER = 'x-plant-consistency';

const READS = new Set(['GET', 'HEAD']);

/**
 * Read replicas at the HTTP edge: a GET runs its reads in a read scope with the consistency token
 * the caller sent back, and a successful write answers with a token naming its commit, so the
 * caller's next read sees it wherever it is served. Without replicas nothing changes.
 */
export const registerReadRouting = (app: FastifyInstance, routing: ReadRouting, registry: Registry): void => {
  if (!routing.enabled) return;
  app.addHook('onRequest', (request, _reply, done) => {
    const sent = request.headers[CONSISTENCY_HEADER];
    if (sent !== undefined && (typeof sent !== 'string' || !CONSISTENCY_TOKEN.test(sent))) {
      done(new TransportError('MALFORMED_REQUEST', `${CONSISTENCY_HEADER} must be a token from an earlier response, such as "0/16B3748"`));
      return;
    }
    if (!READS.has(request.method) || request.routeOptions.config.writes === true) {
      done();
      return;
    }
    // Everything after this hook (the handler included) runs inside the scope.
    routing.readScope(sent, done);
  });
  app.addHook('onSend', async (request, reply, payload) => {
    // Reads and CORS preflights wrote nothing: no token to fetch.
    if (READS.has(request.method) || request.method === 'OPTIONS' || reply.statusCode >= 400) return payload;
    const token = await routing.consistencyToken().catch((error: unknown) => {
      request.log.warn({ err: error }, 'no consistency token: the primary did not answer');
      return null;
    });
    if (token !== null) void reply.header(CONSISTENCY_HEADER, token);
    return payload;
  });

  new Gauge({
    name: 'plant_replica_lag_seconds',
    help: 'Replication lag of each read replica at its last check (-1: down)',
    labelNames: ['replica'],
    registers: [registry],
    collect() {
      for (const r of routing.replicas()) this.set({ replica: r.name }, r.lagMs === null ? -1 : r.lagMs / 1000);
    },
  });
  new Gauge({
    name: 'plant_replica_serving',
    help: 'Whether each read replica serves reads now (healthy and within REPLICA_MAX_LAG_MS)',
    labelNames: ['replica'],
    registers: [registry],
    collect() {
      for (const r of routing.replicas()) this.set({ replica: r.name }, r.serving ? 1 : 0);
    },
  });
  // The router counts; the counter catches up with it when scraped.
  const seen = new Map<RouteReason, number>();
  new Counter({
    name: 'plant_read_routing_total',
    help: 'Reads of GET routes, by where they were served and why (replica, or primary_* when a replica could not serve)',
    labelNames: ['route'],
    registers: [registry],
    collect() {
      for (const [reason, n] of routing.routed()) {
        const delta = n - (seen.get(reason) ?? 0);
        if (delta > 0) this.inc({ route: reason }, delta);
        seen.set(reason, n);
      }
    },
  });
};
