import type { Command } from 'commander';
import { validate as isUuid } from 'uuid';
import type { Deps } from '../../composition/deps.ts';
import { workerOptions, type Embeddings } from '../../composition/embeddings.ts';
import { runQualityCheck } from '../../core/use-cases/embedding-quality.ts';
import type { Config } from '../../composition/config.ts';
import { processEmbeddingBatch } from '../../core/use-cases/embedding-worker.ts';
import { progress } from '../progress.ts';
import { CommandFailure, print, printJson, table, withContext } from '../shared.ts';

const withEmbeddings = <T,>(work: (e: Embeddings, config: Config, deps: Deps) => Promise<T>): Promise<T> =>
  withContext((deps, config) => work(deps.embeddings, config, deps));

export const registerEmbeddings = (program: Command): void => {
  const cmd = program.command('embeddings').description('The embedding pipeline: job queue, dead letters, drift check, reindex');

  cmd
    .command('status')
    .description('Documents, embedded vectors, queued and dead jobs, model and cache')
    .option('--json', 'print as JSON')
    .action(async (options: { json?: boolean }) => {
      await withEmbeddings(async (e, config) => {
        const stats = await e.queue.stats(e.embedder.model);
        const status = { provider: config.EMBEDDINGS_PROVIDER, model: e.embedder.model, cache: e.embedder.cache.kind, ...stats };
        if (options.json === true) printJson(status);
        else print(table(['FIELD', 'VALUE'], Object.entries(status).map(([k, v]) => [k, String(v)])));
      });
    });

  cmd
    .command('dead')
    .description('Jobs that failed every attempt (the dead-letter list)')
    .option('--json', 'print as JSON')
    .action(async (options: { json?: boolean }) => {
      await withEmbeddings(async (e) => {
        const dead = await e.queue.dead();
        if (options.json === true) printJson(dead);
        else if (dead.length === 0) print('No dead jobs.');
        else print(table(['ENTITY', 'KIND', 'NAME', 'ATTEMPTS', 'LAST ERROR'], dead.map((d) => [d.entity_id, d.entity_type, d.name, d.attempts, d.last_error ?? ''])));
      });
    });

  cmd
    .command('retry')
    .description('Put dead jobs back in the queue with fresh attempts')
    .argument('[entity-ids...]', 'only these entities')
    .option('--all', 'every dead job')
    .option('--json', 'print the re-queued ids as JSON')
    .action(async (ids: string[], options: { all?: boolean; json?: boolean }) => {
      if (ids.length === 0 && options.all !== true) throw new CommandFailure('name the entity ids to retry, or pass --all');
      const bad = ids.find((id) => !isUuid(id));
      if (bad !== undefined) throw new CommandFailure(`not an entity id: ${bad}`);
      await withEmbeddings(async (e) => {
        const requeued = await e.queue.retry(options.all === true ? undefined : ids);
        if (options.json === true) printJson({ requeued });
        else print(`${requeued.length} job(s) re-queued; a running worker picks them up within a second.`);
      });
    });

  cmd
    .command('quality')
    .description('Re-embed every stored text now, compare by cosine similarity, regenerate what drifted')
    .option('--json', 'print the run as JSON')
    .action(async (options: { json?: boolean }) => {
      await withEmbeddings(async (e, _config, deps) => {
        const bar = progress('Checking');
        const total = (await e.queue.stats(e.embedder.model)).documents;
        const run = await runQualityCheck(deps.quality, 'manual', 'plant-cli', { onProgress: (done) => { bar.update(done, total); } });
        bar.stop();
        if (run === null || run.report === null) throw new CommandFailure('the quality run could not be opened');
        if (options.json === true) {
          printJson(run);
          return;
        }
        const r = run.report;
        print(
          [
            `Run ${run.id} (${run.model}, threshold ${run.threshold}): ${r.checked} checked, ${r.stable_count} stable, ${r.drift_detected.length} drifted and regenerated, ${r.skipped} not embedded yet, ${r.errors.length} errors.`,
            ...r.drift_detected.map((d) => `  drift: ${d.entity_type} ${d.entity_id} (${d.name}) stability ${d.stability_score}`),
            ...r.errors.slice(0, 20).map((x) => `  error: ${x.entity_id}: ${x.error}`),
          ].join('\n'),
        );
        if (r.errors.length > 0) process.exitCode = 1;
      });
    });

  cmd
    .command('reindex')
    .description('Rebuild every search document and re-embed all of them, with a progress bar')
    .option('--json', 'print the result as JSON')
    .action(async (options: { json?: boolean }) => {
      await withEmbeddings(async (e, config) => {
        const total = await e.queue.requeueAll();
        const bar = progress('Embedding');
        const worker = workerOptions(config, { workerId: `plant-cli-reindex:${process.pid}` });
        let stored = 0;
        let lastError: string | undefined;
        for (;;) {
          const r = await processEmbeddingBatch(e.queue, e.embedder, worker);
          stored += r.stored;
          bar.update(Math.min(total, total - (await e.queue.pending())), total);
          if (r.error !== undefined) {
            lastError = r.error;
            break;
          }
          // Another worker may hold the rest; it finishes them.
          if (r.claimed === 0) break;
        }
        bar.stop();
        const left = await e.queue.pending();
        if (options.json === true) printJson({ queued: total, embedded_here: stored, still_queued: left, error: lastError ?? null });
        else print(`${total} documents queued, ${stored} embedded here, ${left} still queued${lastError === undefined ? '' : ` (stopped: ${lastError}; the worker retries them)`}.`);
        if (lastError !== undefined) process.exitCode = 1;
      });
    });
};
