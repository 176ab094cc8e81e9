import type { IdGenerator } from '../ports.ts';
import type { LedgerStore } from '../store.ts';
import type { WriterDeps } from '../writer.ts';

/** What the write use cases need; each takes only this, never a service locator. */
export interface WriteDeps extends WriterDeps {
  store: LedgerStore;
  ids: IdGenerator;
}
