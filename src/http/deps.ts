import type { PublishedKey } from '../adapters/db/key-registry.ts';
import type { ServiceAccounts } from '../adapters/db/service-accounts.ts';
import type { Sql } from '../adapters/db/sql.ts';
import type { LedgerStore } from '../core/store.ts';
import type { AuditDeps } from '../core/use-cases/audit.ts';
import type { WriteDeps } from '../core/use-cases/deps.ts';
import type { TokenService } from './auth/tokens.ts';
import type { LogContext } from '../composition/context.ts';
import type { QualityRun } from '../adapters/db/embedding-quality.ts';
import type { Embedder } from '../core/embeddings/ports.ts';
import type { SearchIndex } from '../core/use-cases/search.ts';

/** Search and the embedding drift monitor, as the routes see them. */
export interface EmbeddingsApi {
  index: SearchIndex;
  embedder: Embedder;
  runs(limit: number): Promise<QualityRun[]>;
  jobCounts(): Promise<{ queued: number; dead: number }>;
  /** Runs a drift check now, on behalf of `requestedBy`, and returns the finished run. */
  runQuality(requestedBy: string): Promise<QualityRun>;
}

/** Everything the routes use, built once by composition. Routes take only what they need. */
export interface ApiDeps {
  sql: Sql;
  engine: string;
  store: LedgerStore;
  write: WriteDeps;
  audit: AuditDeps;
  listKeys: () => Promise<PublishedKey[]>;
  tokens: TokenService;
  accounts: ServiceAccounts;
  log: LogContext;
  embeddings: EmbeddingsApi;
}

export interface HttpOptions {
  logLevel: string;
  publicRead: boolean;
  corsOrigins: readonly string[];
  rateLimitPerMinute: number;
  bodyLimitBytes: number;
}
