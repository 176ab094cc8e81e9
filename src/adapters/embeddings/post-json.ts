import { setTimeout as sleep } from 'node:timers/promises';

export interface RetryPolicy {
  /** Per attempt, for the whole exchange (connect, send, read the body). */
  timeoutMs: number;
  /** Attempts after the first, on timeouts, network errors, 429 and 5xx only. */
  retries: number;
  /** First backoff; doubles per retry, with jitter, up to maxDelayMs. */
  baseDelayMs: number;
  maxDelayMs: number;
}

/** An embedding service failed; `retryable` says whether trying later could help. */
export class EmbeddingServiceError extends Error {
  override name = 'EmbeddingServiceError';
  constructor(
    message: string,
    readonly retryable: boolean,
  ) {
    super(message);
  }
}

const backoff = (policy: RetryPolicy, retry: number): number => {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** retry);
  return ceiling / 2 + Math.random() * (ceiling / 2);
};

const describe = (error: unknown): string => {
  const e = error as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (e.name === 'TimeoutError' || e.name === 'AbortError') return 'timed out';
  return e.cause?.code ?? e.cause?.message ?? e.message ?? String(error);
};

/**
 * POSTs JSON and returns the parsed answer, retrying what may be transient. The URL and the
 * reason appear in errors; request headers (an API key) never do.
 */
export const postJson = async (url: string, body: unknown, headers: Record<string, string>, policy: RetryPolicy): Promise<unknown> => {
  let last: EmbeddingServiceError | undefined;
  for (let attempt = 0; attempt <= policy.retries; attempt++) {
    if (attempt > 0) await sleep(backoff(policy, attempt - 1));
    try {
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json', ...headers },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(policy.timeoutMs),
      });
      const text = await res.text();
      if (res.ok) {
        try {
          return JSON.parse(text) as unknown;
        } catch {
          throw new EmbeddingServiceError(`${url} answered ${res.status} with a body that is not JSON`, false);
        }
      }
      const retryable = res.status >= 500 || res.status === 429;
      last = new EmbeddingServiceError(`${url} answered ${res.status}: ${text.slice(0, 200)}`, retryable);
      if (!retryable) throw last;
    } catch (error) {
      if (error instanceof EmbeddingServiceError) {
        if (!error.retryable) throw error;
        last = error;
      } else {
        last = new EmbeddingServiceError(`${url}: ${describe(error)}`, true);
      }
    }
  }
  throw new EmbeddingServiceError(`${last?.message ?? url} (after ${policy.retries + 1} attempts)`, true);
};
