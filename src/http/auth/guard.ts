import type { FastifyInstance, FastifyRequest } from 'fastify';
import { DomainError, TransportError } from '../../core/errors.ts';
import { hasAnyRole, ROLES, type Role } from '../../core/roles.ts';
import type { Actor } from '../../core/ports/ledger.ts';
import type { TokenService } from './tokens.ts';

/**
 * Every route declares who may call it in `config.access`; one hook enforces it, and the
 * authorization-matrix test enumerates the same declarations.
 *  - `public`: no token (health, metrics, docs, the token endpoint).
 *  - `read`: any valid token with a role; no token at all when PUBLIC_READ=true.
 *  - `verification`: what an outside verifier needs (keys, checkpoints, proofs): `public` when
 *    PUBLIC_VERIFICATION=true (the default), else `read`.
 *  - a role list: a valid token holding one of them (admin always passes).
 */
export type Access = 'public' | 'read' | 'verification' | readonly Role[];

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: Access;
  }
  interface FastifyRequest {
    principal: Actor | null;
  }
  interface FastifyInstance {
    /** Every route registered after auth, with its declared access (for the authorization tests). */
    routeAccess: RouteAccess[];
  }
}

export interface RouteAccess {
  method: string;
  url: string;
  /** As configured: a `verification` route shows here as `public` or `read`. */
  access: Exclude<Access, 'verification'>;
}

/**
 * Routes that forget to declare access are admin-only (fail closed). Swagger UI's files and CORS
 * preflights (OPTIONS, answered by the CORS plugin from the allow-list) are public.
 */
const declaredAccess = (method: string, url: string, declared: Access | undefined, publicFile: (url: string) => boolean): Access =>
  declared ?? (method === 'OPTIONS' || url === '/docs' || url.startsWith('/docs/') || publicFile(url) ? 'public' : ['admin']);

export const ANONYMOUS_READER: Actor = { subject: 'anonymous', roles: ['reader'] };

const bearer = (request: FastifyRequest): string | null => {
  const header = request.headers.authorization;
  if (header === undefined) return null;
  const match = /^Bearer\s+(\S+)$/i.exec(header);
  if (match?.[1] === undefined) throw new TransportError('UNAUTHENTICATED', 'Authorization header must be "Bearer <token>"');
  return match[1];
};

/** `publicFile`: the console's static files, which anyone may load (what they show needs a token). */
export const registerAuth = (
  app: FastifyInstance,
  tokens: TokenService,
  options: { publicRead: boolean; publicVerification: boolean; publicFile?: (url: string) => boolean },
): void => {
  const publicFile = options.publicFile ?? ((): boolean => false);
  const { publicRead } = options;
  /** What a route's declaration means under this configuration: never `verification`. */
  const accessOf = (method: string, url: string, declared: Access | undefined): Exclude<Access, 'verification'> => {
    const access = declaredAccess(method, url, declared, publicFile);
    if (access !== 'verification') return access;
    return options.publicVerification ? 'public' : 'read';
  };
  app.decorateRequest('principal', null);
  const routes: RouteAccess[] = [];
  app.decorate('routeAccess', routes);
  app.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    for (const method of methods) {
      if (method !== 'HEAD') routes.push({ method, url: route.url, access: accessOf(method, route.url, route.config?.access) });
    }
  });
  app.addHook('onRequest', async (request) => {
    const url = request.routeOptions.url;
    if (url === undefined) return; // no route matched: the not-found handler answers
    const access = accessOf(request.method, url, request.routeOptions.config.access);
    if (access === 'public') return;
    const token = bearer(request);
    if (token === null) {
      if (access === 'read' && publicRead) {
        request.principal = ANONYMOUS_READER;
        return;
      }
      throw new TransportError('UNAUTHENTICATED', 'A bearer token is required');
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
  if (request.principal === null) throw new TransportError('UNAUTHENTICATED', 'A bearer token is required');
  return request.principal;
};
