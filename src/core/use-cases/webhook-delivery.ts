import { entityView } from '../entity-view.ts';
import type { LedgerStore } from '../ports/ledger.ts';
import type { ClaimedSubscription, DeliveryFailure, OutboxEvent, WebhookOutbox, WebhookSender } from '../ports/webhooks.ts';
import { retryDelayMs, type RetryPolicy } from '../webhooks.ts';

export interface DeliveryDeps {
  outbox: WebhookOutbox;
  sender: WebhookSender;
  store: Pick<LedgerStore, 'getEntities'>;
  random?: () => number;
}

export interface DeliveryOptions {
  workerId: string;
  /** Subscriptions leased per round; each is delivered to concurrently with the others. */
  subscriptions: number;
  /** Events sent to one subscription per round, one after the other. */
  batch: number;
  /** Longer than one attempt's timeout: the lease is renewed after every delivered event. */
  leaseMs: number;
  policy: RetryPolicy;
}

export interface DeliveryRound {
  subscriptions: number;
  delivered: number;
  failed: number;
}

/** The Standard Webhooks message id of an event: one per subscription and leaf, stable across attempts and replays. */
export const messageId = (event: OutboxEvent): string => `msg_${event.subscription_id}_${event.change.leaf_index}`;

/**
 * The body receivers get: the change-feed entry and the entity as it is when the event is sent
 * (its `version` may be past the change's own when later writes came first).
 */
export const eventBody = (event: OutboxEvent, entity: Record<string, unknown> | null): string =>
  JSON.stringify({
    type: `${event.change.entity_type}.${event.change.operation}`,
    timestamp: event.change.timestamp,
    data: { ...event.change, entity },
  });

const describe = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/**
 * One subscription, in leaf order: send its pending events one by one until the batch is done or
 * an attempt fails. A failure ends the subscription's turn (the next event must not overtake it).
 */
const deliverTo = async (deps: DeliveryDeps, options: DeliveryOptions, sub: ClaimedSubscription, round: DeliveryRound): Promise<void> => {
  let released = false;
  try {
    const events = await deps.outbox.pending(sub.id, options.batch);
    const entities = await deps.store.getEntities([...new Set(events.map((e) => e.change.entity_id))]);
    for (const event of events) {
      const record = entities.get(event.change.entity_id);
      const message = { id: messageId(event), timestamp: new Date(), body: eventBody(event, record === undefined ? null : entityView(record)) };
      let failure: DeliveryFailure | null = null;
      let status = 0;
      try {
        status = (await deps.sender.send(sub, message)).status;
        if (status < 200 || status > 299) failure = { status, error: status >= 300 && status < 400 ? `answered HTTP ${status} (redirects are not followed)` : `answered HTTP ${status}` };
      } catch (error) {
        failure = { status: null, error: describe(error) };
      }
      if (failure !== null) {
        const delay = retryDelayMs(sub.consecutive_failures + 1, options.policy, deps.random);
        await deps.outbox.failed(options.workerId, sub.id, event.change.leaf_index, failure, options.policy, delay);
        released = true;
        round.failed += 1;
        return;
      }
      if (!(await deps.outbox.delivered(options.workerId, sub.id, event.change.leaf_index, status, options.leaseMs))) {
        released = true;
        return;
      }
      sub.consecutive_failures = 0;
      round.delivered += 1;
    }
  } finally {
    if (!released) await deps.outbox.release(options.workerId, sub.id);
  }
};

/** One round: lease the due subscriptions and deliver to each of them side by side. */
export const deliverWebhooks = async (deps: DeliveryDeps, options: DeliveryOptions): Promise<DeliveryRound> => {
  const claimed = await deps.outbox.claim(options.workerId, options.subscriptions, options.leaseMs);
  const round: DeliveryRound = { subscriptions: claimed.length, delivered: 0, failed: 0 };
  const results = await Promise.allSettled(claimed.map((sub) => deliverTo(deps, options, sub, round)));
  const rejected = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (rejected !== undefined) throw rejected.reason;
  return round;
};
