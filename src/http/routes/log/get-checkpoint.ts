import type { FastifyInstance } from 'fastify';
import { Type, type Static } from 'typebox';
import { servedNote } from '../../../core/checkpoint.ts';
import { DomainError } from '../../../core/errors.ts';
import { makeCheckpoint } from '../../../core/use-cases/checkpoint.ts';
import type { ApiDeps } from '../../deps.ts';
import { errorResponses } from '../../schemas/common.ts';

const Query = Type.Object({ size: Type.Optional(Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER })) }, { additionalProperties: false });

export const CheckpointSchema = Type.Object({
  origin: Type.String(),
  tree_size: Type.Integer(),
  root_hash: Type.String({ description: 'hex' }),
  note: Type.String({ description: 'C2SP tlog-checkpoint as a C2SP signed note (Ed25519), followed by the witnesses\' cosignature lines' }),
  log_key: Type.String({ description: 'C2SP note verifier key of the log' }),
  created_at: Type.String({ format: 'date-time' }),
  cosignatures: Type.Array(
    Type.Object({
      witness: Type.String({ description: 'the witness\'s key name' }),
      line: Type.String({ description: 'C2SP tlog-cosignature/v1 note signature line (also in note)' }),
    }),
    { description: 'What the witnesses in LOG_WITNESSES cosigned for this checkpoint; check them with their keys (plant verify --witness)' },
  ),
});

/** The key name of a note signature line ("— <name> <base64>"). */
const signerName = (line: string): string => line.split(' ')[1] ?? '';

export const registerGetCheckpoint = (app: FastifyInstance, deps: Pick<ApiDeps, 'log'>): void => {
  app.get(
    '/api/v1/log/checkpoint',
    {
      config: { access: 'verification', writes: true },
      schema: {
        tags: ['log'],
        summary: 'The latest signed checkpoint, or a kept one by ?size=',
        querystring: Query,
        response: { 200: CheckpointSchema, ...errorResponses(401, 403, 404, 422) },
      },
    },
    async (request) => {
      const { size } = request.query as Static<typeof Query>;
      let row = size === undefined ? await deps.log.store.latestCheckpoint() : await deps.log.store.checkpoint(size);
      if (row === undefined && size === undefined) {
        await makeCheckpoint(deps.log);
        row = await deps.log.store.latestCheckpoint();
      }
      if (row === undefined) throw new DomainError('ENTITY_NOT_FOUND', `No checkpoint of size ${String(size)} is kept`);
      return {
        origin: deps.log.origin,
        tree_size: row.tree_size,
        root_hash: row.root_hash.toString('hex'),
        note: servedNote(row),
        log_key: deps.log.vkey,
        created_at: row.created_at,
        cosignatures: row.cosignatures.map((line) => ({ witness: signerName(line), line })),
      };
    },
  );
};
