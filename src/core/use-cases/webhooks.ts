import { randomBytes } from 'node:crypto';
import type { EntityKind, Operation } from '../entity.ts';
import { DomainError } from '../errors.ts';
import type { IdGenerator } from '../ports/clock.ts';
import type { Actor } from '../ports/ledger.ts';
import type { SubscriptionPatch, WebhookStore, WebhookSubscription } from '../ports/webhooks.ts';
import { targetProblems } from '../webhooks.ts';

export interface WebhookAdminDeps {
  webhooks: WebhookStore;
  ids: IdGenerator;
  /** Hosts that may be http or internal (WEBHOOK_ALLOW_HOSTS). */
  allowHosts: readonly string[];
}

/** A Standard Webhooks secret: `whsec_` and 32 random bytes in base64. */
export const newSecret = (): string => `whsec_${randomBytes(32).toString('base64')}`;

const checkUrl = (url: string, allowHosts: readonly string[]): void => {
  const errors = targetProblems(url, allowHosts);
  if (errors.length > 0) throw new DomainError('VALIDATION_ERROR', `The webhook URL is not allowed: ${errors.map((e) => e.message).join('; ')}`, { errors });
};

export const createSubscription = async (
  deps: WebhookAdminDeps,
  actor: Actor,
  input: { url: string; kinds?: EntityKind[] | undefined; operations?: Operation[] | undefined; description?: string | undefined },
): Promise<{ subscription: WebhookSubscription; secret: string }> => {
  checkUrl(input.url, deps.allowHosts);
  const secret = newSecret();
  const subscription = await deps.webhooks.create(actor, {
    id: deps.ids.next(),
    url: input.url,
    kinds: input.kinds ?? [],
    operations: input.operations ?? [],
    description: input.description ?? null,
    secret,
  });
  return { subscription, secret };
};

const notFound = (id: string): DomainError => new DomainError('SUBSCRIPTION_NOT_FOUND', `No webhook subscription has id ${id}`);

export const getSubscription = async (deps: Pick<WebhookAdminDeps, 'webhooks'>, id: string): Promise<WebhookSubscription> => {
  const found = await deps.webhooks.get(id);
  if (found === undefined) throw notFound(id);
  return found;
};

/** Applies a patch; `rotate_secret` issues a new secret, returned once. */
export const updateSubscription = async (
  deps: WebhookAdminDeps,
  id: string,
  patch: Omit<SubscriptionPatch, 'secret'> & { rotate_secret?: boolean | undefined },
): Promise<{ subscription: WebhookSubscription; secret: string | null }> => {
  if (patch.url !== undefined) checkUrl(patch.url, deps.allowHosts);
  const secret = patch.rotate_secret === true ? newSecret() : null;
  const updated = await deps.webhooks.update(id, {
    url: patch.url,
    kinds: patch.kinds,
    operations: patch.operations,
    description: patch.description,
    enabled: patch.enabled,
    ...(secret === null ? {} : { secret }),
  });
  if (updated === undefined) throw notFound(id);
  return { subscription: updated, secret };
};

export const removeSubscription = async (deps: Pick<WebhookAdminDeps, 'webhooks'>, id: string): Promise<void> => {
  if (!(await deps.webhooks.remove(id))) throw notFound(id);
};

export const replaySubscription = async (deps: Pick<WebhookAdminDeps, 'webhooks'>, id: string, from: number, logSize: number): Promise<number> => {
  await getSubscription(deps, id);
  if (from > logSize) {
    throw new DomainError('VALIDATION_ERROR', `from=${from} is beyond the end of the log (size ${logSize})`, {
      errors: [{ field: 'from', message: `must be at most the log size (${logSize})` }],
    });
  }
  return deps.webhooks.replay(id, from);
};

export const retryDeadLetters = async (deps: Pick<WebhookAdminDeps, 'webhooks'>, id: string): Promise<number> => {
  await getSubscription(deps, id);
  return deps.webhooks.retryDead(id);
};
