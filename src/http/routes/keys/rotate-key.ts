import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import type { ApiDeps } from '../../deps.ts';
import { errorResponses } from '../../schemas/common.ts';
import { optionalBody } from '../../validation.ts';

const Rotation = Type.Object({
  retired: Type.Union([Type.String(), Type.Null()], { description: 'the key that signed until now (still published, so what it signed verifies)' }),
  current: Type.String({ description: 'the key that signs from the next amendment on' }),
  algorithm: Type.String(),
});

export const registerRotateKey = (app: FastifyInstance, deps: Pick<ApiDeps, 'rotateSigningKey'>): void => {
  app.post(
    '/api/v1/keys/rotate',
    {
      config: { access: ['admin'] },
      schema: {
        tags: ['keys'],
        summary: 'Development keys: sign with a new key from now on and retire the old one (kept published); no restart',
        description: 'A key from SIGNING_KEY or SIGNING_KEY_FILE is the operator\'s to replace: 409 KEY_CONFIGURED.',
        body: optionalBody(Type.Object({}, { additionalProperties: false })),
        response: { 200: Rotation, ...errorResponses(401, 403, 409, 422) },
      },
    },
    () => deps.rotateSigningKey(),
  );
};
