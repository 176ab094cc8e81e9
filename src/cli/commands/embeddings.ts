import type { Command } from 'commander';
import { setTimeout as sleep } from 'node:timers/promises';
import { validate as isUuid } from 'uuid';
import type { Deps } from '../../composition/deps.ts';
import { embeddingStatus, workerOptions, type Embeddings } from '../../composition/embeddings.ts';
import { runQualityCheck } from '../../core/use-cases/embedding-quality.ts';
import type { Config } from '../../composition/config.ts';
import type { DeadJob, EmbeddingStatus, QualityRun } from '../../core/ports/embeddings.ts';
import { processEmbeddingBatch } from '../../core/use-cases/embedding-worker.ts';
import { progress } from '../progress.ts';
import { answer, serverFor, type ServerClient } from '../server.ts';
import { CommandFailure, print, printJson, table, withContext } from '../shared.ts';

const withEmbeddings = <T,>(work: (e: Embeddings, config: Config, deps: Deps) => Promise<T>): Promise<T> =>
  withContext((deps, config) => work(deps.embeddings, config, deps));

interface ServerOptions {
  json?: boolean;
  url?: string;
  token?: string;
}

const serverOptions = (command: Command): Command =>
  command
    .option('--url <url>', 'ask a running server (token in --token or $PLANT_TOKEN)')
    .option('--token <token>', 'bearer token for --url (default: $PLANT_TOKEN)');

interface Reindexed {
  queued: number;
  embedded: number;
  still_queued: number;
  error: string | null;
}

/** How long a reindex through a server waits for the queue to move before it reports what is left. */
const STALL_MS = 60_000;

/**
 * A server's workers do the embedding: the CLI queues everything, then follows the queue's counts
 * until it is empty, or until it has not moved for a minute (no worker running, or a provider down).
 */
const reindexThrough = async (server: ServerClient): Promise<Reindexed> => {
  const { queued } = await answer(server.api.POST('/api/v1/embeddings/reindex', { body: {} }));
  const bar = progress('Embedding');
  let left = queued;
  let moved = Date.now();
  while (left > 0 && Date.now() - moved < STALL_MS) {
    await sleep(250);
    const status = await answer(server.api.GET('/api/v1/embeddings/status'));
    const now = status.queued + status.in_flight;
    if (now < left) moved = Date.now();
    left = now;
    bar.update(Math.max(0, queued - left), queued);
  }
  bar.stop();
  return { queued, embedded: queued - Math.min(queued, left), still_queued: left, error: left === 0 ? null : 'the queue stopped moving: is a worker running (EMBEDDINGS_WORKER, plant worker)?' };
};

/** With the database here, the CLI embeds what it queued itself (a running worker may take a share). */
const reindexHere = async (e: Embeddings, config: Config): Promise<Reindexed> => {
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
  return { queued: total, embedded: stored, still_queued: await e.queue.pending(), error: lastError ?? null };
};

export const registerEmbeddings = (program: Command): void => {
  const cmd = program.command('embeddings').description('The embedding pipeline: job queue, dead letters, drift check, reindex');

  serverOptions(cmd.command('status').description('Documents, embedded vectors, queued and dead jobs, model and cache').option('--json', 'print as JSON')).action(
    async (options: ServerOptions) => {
      const server = await serverFor(options, ['reader']);
      const status: EmbeddingStatus =
        server === undefined ? await withEmbeddings((e, config) => embeddingStatus(e, config)) : await answer(server.api.GET('/api/v1/embeddings/status'));
      if (options.json === true) printJson(status);
      else print(table(['FIELD', 'VALUE'], Object.entries(status).map(([k, v]) => [k, String(v)])));
    },
  );

  serverOptions(cmd.command('dead').description('Jobs that failed every attempt (the dead-letter list)').option('--json', 'print as JSON')).action(
    async (options: ServerOptions) => {
      const server = await serverFor(options, ['operator']);
      const dead: DeadJob[] = server === undefined ? await withEmbeddings((e) => e.queue.dead()) : (await answer(server.api.GET('/api/v1/embeddings/dead'))).jobs;
      if (options.json === true) printJson(dead);
      else if (dead.length === 0) print('No dead jobs.');
      else print(table(['ENTITY', 'KIND', 'NAME', 'ATTEMPTS', 'LAST ERROR'], dead.map((d) => [d.entity_id, d.entity_type, d.name, d.attempts, d.last_error ?? ''])));
    },
  );

  serverOptions(
    cmd
      .command('retry')
      .description('Put dead jobs back in the queue with fresh attempts')
      .argument('[entity-ids...]', 'only these entities')
      .option('--all', 'every dead job')
      .option('--json', 'print the re-queued ids as JSON'),
  ).action(async (ids: string[], options: ServerOptions & { all?: boolean }) => {
    if (ids.length === 0 && options.all !== true) throw new CommandFailure('name the entity ids to retry, or pass --all');
    const bad = ids.find((id) => !isUuid(id));
    if (bad !== undefined) throw new CommandFailure(`not an entity id: ${bad}`);
    const all = options.all === true;
    const server = await serverFor(options, ['operator']);
    const requeued =
      server === undefined
        ? await withEmbeddings((e) => e.queue.retry(all ? undefined : ids))
        : (await answer(server.api.POST('/api/v1/embeddings/retry', { body: all ? { all: true } : { entity_ids: [...new Set(ids)] } }))).requeued;
    if (options.json === true) printJson({ requeued });
    else print(`${requeued.length} job(s) re-queued; a running worker picks them up within a second.`);
  });

  serverOptions(
    cmd.command('quality').description('Re-embed every stored text now, compare by cosine similarity, regenerate what drifted').option('--json', 'print the run as JSON'),
  ).action(async (options: ServerOptions) => {
    const server = await serverFor(options, ['auditor']);
    const run: QualityRun | null =
      server === undefined
        ? await withEmbeddings(async (e, _config, deps) => {
            const bar = progress('Checking');
            const total = (await e.queue.stats(e.embedder.model)).documents;
            const done = await runQualityCheck(deps.quality, 'manual', 'plant-cli', { onProgress: (n) => { bar.update(n, total); } });
            bar.stop();
            return done;
          })
        : ((await answer(server.api.POST('/api/v1/embeddings/quality', { body: {} }))) as QualityRun);
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

  serverOptions(
    cmd.command('reindex').description('Rebuild every search document and re-embed all of them, with a progress bar').option('--json', 'print the result as JSON'),
  ).action(async (options: ServerOptions) => {
    const server = await serverFor(options, ['admin']);
    const result = server === undefined ? await withEmbeddings(reindexHere) : await reindexThrough(server);
    if (options.json === true) printJson(result);
    else print(`${result.queued} documents queued, ${result.embedded} embedded, ${result.still_queued} still queued${result.error === null ? '' : ` (stopped: ${result.error}; the worker retries them)`}.`);
    if (result.error !== null) process.exitCode = 1;
  });
};
