import { z } from 'zod';
import { Cron } from 'croner';
import { SIGNATURE_ALGORITHMS } from '../core/amendment.ts';
import { cosignerKeyId } from '../core/witness.ts';

const validCron = (pattern: string): boolean => {
  try {
    new Cron(pattern, { paused: true, timezone: 'UTC' }).stop();
    return true;
  } catch {
    return false;
  }
};

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const optionalText = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? undefined : v));

export interface WitnessSetting {
  url: string;
  /** The witness's cosigner verifier key (C2SP note key of type 0x04). */
  vkey: string;
}

/** Why a verifier key is not an Ed25519 cosigner key (type 0x04) whose id is its own, or null. */
const cosignerKeyProblem = (vkey: string): string | null => {
  // Only the first two '+' separate: base64 itself may hold '+'.
  const first = vkey.indexOf('+');
  const second = vkey.indexOf('+', first + 1);
  const [name, id, key] = [vkey.slice(0, first), vkey.slice(first + 1, second), vkey.slice(second + 1)];
  const bytes = Buffer.from(key, 'base64');
  if (bytes.length !== 33 || bytes[0] !== 0x04) return 'not an Ed25519 cosigner key (type 0x04, as `plant witness serve` prints)';
  return cosignerKeyId(name, bytes.subarray(1)).toString('hex') === id ? null : 'its key id does not match its key';
};

/** "<url> <vkey>" entries separated by commas (vkeys hold no commas or spaces); an error message when malformed. */
const parseWitnesses = (text: string): WitnessSetting[] | string => {
  const witnesses: WitnessSetting[] = [];
  for (const entry of text.split(',').map((e) => e.trim()).filter((e) => e !== '')) {
    const [url, vkey, ...rest] = entry.split(/\s+/);
    if (url === undefined || vkey === undefined || rest.length > 0 || !/^https?:\/\/./.test(url) || !URL.canParse(url) || !/^[^+\s]+\+[0-9a-f]{8}\+[A-Za-z0-9+/=]+$/.test(vkey)) {
      return `"${entry}": each witness is "<http(s) URL> <verifier key>", entries separated by commas`;
    }
    const problem = cosignerKeyProblem(vkey);
    if (problem !== null) return `witness key ${vkey}: ${problem}`;
    if (witnesses.some((w) => w.vkey === vkey)) return `witness key ${vkey} is listed twice`;
    witnesses.push({ url, vkey });
  }
  return witnesses;
};

/** A count of seconds, minutes, hours or days (no unit: seconds). */
const DURATION = /^(\d+)(s|m|h|d)?$/;

