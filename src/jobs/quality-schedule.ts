import { Cron } from 'croner';
import { runQualityCheck, type QualityRunDeps } from '../core/use-cases/embedding-quality.ts';
import type { BackgroundJob, JobLogger } from './job.ts';

/**
 * The scheduled drift check. Every worker process keeps the schedule; the run for a given minute
 * belongs to whichever opens it first in the database (a unique slot), so it runs once.
 */
export const qualitySchedule = (deps: QualityRunDeps, pattern: string, logger: JobLogger): BackgroundJob => ({
  name: 'quality-schedule',
  start: () => {
    let running: Promise<void> | null = null;
    const job = new Cron(pattern, { timezone: 'UTC', protect: true, unref: true }, async () => {
      const slot = new Date(Math.floor(Date.now() / 60_000) * 60_000).toISOString();
      running = runQualityCheck(deps, 'schedule', 'plant:scheduler', { slot })
        .then((run) => {
          if (run === null) return;
          const report = run.report === null ? null : { checked: run.report.checked, drift: run.report.drift_detected.length };
          logger.info({ run: run.id, report }, 'embedding quality check done');
        })
        .catch((error: unknown) => {
          logger.error({ err: error }, 'scheduled embedding quality check failed');
        })
        .finally(() => {
          running = null;
        });
      await running;
    });
    // Stopping waits for a check in progress, so shutdown never leaves a run marked 'running'.
    return async () => {
      job.stop();
      if (running !== null) await running;
    };
  },
});
