import type { Command } from 'commander';
import { pino } from 'pino';
import { loadConfig } from '../../composition/config.ts';
import { jobsNamed, startJobs, WORKER_JOBS } from '../../composition/jobs.ts';
import { withContext } from '../shared.ts';

export const registerWorker = (program: Command): void => {
  program
    .command('worker')
    .description('Run the embedding job worker, the drift-check schedule and webhook delivery without serving HTTP (stop with SIGINT/SIGTERM)')
    .action(async () => {
      const log = pino({ level: loadConfig().LOG_LEVEL });
      const onCacheError = (error: unknown): void => {
        log.warn({ err: error }, 'embedding cache (Redis) unavailable: continuing without it');
      };
      await withContext(async (deps) => {
        const stop = startJobs(jobsNamed(WORKER_JOBS, deps, log));
        log.info({ model: deps.embeddings.embedder.model, cache: deps.embeddings.embedder.cache.kind }, 'worker started (embeddings, drift checks, webhooks)');
        await new Promise<void>((resolve) => {
          process.once('SIGINT', () => { resolve(); });
          process.once('SIGTERM', () => { resolve(); });
        });
        await stop();
        log.info('worker stopped');
      }, { onCacheError });
    });
};
