import type { EntityKind } from '../entity.ts';
import { DomainError } from '../errors.ts';
import type { ChangeRow, TransparencyLog } from '../ports/log.ts';

/**
 * The change feed is the transparency log read in order: leaf i is visible only once every leaf
 * before it is (the log's append holds its lock until commit), so a consumer that keeps the last
 * index it saw never misses or reorders a change, whichever server or replica it asks.
 */
export const MAX_CHANGES_PAGE = 1000;
export const MAX_WAIT_SECONDS = 30;
/** How often a waiting reader looks again: a read by primary key, cheap enough at this rate. */
export const POLL_MS = 200;

export interface ChangesQuery {
  /** The last leaf index already seen; undefined starts at the beginning. */
  after?: number | undefined;
  limit: number;
  kind?: EntityKind | undefined;
  /** Long poll: wait up to this long for a first entry. */
  waitMs?: number | undefined;
}

export interface ChangesPage {
  items: ChangeRow[];
  /** What to pass as `after` next: the last index returned, or the same `after` when nothing came. */
  next: number | null;
}

export interface ChangesDeps {
  log: Pick<TransparencyLog, 'store'>;
  sleep?: (ms: number) => Promise<void>;
}

const sleeper = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export const readChanges = async (deps: ChangesDeps, query: ChangesQuery, aborted: () => boolean = () => false): Promise<ChangesPage> => {
  const after = query.after ?? -1;
  const size = await deps.log.store.size();
  if (after >= size && after > -1) {
    throw new DomainError('VALIDATION_ERROR', `after=${after} is beyond the end of the log (its last leaf is ${size - 1})`, {
      errors: [{ field: 'querystring/after', message: `must be below the log size (${size})` }],
    });
  }
  const sleep = deps.sleep ?? sleeper;
  const deadline = Date.now() + (query.waitMs ?? 0);
  for (;;) {
    const items = await deps.log.store.changes(after, query.limit, query.kind);
    if (items.length > 0 || Date.now() >= deadline || aborted()) {
      return { items, next: items.at(-1)?.leaf_index ?? (after === -1 ? null : after) };
    }
    await sleep(Math.min(POLL_MS, Math.max(0, deadline - Date.now())));
  }
};
