import type { FastifyInstance } from 'fastify';
import { Type, type Static } from 'typebox';
import { TransportError } from '../../../core/errors.ts';
import { TOKEN_TTL_SECONDS } from '../../auth/tokens.ts';
import type { ApiDeps } from '../../deps.ts';
import { errorResponses } from '../../schemas/common.ts';

const Body = Type.Object(
  {
    grant_type: Type.Literal('client_credentials'),
    client_id: Type.String({ minLength: 1, maxLength: 64 }),
    client_secret: Type.String({ minLength: 1, maxLength: 256 }),
  },
  { additionalProperties: false },
);

const TokenResponse = Type.Object({
  access_token: Type.String(),
  token_type: Type.Literal('Bearer'),
  expires_in: Type.Integer(),
  scope: Type.String(),
});

export const registerPostToken = (app: FastifyInstance, deps: Pick<ApiDeps, 'accounts' | 'tokens'>): void => {
  app.post(
    '/api/v1/auth/token',
    {
      config: { access: 'public' },
      schema: {
        tags: ['auth'],
        summary: 'OAuth 2.0 client-credentials grant for service accounts (JSON or form body); 30-minute tokens',
        body: Body,
        response: { 200: TokenResponse, ...errorResponses(401, 422, 429) },
      },
    },
    async (request, reply) => {
      const body = request.body as Static<typeof Body>;
      const roles = await deps.accounts.authenticate(body.client_id, body.client_secret);
      if (roles === null) throw new TransportError('UNAUTHENTICATED', 'Unknown client or wrong secret');
      const token = await deps.tokens.mint(body.client_id, roles, TOKEN_TTL_SECONDS, body.client_id);
      return reply.header('cache-control', 'no-store').send({ access_token: token, token_type: 'Bearer', expires_in: TOKEN_TTL_SECONDS, scope: roles.join(' ') });
    },
  );
};
