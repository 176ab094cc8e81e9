import { checkpointer } from '../jobs/checkpointer.ts';
import { embeddingWorker } from '../jobs/embedding-worker.ts';
import type { BackgroundJob, JobLogger } from '../jobs/job.ts';
import { genesisGate } from '../jobs/genesis-gate.ts';
import { qualitySchedule } from '../jobs/quality-schedule.ts';
import type { Deps } from './deps.ts';
import { workerOptions } from './embeddings.ts';

export { startJobs } from '../jobs/job.ts';

/** Every background loop Plant has, by name; `plant serve` and `plant worker` pick from this one list. */
export const JOBS = {
  checkpointer: (deps: Deps, logger: JobLogger): BackgroundJob => checkpointer(deps.log, deps.config.CHECKPOINT_INTERVAL, logger),
  'embedding-worker': (deps: Deps, logger: JobLogger): BackgroundJob => embeddingWorker(deps.embeddings, workerOptions(deps.config), logger),
  'quality-schedule': (deps: Deps, logger: JobLogger): BackgroundJob => qualitySchedule(deps.quality, deps.config.EMBEDDINGS_QUALITY_CRON, logger),
  'genesis-gate': (deps: Deps, logger: JobLogger): BackgroundJob => {
    if (deps.gate === null) throw new Error('genesis-gate needs GENESIS_WEBHOOK_URL');
    return genesisGate(deps.write, deps.gate, GATE_TIMING, logger);
  },
} as const satisfies Record<string, (deps: Deps, logger: JobLogger) => BackgroundJob>;

export type JobName = keyof typeof JOBS;

/** What a server runs: the checkpointer always, the embedding work unless EMBEDDINGS_WORKER=false. */
export const serverJobs = (deps: Deps): JobName[] => [
  'checkpointer',
  ...(deps.config.EMBEDDINGS_WORKER ? (['embedding-worker', 'quality-schedule'] as const) : []),
  ...(deps.gate === null ? [] : (['genesis-gate'] as const)),
];

/** How often waiting certifications are taken to the gate, and how a silent gate is backed off. */
const GATE_TIMING = { intervalMs: 1000, backoffMs: 1000, maxBackoffMs: 60_000 };

/** What `plant worker` runs: the embedding work without HTTP. */
export const WORKER_JOBS: readonly JobName[] = ['embedding-worker', 'quality-schedule'];

export const jobsNamed = (names: readonly JobName[], deps: Deps, logger: JobLogger): BackgroundJob[] => names.map((name) => JOBS[name](deps, logger));
