import type { EntityKind, Operation } from '../entity.ts';
import type { RetryPolicy } from '../webhooks.ts';
import type { Actor } from './ledger.ts';
import type { ChangeRow } from './log.ts';

export interface WebhookSubscription {
  id: string;
  url: string;
  /** Empty: every kind. */
  kinds: EntityKind[];
  /** Empty: every operation. */
  operations: Operation[];
  description: string | null;
  enabled: boolean;
  disabled_reason: string | null;
  created_by: string;
  created_at: string;
  updated_at: string;
  consecutive_failures: number;
  next_attempt_at: string;
  /** Events by state: how far behind the receiver is. */
  pending: number;
  delivered: number;
  dead: number;
}

export type DeliveryState = 'pending' | 'delivered' | 'dead';

/** One event of one subscription, as the deliveries list shows it. */
export interface WebhookDelivery {
  leaf_index: number;
  state: DeliveryState;
  attempts: number;
  last_status: number | null;
  last_error: string | null;
  last_attempt_at: string | null;
  delivered_at: string | null;
  created_at: string;
}

export interface NewSubscription {
  id: string;
  url: string;
  kinds: EntityKind[];
  operations: Operation[];
  description: string | null;
  secret: string;
}

export interface SubscriptionPatch {
  url?: string | undefined;
  kinds?: EntityKind[] | undefined;
  operations?: Operation[] | undefined;
  description?: string | null | undefined;
  /** true re-enables (and clears the failure count); false disables. */
  enabled?: boolean | undefined;
  /** A new signing secret (rotation). */
  secret?: string | undefined;
}

/** What admins do with subscriptions (the /webhooks routes). Every method is one transaction. */
export interface WebhookStore {
  /** Refuses a URL another subscription has with DUPLICATE_SUBSCRIPTION. */
  create(actor: Actor, subscription: NewSubscription): Promise<WebhookSubscription>;
  list(): Promise<WebhookSubscription[]>;
  get(id: string): Promise<WebhookSubscription | undefined>;
  update(id: string, patch: SubscriptionPatch): Promise<WebhookSubscription | undefined>;
  /** Removes the subscription and its events; false when there was none. */
  remove(id: string): Promise<boolean>;
  /** Events in leaf order after `after` (exclusive), optionally of one state. */
  deliveries(id: string, query: { state?: DeliveryState | undefined; after?: number | undefined; limit: number }): Promise<WebhookDelivery[]>;
  /**
   * Queues again every log leaf from `from` on that matches the subscription's filters (ones it
   * never had included), fresh, in order. Returns how many events are pending because of it.
   */
  replay(id: string, from: number): Promise<number>;
  /** Puts the subscription's dead letters back in line; returns how many. */
  retryDead(id: string): Promise<number>;
}

/** A subscription a worker holds the lease of. */
export interface ClaimedSubscription {
  id: string;
  url: string;
  secret: string;
  consecutive_failures: number;
}

/** An event to deliver: the change-feed entry it is for. */
export interface OutboxEvent {
  subscription_id: string;
  change: ChangeRow;
}

export interface DeliveryFailure {
  /** The receiver's status, or null when there was no answer (refused, timed out, blocked). */
  status: number | null;
  error: string;
}

/** The delivery side of the outbox: leases per subscription, outcomes per event. */
export interface WebhookOutbox {
  /**
   * Leases up to `limit` enabled subscriptions that have a pending event, are due, and are not
   * leased by a live worker. While the lease holds, no other worker delivers to them.
   */
  claim(workerId: string, limit: number, leaseMs: number): Promise<ClaimedSubscription[]>;
  /** The subscription's first pending events, in leaf order. */
  pending(subscriptionId: string, limit: number): Promise<OutboxEvent[]>;
  /** Marks the event delivered and renews the lease; false when the lease was lost (stop). */
  delivered(workerId: string, subscriptionId: string, leafIndex: number, status: number, leaseMs: number): Promise<boolean>;
  /**
   * Records a failed attempt and releases the lease with a backoff of `delayMs`: the event turns
   * dead after `policy.maxAttempts` attempts, the subscription is disabled after
   * `policy.disableAfter` consecutive failures.
   */
  failed(workerId: string, subscriptionId: string, leafIndex: number, failure: DeliveryFailure, policy: RetryPolicy, delayMs: number): Promise<void>;
  /** Gives the lease back (no-op when it is no longer held). */
  release(workerId: string, subscriptionId: string): Promise<void>;
}

export interface WebhookMessage {
  /** The Standard Webhooks message id: the same for every attempt of one event. */
  id: string;
  timestamp: Date;
  body: string;
}

/**
 * Sends one signed message. Resolves with the receiver's status whatever it is; rejects only
 * when there was no answer (network error, timeout, a target refused by the address rules).
 */
export interface WebhookSender {
  send(target: { url: string; secret: string }, message: WebhookMessage): Promise<{ status: number }>;
}
