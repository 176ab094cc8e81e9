import { buildApp } from './app.ts';
import { TokenService } from './auth/tokens.ts';
import type { ApiDeps } from './deps.ts';
import { NO_REPLICAS } from '../core/ports/read-routing.ts';

const unused = (): never => {
  throw new Error('not available while generating the OpenAPI document');
};

/**
 * The OpenAPI document exactly as the server publishes it at /openapi.json, built from the
 * route schemas with no database. `npm run openapi` commits it; a test regenerates and compares.
 */
export const generateOpenApi = async (): Promise<string> => {
  const deps = {
    health: { engine: 'none', migrations: unused },
    routing: NO_REPLICAS,
    tokens: new TokenService({ secret: 'x'.repeat(32), issuer: 'plant', audience: 'plant-api' }),
  } as unknown as ApiDeps;
  const app = await buildApp(deps, { logLevel: 'silent', publicRead: false, corsOrigins: [], rateLimitPerMinute: 1, bodyLimitBytes: 1024, eagerSchemas: true });
  await app.ready();
  const document = app.swagger();
  await app.close();
  return `${JSON.stringify(document, null, 2)}\n`;
};
