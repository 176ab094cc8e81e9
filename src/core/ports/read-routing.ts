/**
 * Where reads are served when the database has streaming read replicas. A request that only reads
 * runs inside a read scope: its plain reads may go to a replica that is healthy, not lagging past
 * the configured limit, and has replayed at least the consistency token the caller sent back. Work
 * outside a scope (writes, transactions, background jobs) always goes to the primary.
 */
export interface ReadRouting {
  /** Whether any replica is configured (without one, scopes change nothing and no token is issued). */
  readonly enabled: boolean;
  /**
   * Runs `work` as a read-only request whose caller has seen the write named by `token` (a WAL
   * position from `consistencyToken`), so a replica serves it only once it has replayed that far.
   */
  readScope<T>(token: string | undefined, work: () => T): T;
  /** The primary's WAL position now: a read that carries it sees every write committed before. Null without replicas. */
  consistencyToken(): Promise<string | null>;
  /** Each replica as the router sees it, for readiness and metrics. */
  replicas(): ReplicaStatus[];
  /** Reads served so far, by where they went and why. */
  routed(): ReadonlyMap<RouteReason, number>;
}

export interface ReplicaStatus {
  /** host:port (never the credentials). */
  readonly name: string;
  /** Serves reads now: healthy and within the lag limit. */
  readonly serving: boolean;
  readonly healthy: boolean;
  /** Replication lag at the last check; null when it could not be measured (the replica is down). */
  readonly lagMs: number | null;
  /** The WAL position the replica had replayed at the last check. */
  readonly replayedLsn: string | null;
  /** Why it does not serve reads now, when it does not. */
  readonly problem: string | null;
}

/**
 * `replica`: served by a replica. `primary_*`: a read-scope read the primary served, because no
 * replica was healthy, all lagged past the limit, none had replayed the caller's token, or the
 * replica refused it (a read that turned out to write, or a replica lost mid-query).
 */
export type RouteReason = 'replica' | 'primary_unhealthy' | 'primary_lag' | 'primary_token' | 'primary_fallback';

/** A WAL position as PostgreSQL prints it: two hex numbers, "16/B374D848". */
export const CONSISTENCY_TOKEN = /^[0-9A-Fa-f]{1,8}\/[0-9A-Fa-f]{1,8}$/;

/** A WAL position as one number, so two positions compare. */
export const lsnValue = (lsn: string): bigint => {
  const [high = '0', low = '0'] = lsn.split('/');
  return (BigInt(`0x${high}`) << 32n) | BigInt(`0x${low}`);
};

/** Routing when there are no replicas: everything on the primary, no tokens. */
export const NO_REPLICAS: ReadRouting = {
  enabled: false,
  readScope: (_token, work) => work(),
  consistencyToken: () => Promise.resolve(null),
  replicas: () => [],
  routed: () => new Map(),
};
