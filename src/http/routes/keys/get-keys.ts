import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import type { ApiDeps } from '../../deps.ts';
import { errorResponses } from '../../schemas/common.ts';

const Jwks = Type.Object({
  keys: Type.Array(Type.Record(Type.String(), Type.Unknown()), {
    description: 'Public JWKs (kid = RFC 7638 thumbprint), current and retired, so every amendment can be verified; each with created_at, retired_at and current (whether this server signs with it)',
  }),
});

export const registerGetKeys = (app: FastifyInstance, deps: Pick<ApiDeps, 'keys' | 'signingKeyId'>): void => {
  app.get(
    '/api/v1/keys',
    {
      config: { access: 'verification' },
      schema: { tags: ['keys'], summary: 'Amendment signing keys as a JWKS', response: { 200: Jwks, ...errorResponses(401, 403) } },
    },
    async () => ({
      keys: (await deps.keys.list()).map((k) => ({ ...k.jwk, created_at: k.createdAt, retired_at: k.retiredAt, current: k.keyId === deps.signingKeyId() })),
    }),
  );
};
