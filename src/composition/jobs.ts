import { hostname } from 'node:os';
import { checkpointer } from '../jobs/checkpointer.ts';
import { embeddingWorker } from '../jobs/embedding-worker.ts';
import type { BackgroundJob, JobLogger } from '../jobs/job.ts';
import { genesisGate } from '../jobs/genesis-gate.ts';
import { qualitySchedule } from '../jobs/quality-schedule.ts';
import { webhookDelivery } from '../jobs/webhook-delivery.ts';
import type { DeliveryOptions } from '../core/use-cases/webhook-delivery.ts';
import type { Deps } from './deps.ts';
import { workerOptions } from './embeddings.ts';

export { startJobs } from '../jobs/job.ts';

/** Every background loop Plant has, by name; `plant serve` and `plant worker` pick from this one list. */
export const JOBS = {
  checkpointer: (deps: Deps, logger: JobLogger): BackgroundJob => checkpointer(deps.log, deps.config.CHECKPOINT_INTERVAL, logger, deps.witnesses),
  'embedding-worker': (deps: Deps, logger: JobLogger): BackgroundJob => embeddingWorker(deps.embeddings, workerOptions(deps.config), logger),
  'quality-schedule': (deps: Deps, logger: JobLogger): BackgroundJob => qualitySchedule(deps.quality, deps.config.EMBEDDINGS_QUALITY_CRON, logger),
  'genesis-gate': (deps: Deps, logger: JobLogger): BackgroundJob => {
    if (deps.gate === null) throw new Error('genesis-gate needs GENESIS_WEBHOOK_URL');
    return genesisGate(deps.write, deps.gate, GATE_TIMING, logger);
  },
  'webhook-delivery': (deps: Deps, logger: JobLogger): BackgroundJob =>
    webhookDelivery({ ...deps.webhooks, store: deps.store }, webhookOptions(deps.config), logger),
} as const satisfies Record<string, (deps: Deps, logger: JobLogger) => BackgroundJob>;

export type JobName = keyof typeof JOBS;

/** Each worker process leases under its own name, so its leases are told apart from every other's. */
const webhookOptions = (config: Deps['config']): DeliveryOptions => ({
  workerId: `${hostname()}:${process.pid}:${Math.random().toString(36).slice(2, 10)}`,
  subscriptions: 16,
  batch: 50,
  leaseMs: config.WEBHOOK_TIMEOUT_MS * 3,
  policy: {
    baseMs: config.WEBHOOK_RETRY_BASE_MS,
    maxMs: config.WEBHOOK_RETRY_MAX_MS,
    maxAttempts: config.WEBHOOK_MAX_ATTEMPTS,
    disableAfter: config.WEBHOOK_DISABLE_AFTER,
  },
});

/**
 * What a server runs: the checkpointer always, webhook delivery unless WEBHOOKS_WORKER=false, the
 * embedding work unless EMBEDDINGS_WORKER=false.
 */
export const serverJobs = (deps: Deps): JobName[] => [
  'checkpointer',
  ...(deps.config.WEBHOOKS_WORKER ? (['webhook-delivery'] as const) : []),
  ...(deps.config.EMBEDDINGS_WORKER ? (['embedding-worker', 'quality-schedule'] as const) : []),
  ...(deps.gate === null ? [] : (['genesis-gate'] as const)),
];

/** How often waiting certifications are taken to the gate, and how a silent gate is backed off. */
const GATE_TIMING = { intervalMs: 1000, backoffMs: 1000, maxBackoffMs: 60_000 };

/** What `plant worker` runs: the embedding work and webhook delivery, without HTTP. */
export const WORKER_JOBS: readonly JobName[] = ['embedding-worker', 'quality-schedule', 'webhook-delivery'];

export const jobsNamed = (names: readonly JobName[], deps: Deps, logger: JobLogger): BackgroundJob[] => names.map((name) => JOBS[name](deps, logger));
