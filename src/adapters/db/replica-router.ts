import { AsyncLocalStorage } from 'node:async_hooks';
import { DependencyUnavailable } from '../../core/ports/health.ts';
import { lsnValue, NO_REPLICAS, type ReadRouting, type ReplicaStatus, type RouteReason } from '../../core/ports/read-routing.ts';
import { sqlError, type Sql, type SqlPool, type SqlResult, type SqlSession } from './sql.ts';

export interface ReplicaPool {
  /** host:port, for logs, readiness and metrics. */
  name: string;
  pool: SqlPool;
}

export interface RouterOptions {
  /** A replica further behind than this serves nothing until it catches up. */
  maxLagMs: number;
  /** How often each replica's health and lag are measured. */
  checkIntervalMs: number;
  /** A replica started or stopped serving reads (with why). */
  onChange?: ((replica: ReplicaStatus) => void) | undefined;
}

interface Replica extends ReplicaPool {
  healthy: boolean;
  lagMs: number | null;
  replayed: bigint | null;
  replayedText: string | null;
  problem: string | null;
}

/** One request's reads: the token it carried, and where they go (decided at the first read). */
interface Scope {
  readonly token: bigint | undefined;
  target?: Replica | null;
  reason?: RouteReason;
  decidedAt?: number;
}

// A hot standby refuses a write (25006) and may cancel a query that conflicts with replay (40001):
// either way the primary can answer instead.
const PRIMARY_CAN_ANSWER = new Set(['25006', '40001']);

const PROBE = 'SELECT pg_is_in_recovery() AS recovery, pg_last_wal_replay_lsn()::text AS replayed';

/** The primary's WAL position at one check, and when it was seen. */
interface Sample {
  readonly lsn: bigint;
  readonly at: number;
}

const MAX_SAMPLES = 1000;

/**
 * The database as the service sees it when it has streaming read replicas: a `SqlPool` whose
 * transactions, sessions and scripts run on the primary, and whose plain reads run on a replica
 * only inside a read scope (an HTTP GET) and only when that replica is healthy, within the lag
 * limit and past the caller's consistency token. A replica that fails a read is taken out of
 * service and the primary answers the read, so a replica never costs a request.
 */
export class ReplicaRouter implements SqlPool, ReadRouting {
  readonly engine = 'postgres' as const;
  readonly enabled = true;
  private readonly scopes = new AsyncLocalStorage<Scope>();
  private readonly replicaList: Replica[];
  private readonly counts = new Map<RouteReason, number>();
  private turn = 0;
  private timer: NodeJS.Timeout | undefined;
  private checking: Promise<void> | undefined;
  /**
   * The primary's positions at recent checks, oldest first. A replica's lag is how long ago the
   * primary had written the oldest position the replica has not replayed: after a quiet hour, a
   * fresh write is not an hour of lag (the time since the replica's last replayed commit would say so).
   */
  private samples: Sample[] = [];

  constructor(
    readonly primary: SqlPool,
    replicas: readonly ReplicaPool[],
    private readonly options: RouterOptions,
  ) {
    // Out of service until the first check has measured them.
    this.replicaList = replicas.map((r) => ({ ...r, healthy: false, lagMs: null, replayed: null, replayedText: null, problem: 'not checked yet' }));
  }

  /** Measures every replica now, then every `checkIntervalMs`. */
  async start(): Promise<void> {
    await this.check();
    this.timer = setInterval(() => {
      void this.check();
    }, this.options.checkIntervalMs);
    this.timer.unref();
  }

  /** One round of health and lag checks (a round still running is joined, not doubled). */
  check(): Promise<void> {
    this.checking ??= this.measure().finally(() => {
      this.checking = undefined;
    });
    return this.checking;
  }

  private async measure(): Promise<void> {
    try {
      const { rows } = await this.primary.query<{ lsn: string }>('SELECT pg_current_wal_lsn()::text AS lsn');
      const lsn = rows[0] === undefined ? undefined : lsnValue(rows[0].lsn);
      const last = this.samples.at(-1);
      if (lsn !== undefined && (last === undefined || lsn > last.lsn)) this.samples.push({ lsn, at: Date.now() });
    } catch {
      // The primary is down: lag keeps growing from the positions already seen.
    }
    await Promise.all(this.replicaList.map((r) => this.measureOne(r)));
    const slowest = this.replicaList.reduce<bigint | null>((min, r) => (r.replayed !== null && (min === null || r.replayed < min) ? r.replayed : min), null);
    // Positions every replica has replayed are no longer needed (the newest one always is).
    const needed = this.samples.findIndex((s) => slowest === null || s.lsn > slowest);
    this.samples = this.samples.slice(Math.min(needed === -1 ? this.samples.length - 1 : needed, this.samples.length - 1)).slice(-MAX_SAMPLES);
  }

  private lagOf(replayed: bigint): number {
    const behind = this.samples.find((s) => s.lsn > replayed);
    return behind === undefined ? 0 : Date.now() - behind.at;
  }

  private async measureOne(replica: Replica): Promise<void> {
    const before = this.serving(replica);
    try {
      const { rows } = await replica.pool.query<{ recovery: boolean; replayed: string | null }>(PROBE);
      const row = rows[0];
      if (row?.recovery !== true) {
        this.takeOut(replica, 'not in recovery: promoted, or not a replica');
      } else if (row.replayed === null) {
        this.takeOut(replica, 'has replayed nothing yet');
      } else {
        replica.healthy = true;
        replica.replayedText = row.replayed;
        replica.replayed = lsnValue(row.replayed);
        replica.lagMs = this.lagOf(replica.replayed);
        replica.problem = replica.lagMs > this.options.maxLagMs ? `lagging ${replica.lagMs} ms (limit ${this.options.maxLagMs} ms)` : null;
      }
    } catch (error) {
      this.takeOut(replica, error instanceof Error ? error.message : String(error));
    }
    if (this.serving(replica) !== before) this.options.onChange?.(this.statusOf(replica));
  }

