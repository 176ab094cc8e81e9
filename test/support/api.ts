import type { FastifyInstance } from 'fastify';
import { listKeys } from '../../src/adapters/db/key-registry.ts';
import { ServiceAccounts } from '../../src/adapters/db/service-accounts.ts';
import type { Role } from '../../src/core/roles.ts';
import { buildApp } from '../../src/http/app.ts';
import { TokenService } from '../../src/http/auth/tokens.ts';
import type { ApiDeps, HttpOptions } from '../../src/http/deps.ts';
import { embeddingsApi } from '../../src/composition/embeddings.ts';
import type { TestEngine } from './engines.ts';
import { createTestLedger, type TestLedger } from './ledger.ts';

export const TEST_JWT_SECRET = 'test-secret-that-is-long-enough-0123456789';

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
};

export const createTestApi = async (engine: TestEngine, options: Partial<HttpOptions> = {}, override: Partial<ApiDeps> = {}): Promise<TestApi> => {
  const t = await createTestLedger(engine);
  const tokens = new TokenService({ secret: TEST_JWT_SECRET, issuer: 'plant', audience: 'plant-api' });
  const deps: ApiDeps = {
    sql: t.service,
    engine,
    store: t.store,
    write: t.write,
    audit: t.audit,
    listKeys: () => listKeys(t.service),
    tokens,
    accounts: new ServiceAccounts(t.service),
    log: t.log,
    embeddings: embeddingsApi(t.embeddings),
    ...override,
  };
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
