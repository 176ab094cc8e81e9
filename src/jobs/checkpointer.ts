import type { TransparencyLog } from '../core/ports/log.ts';
import type { WitnessClient } from '../core/ports/witness.ts';
import { makeCheckpoint } from '../core/use-cases/checkpoint.ts';
import { collectCosignatures, type WitnessOutcome } from '../core/use-cases/witnessing.ts';
import type { BackgroundJob, JobLogger } from './job.ts';

/**
 * Signs a checkpoint whenever the log has grown, at most every `intervalSeconds`, then takes the
 * latest one to the witnesses that have not cosigned it. Every server runs one; they may race, and
 * the database keeps one checkpoint per size and one cosignature per witness and size.
 */
export const checkpointer = (log: TransparencyLog, intervalSeconds: number, logger: JobLogger, witnesses: readonly WitnessClient[] = []): BackgroundJob => ({
  name: 'checkpointer',
  start: () => {
    let running: Promise<unknown> | null = null;
    // A witness that stays down is reported when it fails and when it is back, not every round.
    const failing = new Set<string>();
    const report = (outcome: WitnessOutcome): void => {
      if (!('detail' in outcome)) {
        if (failing.delete(outcome.witness)) logger.info({ witness: outcome.witness, size: outcome.size }, 'witness cosigns again');
        return;
      }
      if (failing.has(outcome.witness)) return;
      failing.add(outcome.witness);
      logger.warn({ witness: outcome.witness, outcome: outcome.outcome, size: outcome.size, detail: outcome.detail }, 'witness did not cosign the checkpoint');
    };
    const round = async (): Promise<void> => {
      await makeCheckpoint(log);
      for (const outcome of await collectCosignatures(log, witnesses)) report(outcome);
    };
    const timer = setInterval(() => {
      // A slow database or witness must not pile up rounds: skip a tick while the last one runs.
      if (running !== null) return;
      running = round()
        .catch((error: unknown) => {
          logger.error({ err: error }, 'checkpoint failed');
        })
        .finally(() => {
          running = null;
        });
    }, intervalSeconds * 1000);
    timer.unref();
    return async () => {
      clearInterval(timer);
      if (running !== null) await running;
    };
  },
});