const schema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  HOST: z.string().min(1).default('127.0.0.1'),
  PORT: z.coerce.number().int().min(0).max(65_535).default(8000),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  PLANT_DATA_DIR: z.string().min(1).default('./.plant'),
  DATABASE_URL: optionalText.pipe(z.url({ protocol: /^postgres(ql)?$/ }).optional()),
  APP_DATABASE_URL: optionalText.pipe(z.url({ protocol: /^postgres(ql)?$/ }).optional()),
  DB_APP_ROLE: z.string().regex(/^[a-z_][a-z0-9_]{0,62}$/, 'lower-case SQL identifier').default('plant_app'),
  DB_APP_PASSWORD: optionalText,
  DB_POOL_MAX: z.coerce.number().int().min(1).max(200).default(10),
  // Streaming read replicas of the primary: GET routes read from them when healthy and not lagging.
  DATABASE_REPLICA_URLS: z
    .string()
    .default('')
    .transform((v) => v.split(',').map((u) => u.trim()).filter((u) => u !== ''))
    .pipe(z.array(z.url({ protocol: /^postgres(ql)?$/ }))),
  REPLICA_MAX_LAG_MS: z.coerce.number().int().min(0).max(3_600_000).default(1000),
  REPLICA_CHECK_INTERVAL_MS: z.coerce.number().int().min(50).max(60_000).default(500),
  MIGRATE_ON_START: bool.default(true),
  PLANT_SEED: bool.default(true),
  SIGNING_ALGORITHM: z.enum(SIGNATURE_ALGORITHMS).default('RSA-PSS-SHA256'),
  SIGNING_KEY: optionalText,
  SIGNING_KEY_FILE: optionalText,
  // The public half only: what `plant migrate` (the owner) publishes, so the migration job needs no secret.
  SIGNING_PUBLIC_KEY: optionalText,
  SIGNING_PUBLIC_KEY_FILE: optionalText,
  JWT_SECRET: optionalText.pipe(z.string().min(32, 'must be at least 32 characters').optional()),
  LOG_ORIGIN: z.string().regex(/^[A-Za-z0-9.:_/-]{1,255}$/, 'a log origin such as plant.example.com/log (no spaces or +)').default('localhost/plant-log'),
  LOG_KEY: optionalText,
  LOG_KEY_FILE: optionalText,
  CHECKPOINT_INTERVAL: z.coerce.number().min(0.05).max(86_400).default(10),
  LOG_WITNESSES: z
    .string()
    .optional()
    .transform((v, ctx) => {
      const witnesses = parseWitnesses(v ?? '');
      if (typeof witnesses === 'string') {
        ctx.addIssue({ code: 'custom', message: witnesses });
        return z.NEVER;
      }
      return witnesses;
    }),
  WITNESS_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(5000),
  JWT_ISSUER: z.string().min(1).default('plant'),
  JWT_AUDIENCE: z.string().min(1).default('plant-api'),
  JWT_JWKS_URL: optionalText.pipe(z.url({ protocol: /^https?$/ }).optional()),
  JWT_ROLES_CLAIM: z.string().min(1).default('roles'),
  // The console's OpenID Connect sign-in: a public client of the JWT_JWKS_URL issuer (JWT_ISSUER).
  CONSOLE_OIDC_CLIENT_ID: optionalText,
  CONSOLE_OIDC_SCOPE: z.string().min(1).max(500).default('openid profile'),
  PUBLIC_READ: bool.default(false),
  // Public keys, checkpoints and proofs: an outside verifier needs no Plant account.
  PUBLIC_VERIFICATION: bool.default(true),
  // Where clients reach this Plant: the links inside signed agent cards and the AI Catalog.
  PUBLIC_URL: optionalText.pipe(z.url({ protocol: /^https?$/ }).optional()),
  PROVIDER_NAME: z.string().min(1).max(200).default('Plant'),
  CORS_ORIGINS: z
    .string()
    .default('')
    .transform((v) => v.split(',').map((o) => o.trim()).filter((o) => o !== ''))
    .pipe(z.array(z.url().refine((o) => o !== '*', 'no wildcard'))),
  // Distinct governance actors a certification needs; unset: 2 in production, 1 elsewhere.
  CERTIFICATION_QUORUM: z.coerce.number().int().min(1).max(10).optional(),
  CERTIFICATION_REQUEST_TTL: z.string().regex(DURATION, 'a duration such as 7d, 12h, 30m or 3600 (seconds)').default('7d'),
  // The external constitutional gate asked before each certification completes (optional).
  GENESIS_WEBHOOK_URL: z.url({ protocol: /^https?$/ }).optional(),
  GENESIS_WEBHOOK_SECRET: z.string().min(1).optional(),
  GENESIS_WEBHOOK_TIMEOUT_MS: z.coerce.number().int().min(10).max(120_000).default(5000),
  // Webhooks: hosts that may be http and internal (comma-separated), and how deliveries are retried.
  WEBHOOK_ALLOW_HOSTS: z
    .string()
    .default('')
    .transform((v) => v.split(',').map((h) => h.trim().toLowerCase().replace(/^\[|\]$/g, '')).filter((h) => h !== '')),
  WEBHOOK_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(10_000),
  WEBHOOK_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(100).default(10),
  WEBHOOK_DISABLE_AFTER: z.coerce.number().int().min(1).max(1000).default(30),
  WEBHOOK_RETRY_BASE_MS: z.coerce.number().int().min(1).max(3_600_000).default(1000),
  WEBHOOK_RETRY_MAX_MS: z.coerce.number().int().min(1).max(7 * 86_400_000).default(86_400_000),
  WEBHOOKS_WORKER: bool.default(true),
  RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).default(1200),
  BODY_LIMIT_BYTES: z.coerce.number().int().min(1024).max(50 * 1024 * 1024).default(1_048_576),
  EMBEDDINGS_PROVIDER: z.enum(['offline', 'http', 'openai']).default('offline'),
  EMBEDDINGS_MODEL: optionalText,
  ML_SERVICE_URL: z.url({ protocol: /^https?$/ }).default('http://localhost:8005'),
  EMBEDDINGS_URL: optionalText.pipe(z.url({ protocol: /^https?$/ }).optional()),
  EMBEDDINGS_API_KEY: optionalText,
  EMBEDDINGS_TIMEOUT_MS: z.coerce.number().int().min(10).max(120_000).default(2000),
  EMBEDDINGS_RETRIES: z.coerce.number().int().min(0).max(10).default(2),
  EMBEDDINGS_BATCH_SIZE: z.coerce.number().int().min(1).max(2048).default(32),
  EMBEDDINGS_CACHE_TTL_SECONDS: z.coerce.number().int().min(1).default(86_400),
  EMBEDDINGS_CACHE_ENTRIES: z.coerce.number().int().min(1).default(10_000),
  REDIS_URL: optionalText.pipe(z.url({ protocol: /^rediss?$/ }).optional()),
  EMBEDDINGS_WORKER: bool.default(true),
  EMBEDDINGS_JOB_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(100).default(10),
  EMBEDDINGS_INDEX: z.enum(['hnsw', 'ivfflat']).default('hnsw'),
  EMBEDDINGS_QUALITY_CRON: z.string().min(1).default('0 2 * * *'),
  EMBEDDINGS_STABILITY_THRESHOLD: z.coerce.number().min(0).max(1).default(0.85),
});

export type Config = Readonly<z.infer<typeof schema>>;

