import type { Command } from 'commander';
import type { FastifyBaseLogger } from 'fastify';
import { pino } from 'pino';
import type { Config } from '../../composition/config.ts';
import { createEmbeddings, startEmbeddingWorker, startQualitySchedule, workerOptions, type Embeddings } from '../../composition/embeddings.ts';
import { withContext } from '../shared.ts';

type Logger = Pick<FastifyBaseLogger, 'info' | 'warn' | 'error'>;

/** The embedding job worker and the drift-check schedule; returns how to stop both. */
export const startBackgroundWork = (embeddings: Embeddings, config: Config, log: Logger): (() => Promise<void>) => {
  const worker = startEmbeddingWorker(embeddings, workerOptions(config), {
    onError: (error) => {
      log.error({ err: error }, 'embedding worker round failed');
    },
    onBatch: (result) => {
      if (result.error !== undefined) log.warn({ jobs: result.claimed, reason: result.error }, 'embedding batch failed; jobs will be retried');
    },
  });
  const stopSchedule = startQualitySchedule(embeddings, config.EMBEDDINGS_QUALITY_CRON, {
    onError: (error) => {
      log.error({ err: error }, 'scheduled embedding quality check failed');
    },
    onRun: (run) => {
      log.info({ run: run.id, report: run.report === null ? null : { checked: run.report.checked, drift: run.report.drift_detected.length } }, 'embedding quality check done');
    },
  });
  return async () => {
    await Promise.all([stopSchedule(), worker.stop()]);
  };
};

export const registerWorker = (program: Command): void => {
  program
    .command('worker')
    .description('Run the embedding job worker and the drift-check schedule without serving HTTP (stop with SIGINT/SIGTERM)')
    .action(async () => {
      await withContext(async (ctx, config) => {
        const log = pino({ level: config.LOG_LEVEL });
        const embeddings = createEmbeddings(config, ctx.db, (error) => {
          log.warn({ err: error }, 'embedding cache (Redis) unavailable: continuing without it');
        });
        const stop = startBackgroundWork(embeddings, config, log);
        log.info({ model: embeddings.embedder.model, cache: embeddings.embedder.cache.kind }, 'embedding worker started');
        await new Promise<void>((resolve) => {
          process.once('SIGINT', () => { resolve(); });
          process.once('SIGTERM', () => { resolve(); });
        });
        await stop();
        await embeddings.close();
        log.info('embedding worker stopped');
      });
    });
};
