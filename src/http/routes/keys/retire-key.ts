import type { FastifyInstance } from 'fastify';
import { Type, type Static } from 'typebox';
import { retireSigningKey } from '../../../core/use-cases/keys.ts';
import type { ApiDeps } from '../../deps.ts';
import { errorResponses } from '../../schemas/common.ts';

const Params = Type.Object({ kid: Type.String({ pattern: '^[A-Za-z0-9_-]{43}$', description: 'the key id (RFC 7638 thumbprint)' }) });

const RetiredKey = Type.Object({
  key_id: Type.String(),
  algorithm: Type.String(),
  created_at: Type.String({ format: 'date-time' }),
  retired_at: Type.String({ format: 'date-time' }),
});

export const registerRetireKey = (app: FastifyInstance, deps: Pick<ApiDeps, 'keys' | 'signingKeyId'>): void => {
  app.post(
    '/api/v1/keys/:kid/retire',
    {
      config: { access: ['admin'] },
      schema: {
        tags: ['keys'],
        summary: 'Retire a signing key: it stays published for verification, and no new amendment may be signed with it',
        params: Params,
        response: { 200: RetiredKey, ...errorResponses(401, 403, 404, 409, 422) },
      },
    },
    async (request) => {
      const { kid } = request.params as Static<typeof Params>;
      const key = await retireSigningKey({ keys: deps.keys, signingKeyId: deps.signingKeyId() }, kid);
      return { key_id: key.keyId, algorithm: key.algorithm, created_at: key.createdAt, retired_at: key.retiredAt as string };
    },
  );
};
