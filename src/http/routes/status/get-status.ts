import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { statusReport } from '../../../core/use-cases/status.ts';
import type { ApiDeps } from '../../deps.ts';
import { errorResponses } from '../../schemas/common.ts';

const Status = Type.Object({
  database: Type.Object({ engine: Type.String(), reachable: Type.Boolean() }),
  migrations: Type.Object({ current: Type.Boolean(), applied: Type.Integer(), expected: Type.Integer() }),
  counts: Type.Record(Type.String(), Type.Integer(), { description: 'entities per kind, deleted ones included' }),
  signing_key: Type.Object({ key_id: Type.String(), algorithm: Type.Union([Type.String(), Type.Null()]) }),
  published_keys: Type.Array(Type.Object({ key_id: Type.String(), algorithm: Type.String(), retired_at: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]) })),
});

export const registerGetStatus = (app: FastifyInstance, deps: Pick<ApiDeps, 'health' | 'store' | 'keys' | 'signingKeyId'>): void => {
  app.get(
    '/api/v1/status',
    {
      config: { access: 'read' },
      schema: { tags: ['status'], summary: 'What `plant status` shows: database, migrations, entity counts per kind, signing keys', response: { 200: Status, ...errorResponses(401, 403) } },
    },
    () => statusReport({ ...deps, signingKeyId: deps.signingKeyId() }),
  );
};
