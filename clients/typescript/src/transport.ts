/**
 * The fetch every call goes through: it adds the bearer token and retries what is safe to retry.
 * Retried: 429 and 503 answers (honouring Retry-After) and network failures, with exponential
 * backoff and full jitter. Only idempotent requests are retried: GET, HEAD, OPTIONS, PUT and
 * DELETE, and a POST or PATCH that carries an Idempotency-Key (the server then runs it at most
 * once). Any other write that failed midway may have committed, and repeating it could write twice.
 */
export interface RetryOptions {
  /** Attempts after the first (default 3). */
  retries: number;
  /** The first backoff (default 200 ms); it doubles per attempt. */
  baseMs: number;
  /** No wait is longer, Retry-After included (default 10 s). */
  maxMs: number;
}

export const DEFAULT_RETRY: RetryOptions = { retries: 3, baseMs: 200, maxMs: 10_000 };

const IDEMPOTENT = new Set(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE']);
const RETRIED_STATUS = new Set([429, 503]);

/** Retry-After as seconds or as an HTTP date; undefined when absent or unreadable. */
export const retryAfterMs = (header: string | null, now = Date.now()): number | undefined => {
  if (header === null || header.trim() === '') return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
};

/** Full jitter: a uniform wait in [0, base·2^attempt], capped. */
export const backoffMs = (attempt: number, options: RetryOptions, random: () => number = Math.random): number =>
  Math.round(random() * Math.min(options.maxMs, options.baseMs * 2 ** attempt));

/** The header a write's answer carries (the commit's WAL position) and a later read sends back. */
export const CONSISTENCY_HEADER = 'x-plant-consistency';

/** A WAL position "16/B374D848" as one number; undefined for anything else. */
const walPosition = (token: string): bigint | undefined => {
  const match = /^([0-9A-Fa-f]{1,8})\/([0-9A-Fa-f]{1,8})$/.exec(token);
  return match === null ? undefined : (BigInt(`0x${match[1] ?? '0'}`) << 32n) | BigInt(`0x${match[2] ?? '0'}`);
};

/**
 * Read-your-writes across read replicas: keeps the furthest consistency token any answer carried
 * and sends it with every later request, so a replica serves this client only once it has
 * replayed the client's own writes.
 */
export class ConsistencyTracker {
  private best: { token: string; at: bigint } | undefined;

  get token(): string | undefined {
    return this.best?.token;
  }

  observe(token: string | null): void {
    if (token === null) return;
    const at = walPosition(token);
    if (at !== undefined && (this.best === undefined || at > this.best.at)) this.best = { token, at };
  }
}

export interface TransportOptions {
  retry: RetryOptions;
  /** Read-your-writes: the token to send back, and where answers' tokens are kept. */
  consistency?: ConsistencyTracker;
  /** Resolves the bearer token for a request (undefined: no Authorization header). */
  token?: () => Promise<string | undefined>;
  fetch: typeof fetch;
  sleep: (ms: number) => Promise<void>;
}

export const transport =
  (options: TransportOptions): typeof fetch =>
  async (input, init) => {
    const original = new Request(input, init);
    const retryable = IDEMPOTENT.has(original.method.toUpperCase()) || original.headers.has('idempotency-key');
    for (let attempt = 0; ; attempt++) {
      const request = original.clone();
      const token = await options.token?.();
      if (token !== undefined) request.headers.set('authorization', `Bearer ${token}`);
      const seen = options.consistency?.token;
      if (seen !== undefined && !request.headers.has(CONSISTENCY_HEADER)) request.headers.set(CONSISTENCY_HEADER, seen);
      let response: Response;
      try {
        response = await options.fetch(request);
        options.consistency?.observe(response.headers.get(CONSISTENCY_HEADER));
      } catch (error) {
        // An abort is the caller's decision, never retried.
        if (!retryable || attempt >= options.retry.retries || original.signal.aborted) throw error;
        await options.sleep(backoffMs(attempt, options.retry));
        continue;
      }
      if (!retryable || !RETRIED_STATUS.has(response.status) || attempt >= options.retry.retries) return response;
      const hinted = retryAfterMs(response.headers.get('retry-after'));
      await response.body?.cancel().catch(() => undefined);
      await options.sleep(Math.min(options.retry.maxMs, hinted ?? backoffMs(attempt, options.retry)));
    }
  };
