import Fastify, { type FastifyInstance } from 'fastify';
import { addCheckpoint, cosignerVerifierKey, type WitnessDeps } from '../core/witness.ts';

/** A request is one size line, at most 63 hashes and a checkpoint: a few kilobytes at most. */
const BODY_LIMIT = 64 * 1024;

/**
 * The witness's HTTP interface: C2SP tlog-witness `POST /add-checkpoint` (plain-text bodies and
 * the status codes of that spec, not Plant's problem documents, since any log may call it), and
 * `GET /` describing the witness and what it last cosigned for each log.
 */
export const buildWitnessApp = (deps: WitnessDeps, logLevel: string, logStream?: NodeJS.WritableStream): FastifyInstance => {
  const app = Fastify({ logger: { level: logLevel, ...(logStream === undefined ? {} : { stream: logStream }) }, bodyLimit: BODY_LIMIT });
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string' }, (_request, body, done) => {
    done(null, body);
  });
  const vkey = cosignerVerifierKey(deps.signer);

  app.post('/add-checkpoint', async (request, reply) => {
    if (typeof request.body !== 'string') return reply.code(400).type('text/plain; charset=utf-8').send('the body must be text\n');
    const result = await addCheckpoint(deps, request.body);
    if (result.ok) {
      request.log.info({ origin: result.origin, size: result.size }, 'cosigned');
      return reply.type('text/plain; charset=utf-8').send(`${result.cosignature}\n`);
    }
    request.log.warn({ origin: result.origin, status: result.status, detail: result.detail }, 'checkpoint refused');
    if (result.status === 409) return reply.code(409).type('text/x.tlog.size').send(`${String(result.size)}\n`);
    return reply.code(result.status).type('text/plain; charset=utf-8').send(`${result.detail}\n`);
  });

  app.get('/', async () => {
    const logs = await Promise.all(
      [...deps.logs.keys()].map(async (origin) => {
        const record = await deps.state.get(origin);
        return { origin, size: record?.size ?? 0, root_hash: record === undefined ? null : record.root.toString('base64') };
      }),
    );
    return { name: deps.signer.name, vkey, logs };
  });
  return app;
};
