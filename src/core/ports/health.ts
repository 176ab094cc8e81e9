/** What readiness asks of the database: does it answer, and are its migrations current. */
export interface DatabaseHealth {
  readonly engine: string;
  /** Rejects when the database does not answer. */
  migrations(): Promise<{ current: boolean; applied: number; expected: number }>;
}

/**
 * The database (or another dependency) cannot be reached right now: a server restarting, a
 * connection cut. Nothing about the request is wrong; the HTTP adapter answers 503 with
 * Retry-After, and the caller may retry once it is back.
 */
export class DependencyUnavailable extends Error {
  override name = 'DependencyUnavailable';

  constructor(
    readonly dependency: string,
    options: { cause: unknown },
  ) {
    super(`${dependency} is unavailable: ${options.cause instanceof Error ? options.cause.message : String(options.cause)}`, options);
  }
}
