import { fileURLToPath } from 'node:url';
import { TokenService } from '../http/auth/tokens.ts';
import { loadConsole } from '../http/console.ts';
import type { ConsoleOidc, HttpOptions } from '../http/deps.ts';
import type { Config } from './config.ts';

/** Plant's own HS256 tokens always carry these when an external OIDC issuer is configured. */
const LOCAL_ISSUER = 'plant';
const LOCAL_AUDIENCE = 'plant-api';

export const tokenService = (config: Config, secret: string, accountActive?: (clientId: string) => Promise<boolean>): TokenService =>
  new TokenService({
    accountActive,
    secret,
    issuer: config.JWT_JWKS_URL === undefined ? config.JWT_ISSUER : LOCAL_ISSUER,
    audience: config.JWT_JWKS_URL === undefined ? config.JWT_AUDIENCE : LOCAL_AUDIENCE,
    oidc:
      config.JWT_JWKS_URL === undefined
        ? undefined
        : { jwksUrl: config.JWT_JWKS_URL, issuer: config.JWT_ISSUER, audience: config.JWT_AUDIENCE, rolesClaim: config.JWT_ROLES_CLAIM },
  });

const consoleOidc = (config: Config): ConsoleOidc | null =>
  config.CONSOLE_OIDC_CLIENT_ID === undefined || config.JWT_JWKS_URL === undefined
    ? null
    : { authority: config.JWT_ISSUER, client_id: config.CONSOLE_OIDC_CLIENT_ID, scope: config.CONSOLE_OIDC_SCOPE, roles_claim: config.JWT_ROLES_CLAIM };

export const httpOptions = (config: Config, oidc = consoleOidc(config)): HttpOptions => ({
  logLevel: config.LOG_LEVEL,
  publicRead: config.PUBLIC_READ,
  publicVerification: config.PUBLIC_VERIFICATION,
  corsOrigins: config.CORS_ORIGINS,
  rateLimitPerMinute: config.RATE_LIMIT_PER_MINUTE,
  bodyLimitBytes: config.BODY_LIMIT_BYTES,
  console: loadConsole(CONSOLE_DIR, oidc === null ? [] : [new URL(oidc.authority).origin]),
  oidc,
  // Only the data directory's development secret backs the console's development sign-in.
  devTokens: config.JWT_SECRET === undefined && config.JWT_JWKS_URL === undefined && config.NODE_ENV !== 'production',
});

/** web/dist, built by `npm run build` (src/ and dist/ sit at the same depth). */
export const CONSOLE_DIR = fileURLToPath(new URL('../../web/dist/', import.meta.url));
