import type { ServerResponse } from 'node:http';
import type { FastifyInstance } from 'fastify';
import { Type, type Static } from 'typebox';
import { POLL_MS, readChanges } from '../../../core/use-cases/changes.ts';
import type { ApiDeps } from '../../deps.ts';
import { KindParam, LeafCursor } from '../../schemas/changes.ts';
import { errorResponses } from '../../schemas/common.ts';

const Query = Type.Object({ after: Type.Optional(LeafCursor), kind: Type.Optional(KindParam) }, { additionalProperties: false });
const HEARTBEAT_MS = 15_000;
const PAGE = 500;

/** Last-Event-ID (what an EventSource sends when it reconnects) wins over `after`. */
const resumeFrom = (header: string | string[] | undefined, after: number | undefined): number | undefined => {
  const value = Array.isArray(header) ? header[0] : header;
  return value !== undefined && /^\d{1,15}$/.test(value) ? Number(value) : after;
};

const drained = (res: ServerResponse): Promise<void> =>
  new Promise((resolve) => {
    const done = (): void => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });

export const registerStreamChanges = (app: FastifyInstance, deps: Pick<ApiDeps, 'log'>, holdLimitMs: number): void => {
  app.get(
    '/api/v1/changes/stream',
    {
      config: { access: 'read' },
      schema: {
        tags: ['changes'],
        summary: 'The change feed as Server-Sent Events: `id` is the leaf index, so a reconnect with Last-Event-ID resumes exactly (the server ends a stream after 5 minutes; EventSource reconnects by itself)',
        querystring: Query,
        response: { 200: { description: 'text/event-stream of `change` events (data: a Change) and `: keepalive` comments', type: 'string' }, ...errorResponses(401, 403, 422) },
      },
    },
    async (request, reply) => {
      const q = request.query as Static<typeof Query>;
      let after = resumeFrom(request.headers['last-event-id'], q.after);
      // Validates the cursor before the stream starts, so a bad one is a problem document.
      const first = await readChanges(deps, { after, limit: PAGE, kind: q.kind });
      reply.hijack();
      const res = reply.raw;
      res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', connection: 'keep-alive', 'x-request-id': request.id });
      // Headers go out now, not with the first event: a quiet feed would otherwise leave the client
      // waiting for the first keepalive (15 s) to learn it is connected.
      res.flushHeaders();
      const client = { open: true };
      res.once('close', () => { client.open = false; });
      let lastWrite = Date.now();
      const endsAt = Date.now() + holdLimitMs;
      for (let page = first; ; ) {
        let buffered = false;
        for (const change of page.items) buffered = !res.write(`id: ${change.leaf_index}\nevent: change\ndata: ${JSON.stringify(change)}\n\n`) || buffered;
        // A slow reader is paced by its socket: the next page waits until this one has drained.
        if (buffered && client.open) await drained(res);
        if (page.items.length > 0) lastWrite = Date.now();
        after = page.next ?? after;
        if (Date.now() - lastWrite >= HEARTBEAT_MS) {
          res.write(': keepalive\n\n');
          lastWrite = Date.now();
        }
        if (!client.open || Date.now() >= endsAt) break;
        if (page.items.length < PAGE) await new Promise((resolve) => setTimeout(resolve, POLL_MS));
        try {
          page = await readChanges(deps, { after, limit: PAGE, kind: q.kind });
        } catch (error) {
          // The database went away mid-stream: end it; the client resumes with Last-Event-ID.
          request.log.warn({ err: error, request_id: request.id }, 'change stream ended');
          break;
        }
      }
      res.end();
    },
  );
};
