import type { Command } from 'commander';
import { ENTITY_KINDS, type EntityKind } from '../../core/entity.ts';
import { MAX_WAIT_SECONDS, readChanges, type ChangesPage } from '../../core/use-cases/changes.ts';
import type { ChangeRow } from '../../core/ports/log.ts';
import { answer, serverFor } from '../server.ts';
import { CommandFailure, print, withContext } from '../shared.ts';

interface WatchOptions {
  after?: string;
  kind?: string;
  json?: boolean;
  url?: string;
  token?: string;
  max?: string;
}

const line = (c: ChangeRow): string =>
  `#${c.leaf_index}  ${c.timestamp}  ${c.entity_type.padEnd(8)} ${c.entity_id}  v${c.version} ${c.operation.padEnd(10)} ${c.hash.slice(0, 16)}`;

const integer = (raw: string | undefined, name: string, min: number): number | undefined => {
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || !Number.isSafeInteger(n) || n < min) throw new CommandFailure(`${name} must be an integer ≥ ${min}`);
  return n;
};

/**
 * Follows the change feed until interrupted (or until --max changes): long polls, so a quiet log
 * costs one request per 30 s. Printing the leaf index with every change lets a script resume
 * with --after exactly where it stopped.
 */
const follow = async (next: (after: number | undefined) => Promise<ChangesPage>, options: WatchOptions, stopped: () => boolean): Promise<void> => {
  let after = integer(options.after, '--after', 0);
  let left = integer(options.max, '--max', 1) ?? Number.POSITIVE_INFINITY;
  while (!stopped() && left > 0) {
    const page = await next(after);
    for (const change of page.items.slice(0, left)) print(options.json === true ? JSON.stringify(change) : line(change));
    left -= page.items.length;
    if (page.next !== null) after = page.next;
  }
};

export const registerWatch = (program: Command): void => {
  program
    .command('watch')
    .description('Follow the change feed: every amendment in log order as it lands (Ctrl-C to stop)')
    .option('--after <n>', 'start after this leaf index (default: from the first leaf)')
    .option('--kind <kind>', `only changes to one kind (${ENTITY_KINDS.join(', ')})`)
    .option('--json', 'one JSON object per line')
    .option('--max <n>', 'stop after this many changes')
    .option('--url <url>', 'follow a running server instead of the database (reader token in --token or $PLANT_TOKEN)')
    .option('--token <token>', 'bearer token for --url (default: $PLANT_TOKEN)')
    .action(async (options: WatchOptions) => {
      if (options.kind !== undefined && !(ENTITY_KINDS as readonly string[]).includes(options.kind)) {
        throw new CommandFailure(`--kind must be one of ${ENTITY_KINDS.join(', ')}`);
      }
      const kind = options.kind as EntityKind | undefined;
      let stopped = false;
      const interrupted = new AbortController();
      const stop = (): void => {
        stopped = true;
        interrupted.abort();
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
      try {
        const plant = await serverFor(options, ['reader']);
        if (plant !== undefined) {
          await follow(
            async (after) => {
              const query = { limit: 1000, wait: MAX_WAIT_SECONDS, ...(after === undefined ? {} : { after }), ...(kind === undefined ? {} : { kind }) };
              try {
                return await answer(plant.api.GET('/api/v1/changes', { params: { query }, signal: interrupted.signal }));
              } catch (error) {
                // Ctrl-C during a long poll: stop quietly.
                if (stopped) return { items: [], next: null };
                throw error;
              }
            },
            options,
            () => stopped,
          );
          return;
        }
        await withContext(async (ctx) => {
          await follow((after) => readChanges(ctx, { after, limit: 1000, kind, waitMs: MAX_WAIT_SECONDS * 1000 }, () => stopped), options, () => stopped);
        });
      } finally {
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
      }
    });
};
