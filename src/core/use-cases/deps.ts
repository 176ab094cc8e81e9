import type { LedgerStore } from '../ports/ledger.ts';
import type { WriterDeps } from '../writer.ts';
import type { IdGenerator } from '../ports/clock.ts';
import type { CertificationPolicy } from './certification.ts';

/** What the write use cases need; each takes only this, never a service locator. */
export interface WriteDeps extends WriterDeps {
  store: LedgerStore;
  ids: IdGenerator;
  /** Four-eyes certification (quorum 1, 7-day requests when absent). */
  certification?: CertificationPolicy | undefined;
  /** An external gate judges each certification before it completes (GENESIS_WEBHOOK_URL). */
  gated?: boolean | undefined;
}
