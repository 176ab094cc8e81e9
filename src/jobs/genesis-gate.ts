import type { GenesisGate } from '../core/ports/gate.ts';
import type { WriteDeps } from '../core/use-cases/deps.ts';
import { askGate } from '../core/use-cases/genesis-gate.ts';
import type { BackgroundJob, JobLogger } from './job.ts';

export interface GateJobOptions {
  intervalMs: number;
  /** First retry delay after the gate gave no verdict; doubles per failure up to `maxBackoffMs`. */
  backoffMs: number;
  maxBackoffMs: number;
}

/** How long to wait before asking again after `failures` rounds without a verdict: doubling, capped. */
export const gateBackoffMs = (failures: number, options: Pick<GateJobOptions, 'backoffMs' | 'maxBackoffMs'>): number =>
  Math.min(options.backoffMs * 2 ** Math.max(failures - 1, 0), options.maxBackoffMs);

/**
 * Asks the constitutional gate about requests whose approvals are complete. What waits is in the
 * ledger itself (a signed approval marks the request), so a restart loses nothing but the backoff
 * timers; two servers may ask the same request, and the entity's row lock lets one verdict land.
 */
export const genesisGate = (write: WriteDeps, gate: GenesisGate, options: GateJobOptions, logger: JobLogger): BackgroundJob => ({
  name: 'genesis-gate',
  start: () => {
    const failures = new Map<string, { count: number; nextAt: number }>();
    const due = (id: string): boolean => (failures.get(id)?.nextAt ?? 0) <= Date.now();
    let running: Promise<unknown> | null = null;
    const round = async (): Promise<void> => {
      const result = await askGate(write, gate, due);
      for (const s of result.settled) failures.delete(s.entity_id);
      for (const u of result.unavailable) {
        const count = (failures.get(u.entity_id)?.count ?? 0) + 1;
        const delay = gateBackoffMs(count, options);
        failures.set(u.entity_id, { count, nextAt: Date.now() + delay });
        logger.warn({ entity_id: u.entity_id, attempts: count, retry_in_ms: delay }, `constitutional gate gave no verdict: ${u.error}`);
      }
    };
    const timer = setInterval(() => {
      if (running !== null) return;
      running = round()
        .catch((error: unknown) => {
          logger.error({ err: error }, 'constitutional gate round failed');
        })
        .finally(() => {
          running = null;
        });
    }, options.intervalMs);
    timer.unref();
    return async () => {
      clearInterval(timer);
      if (running !== null) await running;
    };
  },
});