  private takeOut(replica: Replica, problem: string): void {
    replica.healthy = false;
    replica.lagMs = null;
    replica.problem = problem;
  }

  private serving(replica: Replica): boolean {
    return replica.healthy && replica.problem === null;
  }

  private statusOf(r: Replica): ReplicaStatus {
    return { name: r.name, serving: this.serving(r), healthy: r.healthy, lagMs: r.lagMs, replayedLsn: r.replayedText, problem: r.problem };
  }

  readScope<T>(token: string | undefined, work: () => T): T {
    return this.scopes.run({ token: token === undefined ? undefined : lsnValue(token) }, work);
  }

  async consistencyToken(): Promise<string | null> {
    // After the write committed (and was flushed), the write position is at or past its commit record.
    const { rows } = await this.primary.query<{ lsn: string }>('SELECT pg_current_wal_lsn()::text AS lsn');
    return rows[0]?.lsn ?? null;
  }

  replicas(): ReplicaStatus[] {
    return this.replicaList.map((r) => this.statusOf(r));
  }

  routed(): ReadonlyMap<RouteReason, number> {
    return this.counts;
  }

  private count(reason: RouteReason): void {
    this.counts.set(reason, (this.counts.get(reason) ?? 0) + 1);
  }

  /**
   * Where this scope's reads go: decided at its first read and again once a check interval has
   * passed (a change stream lives for minutes), so one request mostly reads from one server.
   */
  private async target(scope: Scope): Promise<Replica | null> {
    const now = Date.now();
    if (scope.target !== undefined && scope.decidedAt !== undefined && now - scope.decidedAt < this.options.checkIntervalMs) return scope.target;
    const [target, reason] = await this.choose(scope.token);
    scope.target = target;
    scope.reason = reason;
    scope.decidedAt = now;
    return target;
  }

  private async choose(token: bigint | undefined): Promise<[Replica | null, RouteReason]> {
    const healthy = this.replicaList.filter((r) => r.healthy);
    if (healthy.length === 0) return [null, 'primary_unhealthy'];
    const fresh = healthy.filter((r) => r.problem === null);
    if (fresh.length === 0) return [null, 'primary_lag'];
    this.turn = (this.turn + 1) % fresh.length;
    const ordered = [...fresh.slice(this.turn), ...fresh.slice(0, this.turn)];
    if (token === undefined) return [ordered[0] ?? null, 'replica'];
    const past = ordered.find((r) => r.replayed !== null && r.replayed >= token);
    if (past !== undefined) return [past, 'replica'];
    // The last check is older than the caller's write: ask the replica where it is now.
    const first = ordered[0];
    if (first !== undefined) {
      try {
        const { rows } = await first.pool.query<{ replayed: string | null }>('SELECT pg_last_wal_replay_lsn()::text AS replayed');
        const replayed = rows[0]?.replayed ?? null;
        if (replayed !== null) {
          first.replayed = lsnValue(replayed);
          first.replayedText = replayed;
          if (first.replayed >= token) return [first, 'replica'];
        }
      } catch (error) {
        this.lost(first, error);
      }
    }
    return [null, 'primary_token'];
  }

  private lost(replica: Replica, error: unknown): void {
    const before = this.serving(replica);
    this.takeOut(replica, error instanceof Error ? error.message : String(error));
    if (before) this.options.onChange?.(this.statusOf(replica));
  }

  async query<T>(text: string, params?: readonly unknown[], name?: string): Promise<SqlResult<T>> {
    const scope = this.scopes.getStore();
    if (scope === undefined) return this.primary.query<T>(text, params, name);
    const replica = await this.target(scope);
    if (replica === null) {
      this.count(scope.reason ?? 'primary_unhealthy');
      return this.primary.query<T>(text, params, name);
    }
    try {
      const result = await replica.pool.query<T>(text, params, name);
      this.count('replica');
      return result;
    } catch (error) {
      if (error instanceof DependencyUnavailable) this.lost(replica, error);
      else if (!PRIMARY_CAN_ANSWER.has(sqlError(error).code ?? '')) throw error;
      // The rest of this request reads from the primary.
      scope.target = null;
      scope.reason = 'primary_fallback';
      this.count('primary_fallback');
      return this.primary.query<T>(text, params, name);
    }
  }

  exec(script: string): Promise<void> {
    return this.primary.exec(script);
  }

  transaction<T>(work: (tx: Sql) => Promise<T>): Promise<T> {
    return this.primary.transaction(work);
  }

  session(): Promise<SqlSession> {
    if (this.primary.session === undefined) throw new Error('the primary pool has no sessions');
    return this.primary.session();
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.checking?.catch(() => undefined);
    await Promise.allSettled(this.replicaList.map((r) => r.pool.close()));
    await this.primary.close();
  }
}

/** The primary behind a router (or the pool itself): for reads that must never be stale, such as a revoked account. */
export const primaryOf = (pool: SqlPool): SqlPool => (pool instanceof ReplicaRouter ? pool.primary : pool);

/** How a pool routes reads: the router itself, or no replicas at all. */
export const readRoutingOf = (pool: SqlPool): ReadRouting => (pool instanceof ReplicaRouter ? pool : NO_REPLICAS);