/** Every variable Plant reads (the README and .env.example document each one; a test checks). */
export const CONFIG_KEYS = Object.keys(schema.shape);

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/**
 * Parses the environment once. Every problem is reported together, values are never echoed
 * (some are secrets), and the result is frozen. Production refuses to start without real
 * secrets rather than falling back to development conveniences.
 */
export interface LoadOptions {
  /**
   * Whether this process will sign and serve (serve, seed, …). `plant migrate` only needs the
   * owner's DATABASE_URL, so production does not demand runtime secrets from it.
   */
  signs?: boolean;
}

export const loadConfig = (env: NodeJS.ProcessEnv = process.env, options: LoadOptions = {}): Config => {
  const signs = options.signs ?? true;
  const parsed = schema.safeParse(env);
  const problems = parsed.success
    ? []
    : parsed.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`);
  if (parsed.success) {
    const c = parsed.data;
    if (c.SIGNING_KEY !== undefined && c.SIGNING_KEY_FILE !== undefined) {
      problems.push('SIGNING_KEY and SIGNING_KEY_FILE: set only one');
    }
    if (c.JWT_JWKS_URL !== undefined && (env.JWT_ISSUER === undefined || env.JWT_AUDIENCE === undefined)) {
      problems.push('JWT_ISSUER and JWT_AUDIENCE: required with JWT_JWKS_URL (the external issuer\'s values)');
    }
    if (c.CONSOLE_OIDC_CLIENT_ID !== undefined && (c.JWT_JWKS_URL === undefined || !URL.canParse(c.JWT_ISSUER))) {
      problems.push('CONSOLE_OIDC_CLIENT_ID: needs JWT_JWKS_URL and a JWT_ISSUER that is the issuer\'s URL (its discovery document is read from there)');
    }
    if (c.EMBEDDINGS_PROVIDER === 'openai' && c.EMBEDDINGS_URL === undefined) {
      problems.push('EMBEDDINGS_URL: required with EMBEDDINGS_PROVIDER=openai (the server that answers /v1/embeddings)');
    }
    if (c.GENESIS_WEBHOOK_URL !== undefined && c.GENESIS_WEBHOOK_SECRET === undefined) {
      problems.push('GENESIS_WEBHOOK_SECRET: required with GENESIS_WEBHOOK_URL (the Standard Webhooks secret, whsec_…)');
    }
    if (c.DATABASE_REPLICA_URLS.length > 0 && c.DATABASE_URL === undefined && c.APP_DATABASE_URL === undefined) {
      problems.push('DATABASE_REPLICA_URLS: needs DATABASE_URL or APP_DATABASE_URL (replicas are of a PostgreSQL server, not the embedded database)');
    }
    if (!validCron(c.EMBEDDINGS_QUALITY_CRON)) problems.push('EMBEDDINGS_QUALITY_CRON: not a cron expression (e.g. "0 2 * * *")');
    if (c.NODE_ENV === 'production' && !signs && c.DATABASE_URL === undefined) {
      problems.push('DATABASE_URL: required in production (the embedded database is for development)');
    }
    if (c.NODE_ENV === 'production' && signs) {
      if (c.SIGNING_KEY === undefined && c.SIGNING_KEY_FILE === undefined) {
        problems.push('SIGNING_KEY or SIGNING_KEY_FILE: required in production (no key is generated there)');
      }
      if (c.JWT_SECRET === undefined) problems.push('JWT_SECRET: required in production');
      if (c.LOG_KEY === undefined && c.LOG_KEY_FILE === undefined) {
        problems.push('LOG_KEY or LOG_KEY_FILE: required in production (the Ed25519 key that signs log checkpoints)');
      }
      if (c.DATABASE_URL === undefined && c.APP_DATABASE_URL === undefined) {
        problems.push('DATABASE_URL: required in production (the embedded database is for development)');
      }
      if (c.APP_DATABASE_URL === undefined && c.DB_APP_PASSWORD === undefined) {
        problems.push('APP_DATABASE_URL or DB_APP_PASSWORD: required in production for the service role');
      }
    }
  }
  if (problems.length > 0 || !parsed.success) throw new ConfigError(problems);
  return Object.freeze(parsed.data);
};

const UNIT_MS = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** Four-eyes settings: the quorum (2 in production unless set) and how long a request stays open. */
/** PUBLIC_URL without a trailing slash; unset, the local address the server listens on. */
export const publicUrl = (config: Config): string => (config.PUBLIC_URL ?? `http://localhost:${config.PORT}`).replace(/\/+$/, '');

export const certificationPolicy = (config: Config): { quorum: number; requestTtlMs: number } => {
  const match = DURATION.exec(config.CERTIFICATION_REQUEST_TTL);
  const unit = (match?.[2] ?? 's') as keyof typeof UNIT_MS;
  return {
    quorum: config.CERTIFICATION_QUORUM ?? (config.NODE_ENV === 'production' ? 2 : 1),
    requestTtlMs: Number(match?.[1] ?? 0) * UNIT_MS[unit],
  };
};
