import type { FastifyInstance, FastifyRequest } from 'fastify';
import { DomainError } from '../../core/errors.ts';
import { hasAnyRole, ROLES, type Role } from '../../core/roles.ts';
import type { Actor } from '../../core/store.ts';
import type { TokenService } from './tokens.ts';

/**
 * Every route declares who may call it in `config.access`; one hook enforces it, and the
 * authorization-matrix test enumerates the same declarations.
 *  - `public`: no token (health, metrics, docs, the token endpoint).
 *  - `read`: any valid token with a role; no token at all when PUBLIC_READ=true.
 *  - a role list: a valid token holding one of them (admin always passes).
 */
export type Access = 'public' | 'read' | readonly Role[];

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: Access;
  }
  interface FastifyRequest {
    principal: Actor | null;
  }
}

export const ANONYMOUS_READER: Actor = { subject: 'anonymous', roles: ['reader'] };

const bearer = (request: FastifyRequest): string | null => {
  const header = request.headers.authorization;
  if (header === undefined) return null;
  const match = /^Bearer\s+(\S+)$/i.exec(header);
  if (match?.[1] === undefined) throw new DomainError('UNAUTHENTICATED', 'Authorization header must be "Bearer <token>"');
  return match[1];
};

export const registerAuth = (app: FastifyInstance, tokens: TokenService, publicRead: boolean): void => {
  app.decorateRequest('principal', null);
  app.addHook('onRequest', async (request) => {
    const access = request.routeOptions.config.access;
    if (access === undefined || access === 'public') return;
    const token = bearer(request);
    if (token === null) {
      if (access === 'read' && publicRead) {
        request.principal = ANONYMOUS_READER;
        return;
      }
      throw new DomainError('UNAUTHENTICATED', 'A bearer token is required');
    }
    const principal = await tokens.verify(token);
    request.principal = principal;
    const wanted = access === 'read' ? ROLES : access;
    if (!hasAnyRole(principal.roles, wanted)) {
      throw new DomainError('FORBIDDEN', `Requires one of the roles: ${wanted.join(', ')}`);
    }
  });
};

/** The authenticated actor of a guarded route. */
export const actorOf = (request: FastifyRequest): Actor => {
  if (request.principal === null) throw new DomainError('UNAUTHENTICATED', 'A bearer token is required');
  return request.principal;
};
