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

export interface TransportOptions {
  retry: RetryOptions;
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
      let response: Response;
      try {
        response = await options.fetch(request);
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
