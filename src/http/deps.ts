import type { FastifyRateLimitStoreCtor } from '@fastify/rate-limit';
import type { ConsoleBuild } from './console.ts';
import type { ServiceAccountStore } from '../core/ports/accounts.ts';
import type { Embedder, EmbeddingJobs, EmbeddingStatus, QualityRun, SearchIndex } from '../core/ports/embeddings.ts';
import type { DatabaseHealth } from '../core/ports/health.ts';
import type { ReadRouting } from '../core/ports/read-routing.ts';
import type { KeyRegistry, KeyRotation } from '../core/ports/keys.ts';
import type { LedgerStore } from '../core/ports/ledger.ts';
import type { TransparencyLog } from '../core/ports/log.ts';
import type { AuditDeps } from '../core/use-cases/audit.ts';
import type { WriteDeps } from '../core/use-cases/deps.ts';
import type { WebhookAdminDeps } from '../core/use-cases/webhooks.ts';
import type { SeedReport } from '../core/use-cases/seed-catalog.ts';
import type { CardDeps } from '../core/use-cases/agent-cards.ts';
import type { TokenService } from './auth/tokens.ts';

/** Search and the embedding drift monitor, as the routes see them. */
export interface EmbeddingsApi {
  index: SearchIndex;
  embedder: Embedder;
  runs(limit: number): Promise<QualityRun[]>;
  jobCounts(): Promise<{ queued: number; dead: number }>;
  /** What `plant embeddings status` shows: provider, model, cache and the queue's counts. */
  status(): Promise<EmbeddingStatus>;
  jobs: Pick<EmbeddingJobs, 'dead' | 'retry' | 'requeueAll'>;
  /** Runs a drift check now, on behalf of `requestedBy`, and returns the finished run. */
  runQuality(requestedBy: string): Promise<QualityRun>;
}

/** Everything the routes use, as ports, built once by the composition root. Routes take only what they need. */
export interface ApiDeps {
  health: DatabaseHealth;
  /** Read replicas: GET routes read inside a read scope; writes answer with a consistency token. */
  routing: ReadRouting;
  store: LedgerStore;
  write: WriteDeps;
  audit: AuditDeps;
  keys: Pick<KeyRegistry, 'list' | 'retire'>;
  /** The key this server signs amendments with now (it may not retire it; a rotation changes it). */
  signingKeyId(): string;
  /** Development keys only (KEY_CONFIGURED otherwise): the next amendment is signed with a new key. */
  rotateSigningKey(): Promise<KeyRotation>;
  tokens: TokenService;
  accounts: ServiceAccountStore;
  log: TransparencyLog;
  webhooks: WebhookAdminDeps;
  cards: CardDeps;
  embeddings: EmbeddingsApi;
  /** Loads the demo catalog (`plant seed`). */
  seedDemoCatalog(): Promise<SeedReport>;
}

export interface HttpOptions {
  logLevel: string;
  publicRead: boolean;
  /** Keys, checkpoints and proofs without a token (PUBLIC_VERIFICATION); default on. */
  publicVerification?: boolean | undefined;
  corsOrigins: readonly string[];
  rateLimitPerMinute: number;
  /** Where rate-limit counts live when they are shared across processes (Redis); this process's memory otherwise. */
  rateLimitStore?: FastifyRateLimitStoreCtor | undefined;
  bodyLimitBytes: number;
  /** Compile every validator and response serializer at start-up (the OpenAPI generation does); by default each on first use. */
  eagerSchemas?: boolean | undefined;
  /**
   * The longest a request is held open: a long poll answers by then, a change stream ends then
   * (its client resumes with Last-Event-ID). Default 5 minutes.
   */
  holdLimitMs?: number | undefined;
  /** The built web console, served at / (null: not built, the API alone). */
  console?: ConsoleBuild | null | undefined;
  /**
   * The development sign-in: mint tokens from the development secret, for callers on this
   * machine only. Never with JWT_SECRET or in production (composition decides).
   */
  devTokens?: boolean | undefined;
  /** OpenID Connect sign-in for the console (JWT_JWKS_URL with CONSOLE_OIDC_CLIENT_ID), or null. */
  oidc?: ConsoleOidc | null | undefined;
}

/** What the console needs to run authorization code + PKCE against the external issuer. */
export interface ConsoleOidc {
  /** The issuer's URL: its /.well-known/openid-configuration is read from here. */
  authority: string;
  /** A public client (no secret) registered with the issuer for the console's redirect URI. */
  client_id: string;
  scope: string;
  /** Where the access token keeps its roles (JWT_ROLES_CLAIM), so the console can show them. */
  roles_claim: string;
}

export const DEFAULT_HOLD_LIMIT_MS = 300_000;
