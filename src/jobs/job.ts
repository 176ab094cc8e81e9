/** Where background work reports; pino's and Fastify's loggers both fit. */
export interface JobLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

/**
 * A background loop. `start` begins it and returns how to stop it; stopping waits for the work in
 * progress, so shutdown never leaves a half-done round behind.
 */
export interface BackgroundJob {
  readonly name: string;
  start(): () => Promise<void>;
}

/** Starts the jobs in order; the returned function stops them all and waits for each. */
export const startJobs = (jobs: readonly BackgroundJob[]): (() => Promise<void>) => {
  const stops = jobs.map((job) => job.start());
  return async () => {
    await Promise.all(stops.map((stop) => stop()));
  };
};
