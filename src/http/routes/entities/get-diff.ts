import type { FastifyInstance } from 'fastify';
import jsonPatch from 'fast-json-patch';
import { Type, type Static } from 'typebox';
import { versionsOf } from '../../../core/use-cases/point-in-time.ts';
import type { ApiDeps } from '../../deps.ts';
import { errorResponses, IdParams } from '../../schemas/common.ts';

const Version = Type.Integer({ minimum: 1, maximum: 2_147_483_647 });
const Query = Type.Object({ from: Version, to: Version }, { additionalProperties: false });

const Side = Type.Object({ version: Type.Integer(), amendment_hash: Type.String(), operation: Type.String(), timestamp: Type.String({ format: 'date-time' }) });
const Operation = Type.Object(
  {
    op: Type.String({ enum: ['add', 'remove', 'replace', 'move', 'copy', 'test'] }),
    path: Type.String(),
    from: Type.Optional(Type.String()),
    value: Type.Optional(Type.Unknown()),
  },
  { description: 'An RFC 6902 operation' },
);
const Diff = Type.Object({
  entity_id: Type.String(),
  from: Side,
  to: Side,
  patch: Type.Array(Operation, { description: 'RFC 6902 JSON Patch that turns the content at `from` into the content at `to`' }),
});

export const registerGetEntityDiff = (app: FastifyInstance, deps: Pick<ApiDeps, 'store'>): void => {
  app.get(
    '/api/v1/entities/:id/diff',
    {
      config: { access: 'read' },
      schema: {
        tags: ['entities'],
        summary: 'The content change between two versions as an RFC 6902 JSON Patch, with both amendment hashes',
        params: IdParams,
        querystring: Query,
        response: { 200: Diff, ...errorResponses(401, 403, 404, 422) },
      },
    },
    async (request) => {
      const { id } = request.params as IdParams;
      const { from, to } = request.query as Static<typeof Query>;
      const pair = await versionsOf(deps, id, from, to);
      const side = (a: typeof pair.from): Static<typeof Side> => ({ version: a.payload.version, amendment_hash: a.hash, operation: a.payload.operation, timestamp: a.payload.timestamp });
      // The signed contents, compared as the plain JSON they were hashed as.
      const patch = jsonPatch.compare(pair.from.payload.content as object, pair.to.payload.content as object);
      return { entity_id: id, from: side(pair.from), to: side(pair.to), patch };
    },
  );
};
