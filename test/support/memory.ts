import { KeyringVerifier, NodeSigner } from '../../src/adapters/crypto/node-signer.ts';
import { MemoryLedgerStore } from '../../src/adapters/memory/ledger-store.ts';
import type { Clock, IdGenerator } from '../../src/core/ports/clock.ts';
import type { AuditDeps } from '../../src/core/use-cases/audit.ts';
import type { WriteDeps } from '../../src/core/use-cases/deps.ts';
import { testKey } from './ledger.ts';

/** A clock that starts at a fixed instant and advances one millisecond per reading. */
export const fixedClock = (start = '2026-01-01T00:00:00.000Z'): Clock => {
  let t = Date.parse(start);
  return { now: () => new Date(t++).toISOString() };
};

/** UUIDv7-shaped ids from a counter: deterministic and in creation order. */
export const fixedIds = (): IdGenerator => {
  let n = 0;
  return { next: () => `01900000-0000-7000-8000-${(++n).toString(16).padStart(12, '0')}` };
};

export interface MemoryLedger {
  store: MemoryLedgerStore;
  write: WriteDeps;
  audit: AuditDeps;
  verifier: KeyringVerifier;
}

/** The write and audit use cases over the in-memory store, with a fixed clock and fixed ids. */
export const memoryLedger = async (options: { clock?: Clock; ids?: IdGenerator } = {}): Promise<MemoryLedger> => {
  const key = await testKey('Ed25519');
  const store = new MemoryLedgerStore();
  const clock = options.clock ?? fixedClock();
  const verifier = new KeyringVerifier([key]);
  return {
    store,
    verifier,
    write: { store, ids: options.ids ?? fixedIds(), clock, signer: new NodeSigner(key), publishedKeys: new Set([key.keyId]) },
    audit: { store, verifier, clock },
  };
};
