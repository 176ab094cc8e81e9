import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import type { ConsoleOidc } from '../../deps.ts';

export interface ConsoleSignIn {
  devTokens: boolean;
  oidc: ConsoleOidc | null;
}

const Oidc = Type.Object(
  {
    authority: Type.String({ description: 'The issuer; its /.well-known/openid-configuration is read from here' }),
    client_id: Type.String({ description: 'A public client registered for <this server>/auth/callback' }),
    scope: Type.String(),
    roles_claim: Type.String({ description: 'The access-token claim holding Plant roles (JWT_ROLES_CLAIM; dotted for nested claims)' }),
  },
  { description: 'Authorization code + PKCE against the external issuer (JWT_JWKS_URL with CONSOLE_OIDC_CLIENT_ID)' },
);

/** How a browser signs in to this server: what the console's sign-in page offers. */
export const registerConsoleSignIn = (app: FastifyInstance, signIn: ConsoleSignIn): void => {
  app.get(
    '/api/v1/auth/sign-in',
    {
      config: { access: 'public' },
      schema: {
        tags: ['auth'],
        summary: 'How the console signs in: the development sign-in (a development server only) and OpenID Connect (when configured)',
        response: { 200: Type.Object({ development: Type.Boolean({ description: 'POST /api/v1/auth/dev-token mints tokens here (loopback callers only)' }), oidc: Type.Union([Oidc, Type.Null()]) }) },
      },
    },
    () => ({ development: signIn.devTokens, oidc: signIn.oidc }),
  );
};
