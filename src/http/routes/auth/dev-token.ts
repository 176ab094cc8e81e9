import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Type, type Static } from 'typebox';
import { DomainError } from '../../../core/errors.ts';
import { ROLES } from '../../../core/roles.ts';
import type { ApiDeps } from '../../deps.ts';
import { errorResponses } from '../../schemas/common.ts';

const Body = Type.Object(
  {
    subject: Type.String({ minLength: 1, maxLength: 100, pattern: '^[A-Za-z0-9._@ -]+$', description: 'who the token names (its sub)' }),
    roles: Type.Array(Type.Unsafe<(typeof ROLES)[number]>({ type: 'string', enum: [...ROLES] }), { minItems: 1, maxItems: ROLES.length, uniqueItems: true }),
  },
  { additionalProperties: false },
);

const TTL_SECONDS = 8 * 3600;

const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);

// The development secret is this machine's: so is the sign-in it backs.
const fromThisMachine = (request: FastifyRequest): void => {
  if (!LOOPBACK.has(request.socket.remoteAddress ?? '')) {
    throw new DomainError('FORBIDDEN', 'Development tokens are minted for callers on the server\'s own machine only');
  }
};

/**
 * The console's development sign-in, the browser's `plant token`: registered only when the server
 * signs tokens with its development secret, never with JWT_SECRET or in production.
 */
export const registerDevToken = (app: FastifyInstance, deps: Pick<ApiDeps, 'tokens'>): void => {
  app.get(
    '/api/v1/auth/dev-token',
    { config: { access: 'public' }, schema: { hide: true } },
    (request) => {
      fromThisMachine(request);
      return { roles: [...ROLES], ttl_seconds: TTL_SECONDS };
    },
  );
  app.post(
    '/api/v1/auth/dev-token',
    { config: { access: 'public' }, schema: { hide: true, body: Body, response: { 200: Type.Object({ access_token: Type.String(), expires_in: Type.Integer() }), ...errorResponses(403, 422) } } },
    async (request) => {
      fromThisMachine(request);
      const { subject, roles } = request.body as Static<typeof Body>;
      return { access_token: await deps.tokens.mint(subject, roles, TTL_SECONDS), expires_in: TTL_SECONDS };
    },
  );
};
