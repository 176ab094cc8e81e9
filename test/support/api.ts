import type { FastifyInstance } from 'fastify';
import type { Role } from '../../src/core/roles.ts';
import { buildApp } from '../../src/http/app.ts';
import type { TokenService } from '../../src/http/auth/tokens.ts';
import type { ApiDeps, HttpOptions } from '../../src/http/deps.ts';
import type { DepsInput } from '../../src/composition/deps.ts';
import type { TestEngine } from './engines.ts';
import { createTestLedger, type TestLedger } from './ledger.ts';

export { TEST_JWT_SECRET } from './ledger.ts';

export interface TestApi {
  t: TestLedger;
  app: FastifyInstance;
  deps: ApiDeps;
  tokens: TokenService;
  /** A bearer header for a token with these roles. */
  auth(roles: Role[], subject?: string): Promise<{ authorization: string }>;
  close(): Promise<void>;
}

export const DEFAULT_HTTP: HttpOptions = {
  logLevel: 'silent',
  publicRead: false,
  corsOrigins: ['https://portal.example.com'],
  rateLimitPerMinute: 1_000_000,
  bodyLimitBytes: 1_048_576,
  // Route walkers (authorization, fuzz) call the long poll and the stream too: they answer quickly here.
  holdLimitMs: 300,
};

export const createTestApi = async (
  engine: TestEngine,
  options: Partial<HttpOptions> = {},
  override: Partial<ApiDeps> = {},
  ledger: Partial<DepsInput> = {},
): Promise<TestApi> => {
  const t = await createTestLedger(engine, 'Ed25519', ledger);
  const tokens = t.deps.tokens;
  const deps: ApiDeps = { ...t.deps.api, ...override };
  const app = await buildApp(deps, { ...DEFAULT_HTTP, ...options });
  await app.ready();
  return {
    t,
    app,
    deps,
    tokens,
    auth: async (roles, subject) => ({ authorization: `Bearer ${await tokens.mint(subject ?? `user-${roles.join('-') || 'none'}`, roles)}` }),
    close: async () => {
      await app.close();
      await t.close();
    },
  };
};
