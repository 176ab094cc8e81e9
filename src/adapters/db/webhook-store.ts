import { DomainError } from '../../core/errors.ts';
import type { Actor } from '../../core/ports/ledger.ts';
import type {
  ClaimedSubscription,
  DeliveryFailure,
  DeliveryState,
  NewSubscription,
  OutboxEvent,
  SubscriptionPatch,
  WebhookDelivery,
  WebhookOutbox,
  WebhookStore,
  WebhookSubscription,
} from '../../core/ports/webhooks.ts';
import type { RetryPolicy } from '../../core/webhooks.ts';
import { sqlError, type SqlPool } from './sql.ts';

const iso = (column: string): string => `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

const SUBSCRIPTION = `s.id::text AS id, s.url, s.kinds, s.operations, s.description, s.enabled, s.disabled_reason, s.created_by,
  ${iso('s.created_at')} AS created_at, ${iso('s.updated_at')} AS updated_at, s.consecutive_failures, ${iso('s.next_attempt_at')} AS next_attempt_at,
  c.pending, c.delivered, c.dead`;

/** The subscriptions with their outbox counts, one pass over each one's events. */
const SUBSCRIPTIONS = `webhook_subscriptions s CROSS JOIN LATERAL (
  SELECT count(*) FILTER (WHERE e.state = 'pending')::int AS pending,
         count(*) FILTER (WHERE e.state = 'delivered')::int AS delivered,
         count(*) FILTER (WHERE e.state = 'dead')::int AS dead
    FROM webhook_events e WHERE e.subscription_id = s.id) c`;

const DELIVERY = `leaf_index, state, attempts, last_status, last_error, ${iso('last_attempt_at')} AS last_attempt_at,
  ${iso('delivered_at')} AS delivered_at, ${iso('created_at')} AS created_at`;

const duplicate = (url: string): DomainError => new DomainError('DUPLICATE_SUBSCRIPTION', `A webhook subscription already delivers to ${url}`);

/** Subscriptions and their outbox on PostgreSQL or PGlite (0010_webhooks.sql). */
export class PgWebhooks implements WebhookStore, WebhookOutbox {
  constructor(private readonly db: SqlPool) {}

  async create(actor: Actor, s: NewSubscription): Promise<WebhookSubscription> {
    try {
      await this.db.query(
        'INSERT INTO webhook_subscriptions (id, url, kinds, operations, description, secret, created_by) VALUES ($1, $2, $3, $4, $5, $6, $7)',
        [s.id, s.url, s.kinds, s.operations, s.description, s.secret, actor.subject],
      );
    } catch (error) {
      if (sqlError(error).code === '23505') throw duplicate(s.url);
      throw error;
    }
    return (await this.get(s.id)) as WebhookSubscription;
  }

  async list(): Promise<WebhookSubscription[]> {
    return (await this.db.query<WebhookSubscription>(`SELECT ${SUBSCRIPTION} FROM ${SUBSCRIPTIONS} ORDER BY s.created_at, s.id`)).rows;
  }

  async get(id: string): Promise<WebhookSubscription | undefined> {
    return (await this.db.query<WebhookSubscription>(`SELECT ${SUBSCRIPTION} FROM ${SUBSCRIPTIONS} WHERE s.id = $1`, [id])).rows[0];
  }

  async update(id: string, patch: SubscriptionPatch): Promise<WebhookSubscription | undefined> {
    try {
      const { rowCount } = await this.db.query(
        `UPDATE webhook_subscriptions SET
            url = coalesce($2, url),
            kinds = coalesce($3, kinds),
            operations = coalesce($4, operations),
            description = CASE WHEN $5 THEN $6 ELSE description END,
            secret = coalesce($7, secret),
            enabled = coalesce($8, enabled),
            -- Re-enabling starts afresh: no inherited backoff or failure count.
            disabled_reason = CASE WHEN $8 IS NULL THEN disabled_reason WHEN $8 THEN NULL ELSE 'disabled by an admin' END,
            consecutive_failures = CASE WHEN $8 THEN 0 ELSE consecutive_failures END,
            next_attempt_at = CASE WHEN $8 THEN now() ELSE next_attempt_at END,
            updated_at = now()
          WHERE id = $1`,
        [
          id,
          patch.url ?? null,
          patch.kinds ?? null,
          patch.operations ?? null,
          patch.description !== undefined,
          patch.description ?? null,
          patch.secret ?? null,
          patch.enabled ?? null,
        ],
      );
      if (rowCount === 0) return undefined;
    } catch (error) {
      if (sqlError(error).code === '23505') throw duplicate(patch.url ?? '');
      throw error;
    }
    return this.get(id);
  }

  async remove(id: string): Promise<boolean> {
    return (await this.db.query('DELETE FROM webhook_subscriptions WHERE id = $1', [id])).rowCount > 0;
  }

  async deliveries(id: string, query: { state?: DeliveryState | undefined; after?: number | undefined; limit: number }): Promise<WebhookDelivery[]> {
    // bigint arrives as text.
    const { rows } = await this.db.query<Omit<WebhookDelivery, 'leaf_index'> & { leaf_index: string }>(
      `SELECT ${DELIVERY} FROM webhook_events
        WHERE subscription_id = $1 AND leaf_index > $2 AND ($3::text IS NULL OR state = $3)
        ORDER BY leaf_index LIMIT $4`,
      [id, query.after ?? -1, query.state ?? null, query.limit],
    );
    return rows.map((r) => ({ ...r, leaf_index: Number(r.leaf_index) }));
  }

  async replay(id: string, from: number): Promise<number> {
    const { rowCount } = await this.db.query(
      `INSERT INTO webhook_events (subscription_id, leaf_index)
       SELECT s.id, l.leaf_index
         FROM webhook_subscriptions s, log_leaves l JOIN amendments a ON a.hash = l.amendment_hash
        WHERE s.id = $1 AND l.leaf_index >= $2
          AND (cardinality(s.kinds) = 0 OR a.entity_type = ANY (s.kinds))
          AND (cardinality(s.operations) = 0 OR a.operation = ANY (s.operations))
       ON CONFLICT (subscription_id, leaf_index) DO UPDATE
          SET state = 'pending', attempts = 0, last_status = NULL, last_error = NULL, last_attempt_at = NULL, delivered_at = NULL`,
      [id, from],
    );
    return rowCount;
  }

  async retryDead(id: string): Promise<number> {
    const { rowCount } = await this.db.query(
      "UPDATE webhook_events SET state = 'pending', attempts = 0 WHERE subscription_id = $1 AND state = 'dead'",
      [id],
    );
    return rowCount;
  }

  /** One statement, so an idle poll is one round trip. */
  async claim(workerId: string, limit: number, leaseMs: number): Promise<ClaimedSubscription[]> {
    const { rows } = await this.db.query<ClaimedSubscription>(
        `WITH due AS (
           SELECT s.id FROM webhook_subscriptions s
            WHERE s.enabled AND s.next_attempt_at <= now() AND (s.locked_until IS NULL OR s.locked_until < now())
              AND EXISTS (SELECT 1 FROM webhook_events e WHERE e.subscription_id = s.id AND e.state = 'pending')
            ORDER BY s.next_attempt_at, s.id
            LIMIT $1
            -- NO KEY UPDATE: a writer whose trigger just queued an event holds KEY SHARE on the
            -- subscription (the foreign key) until it commits; FOR UPDATE would skip it meanwhile.
            FOR NO KEY UPDATE SKIP LOCKED)
         UPDATE webhook_subscriptions s SET locked_by = $2, locked_until = now() + make_interval(secs => $3::float8 / 1000)
           FROM due WHERE s.id = due.id
         RETURNING s.id::text AS id, s.url, s.secret, s.consecutive_failures`,
      [limit, workerId, leaseMs],
    );
    return rows;
  }

  async pending(subscriptionId: string, limit: number): Promise<OutboxEvent[]> {
    const { rows } = await this.db.query<Omit<OutboxEvent['change'], 'leaf_index'> & { leaf_index: string; subscription_id: string }>(
      `SELECT e.subscription_id::text AS subscription_id, l.leaf_index, l.entity_id::text AS entity_id, a.entity_type, l.version, a.operation,
              l.amendment_hash AS hash, a.payload ->> 'timestamp' AS timestamp
         FROM webhook_events e
         JOIN log_leaves l ON l.leaf_index = e.leaf_index
         JOIN amendments a ON a.hash = l.amendment_hash
        WHERE e.subscription_id = $1 AND e.state = 'pending'
        ORDER BY e.leaf_index LIMIT $2`,
      [subscriptionId, limit],
    );
    return rows.map(({ subscription_id, ...change }) => ({ subscription_id, change: { ...change, leaf_index: Number(change.leaf_index) } }));
  }

  /** One statement (one round trip per delivered event): the lease check, its renewal and the event's outcome. */
  async delivered(workerId: string, subscriptionId: string, leafIndex: number, status: number, leaseMs: number): Promise<boolean> {
    const { rowCount } = await this.db.query(
      `WITH held AS (
         UPDATE webhook_subscriptions SET consecutive_failures = 0, locked_until = now() + make_interval(secs => $5::float8 / 1000)
          WHERE id = $1 AND locked_by = $3
         RETURNING id)
       UPDATE webhook_events e SET state = 'delivered', attempts = e.attempts + 1, last_status = $4, last_error = NULL,
              last_attempt_at = now(), delivered_at = now()
         FROM held WHERE e.subscription_id = held.id AND e.leaf_index = $2`,
      [subscriptionId, leafIndex, workerId, status, leaseMs],
    );
    return rowCount > 0;
  }

  async failed(workerId: string, subscriptionId: string, leafIndex: number, failure: DeliveryFailure, policy: RetryPolicy, delayMs: number): Promise<void> {
    await this.db.transaction(async (tx) => {
      const held = await tx.query(
        `UPDATE webhook_subscriptions SET
            consecutive_failures = consecutive_failures + 1,
            next_attempt_at = now() + make_interval(secs => $3::float8 / 1000),
            enabled = enabled AND consecutive_failures + 1 < $4,
            disabled_reason = CASE WHEN consecutive_failures + 1 >= $4
                                   THEN format('disabled after %s consecutive failed attempts; the last: %s', consecutive_failures + 1, left($5, 300))
                                   ELSE disabled_reason END,
            locked_by = NULL, locked_until = NULL, updated_at = now()
          WHERE id = $1 AND locked_by = $2`,
        [subscriptionId, workerId, delayMs, policy.disableAfter, failure.error],
      );
      if (held.rowCount === 0) return;
      await tx.query(
        `UPDATE webhook_events SET attempts = attempts + 1, last_status = $3, last_error = left($4, 1000), last_attempt_at = now(),
                state = CASE WHEN attempts + 1 >= $5 THEN 'dead' ELSE 'pending' END
          WHERE subscription_id = $1 AND leaf_index = $2`,
        [subscriptionId, leafIndex, failure.status, failure.error, policy.maxAttempts],
      );
    });
  }

  async release(workerId: string, subscriptionId: string): Promise<void> {
    await this.db.query('UPDATE webhook_subscriptions SET locked_by = NULL, locked_until = NULL WHERE id = $1 AND locked_by = $2', [subscriptionId, workerId]);
  }
}
