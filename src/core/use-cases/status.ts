import type { DatabaseHealth } from '../ports/health.ts';
import type { KeyRegistry } from '../ports/keys.ts';
import type { LedgerStore } from '../ports/ledger.ts';

export interface StatusDeps {
  health: Pick<DatabaseHealth, 'engine' | 'migrations'>;
  store: Pick<LedgerStore, 'countByKind'>;
  keys: Pick<KeyRegistry, 'list'>;
  signingKeyId: string;
}

/** What `plant status` shows, from the database or from a server: one report, one shape. */
export const statusReport = async (deps: StatusDeps) => {
  const [migrations, counts, keys] = await Promise.all([deps.health.migrations(), deps.store.countByKind(), deps.keys.list()]);
  const current = keys.find((k) => k.keyId === deps.signingKeyId);
  return {
    database: { engine: deps.health.engine, reachable: true },
    migrations,
    counts,
    signing_key: { key_id: deps.signingKeyId, algorithm: current?.algorithm ?? null },
    published_keys: keys.map((k) => ({ key_id: k.keyId, algorithm: k.algorithm, retired_at: k.retiredAt })),
  };
};
