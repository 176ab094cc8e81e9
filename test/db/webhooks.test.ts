import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { HttpWebhookSender } from '../../src/adapters/webhooks/http-sender.ts';
import { createSubscription, replaySubscription, retryDeadLetters, updateSubscription } from '../../src/core/use-cases/webhooks.ts';
import { deliverWebhooks, type DeliveryOptions } from '../../src/core/use-cases/webhook-delivery.ts';
import type { WebhookSubscription } from '../../src/core/ports/webhooks.ts';
import { webhookDelivery } from '../../src/jobs/webhook-delivery.ts';
import { engines } from '../support/engines.ts';
import * as f from '../support/factories.ts';
import { createTestLedger, testConfig, type TestLedger } from '../support/ledger.ts';
import { eventually, startReceiver, type Receiver } from '../support/receiver.ts';

const ADMIN = { subject: 'admin-1', roles: ['admin'] };
const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };

describe.each(await engines())('webhooks: the outbox and its delivery (%s)', (engine) => {
  let t: TestLedger;
  let receiver: Receiver;
  const secrets = new Map<string, string>();
  const options = (workerId = 'worker-a'): DeliveryOptions => ({
    workerId,
    subscriptions: 8,
    batch: 50,
    leaseMs: 5000,
    policy: { baseMs: 10, maxMs: 80, maxAttempts: 3, disableAfter: 6 },
  });

  beforeAll(async () => {
    receiver = await startReceiver(secrets);
    t = await createTestLedger(engine, 'Ed25519', { config: testConfig({ WEBHOOK_ALLOW_HOSTS: '127.0.0.1', WEBHOOK_TIMEOUT_MS: '400' }) });
  });
  afterAll(async () => {
    await t.close();
    await receiver.stop();
  });
  beforeEach(() => {
    receiver.behave('ok');
    receiver.received.length = 0;
  });

  const admin = () => t.deps.api.webhooks;
  const delivery = () => ({ ...t.deps.webhooks, store: t.store });
  const subscribe = async (path: string, filters: { kinds?: ('Skill' | 'Agent')[]; operations?: ('create' | 'certify')[] } = {}): Promise<WebhookSubscription> => {
    const { subscription, secret } = await createSubscription(admin(), ADMIN, { url: `${receiver.url}/${path}`, ...filters });
    secrets.set(`/${path}`, secret);
    return subscription;
  };
  const at = (path: string) => receiver.received.filter((r) => r.path === `/${path}`);
  const drain = async (rounds = 50): Promise<void> => {
    for (let i = 0; i < rounds; i += 1) {
      const round = await deliverWebhooks(delivery(), options());
      if (round.subscriptions === 0) return;
    }
  };
  const events = async (id: string) => (await t.owner.query<{ leaf_index: string; state: string }>('SELECT leaf_index, state FROM webhook_events WHERE subscription_id = $1 ORDER BY leaf_index', [id])).rows;

  it('every amendment becomes an event in its own transaction; a refused write leaves none', async () => {
    const sub = await subscribe('outbox');
    const skill = await f.skill(t.write, { certified: true });
    const leaves = await t.log.store.leavesOfEntity(skill.id);
    expect((await events(sub.id)).map((e) => Number(e.leaf_index))).toEqual(leaves.map((l) => l.leaf_index));
    // A duplicate name is refused: no amendment, no leaf, no event.
    const before = (await events(sub.id)).length;
    await expect(f.skill(t.write, { name: skill.content.name })).rejects.toMatchObject({ code: 'DUPLICATE_ENTITY' });
    expect(await events(sub.id)).toHaveLength(before);
    await drain();
    expect(at('outbox').map((r) => r.body.data.leaf_index)).toEqual(leaves.map((l) => l.leaf_index));
    await t.deps.api.webhooks.webhooks.remove(sub.id);
  });

  it('delivers signed events in leaf order, with the change-feed entry and the entity view', async () => {
    const sub = await subscribe('signed');
    const skill = await f.skill(t.write, { certified: true });
    await drain();
    const got = at('signed');
    expect(got.map((r) => r.verified)).toEqual([true, true]);
    expect(got.map((r) => [r.body.type, r.body.data.version])).toEqual([['Skill.create', 1], ['Skill.certify', 2]]);
    const changes = await t.log.store.changes((got[0]?.body.data.leaf_index ?? 0) - 1, 2);
    expect(got.map((r) => ({ ...r.body.data, entity: undefined }))).toEqual(changes.map((c) => ({ ...c, entity: undefined })));
    expect(got[1]?.body.data.entity).toMatchObject({ id: skill.id, version: 2 });
    // The message id is stable per subscription and leaf, so receivers can drop repeats.
    expect(got.map((r) => r.id)).toEqual(got.map((r) => `msg_${sub.id}_${r.body.data.leaf_index}`));
    await t.deps.api.webhooks.webhooks.remove(sub.id);
  });

  it('filters by kind and operation', async () => {
    const skills = await subscribe('skills-only', { kinds: ['Skill'] });
    const certs = await subscribe('certify-only', { operations: ['certify'] });
    const g = await f.graph(t.write);
    await f.agent(t.write, g);
    await drain();
    expect(new Set(at('skills-only').map((r) => r.body.data.entity_type))).toEqual(new Set(['Skill']));
    expect(at('skills-only').length).toBeGreaterThan(0);
    expect(new Set(at('certify-only').map((r) => r.body.data.operation))).toEqual(new Set(['certify']));
    await t.deps.api.webhooks.webhooks.remove(skills.id);
    await t.deps.api.webhooks.webhooks.remove(certs.id);
  });

  it('a receiver that is down for a while gets every event, in order, none lost, once it is back', async () => {
    const sub = await subscribe('flaky');
    receiver.behave('error', '/flaky');
    const stop = webhookDelivery(delivery(), { ...options(), policy: { ...options().policy, maxAttempts: 50, disableAfter: 50 } }, quiet).start();
    try {
      for (let i = 0; i < 6; i += 1) await f.skill(t.write);
      await eventually(async () => ((await admin().webhooks.get(sub.id))?.consecutive_failures ?? 0) >= 3);
      expect(at('flaky')).toHaveLength(0);
      receiver.behave('ok', '/flaky');
      await eventually(() => at('flaky').length >= 6);
    } finally {
      await stop();
    }
    const expected = (await events(sub.id)).map((e) => Number(e.leaf_index));
    expect(at('flaky').map((r) => r.body.data.leaf_index)).toEqual(expected);
    const deliveries = await admin().webhooks.deliveries(sub.id, { limit: 100 });
    expect(deliveries.every((d) => d.state === 'delivered')).toBe(true);
    expect(deliveries[0]?.attempts).toBeGreaterThan(1);
    expect((await admin().webhooks.get(sub.id))?.consecutive_failures).toBe(0);
    await admin().webhooks.remove(sub.id);
  });

  it('a receiver that hangs or closes the socket holds up only its own subscription', async () => {
    const hanging = await subscribe('hangs');
    const closing = await subscribe('closes');
    const healthy = await subscribe('healthy');
    receiver.behave('hang', '/hangs');
    receiver.behave('close', '/closes');
    await f.skill(t.write, { certified: false });
    await deliverWebhooks(delivery(), options());
    // One round: the healthy receiver has its event although the others never answered well.
    expect(at('healthy')).toHaveLength(1);
    const [hang] = await admin().webhooks.deliveries(hanging.id, { limit: 1 });
    expect(hang).toMatchObject({ state: 'pending', attempts: 1, last_status: null, last_error: expect.stringContaining('no answer within 400 ms') as unknown });
    const [close] = await admin().webhooks.deliveries(closing.id, { limit: 1 });
    expect(close).toMatchObject({ state: 'pending', attempts: 1, last_status: null });
    for (const s of [hanging, closing, healthy]) await admin().webhooks.remove(s.id);
  });

  it('two workers never deliver to one subscription at once, and deliver each event once', async () => {
    const sub = await subscribe('shared');
    receiver.slowMs = 40;
    receiver.behave('slow', '/shared');
    for (let i = 0; i < 8; i += 1) await f.skill(t.write);
    const a = webhookDelivery(delivery(), options('worker-a'), quiet).start();
    const b = webhookDelivery(delivery(), options('worker-b'), quiet).start();
    try {
      await eventually(() => at('shared').length >= 8);
    } finally {
      await Promise.all([a(), b()]);
    }
    expect(receiver.maxConcurrent.get('/shared')).toBe(1);
    const got = at('shared').map((r) => r.body.data.leaf_index);
    expect(got).toEqual([...got].sort((x, y) => x - y));
    expect(new Set(got).size).toBe(got.length);
    await admin().webhooks.remove(sub.id);
  });

  it('gives an event up after max attempts (a dead letter), disables after consecutive failures; retry, re-enable and replay', async () => {
    const sub = await subscribe('dies');
    receiver.behave('error', '/dies');
    await f.skill(t.write, { certified: false });
    await f.skill(t.write, { certified: false });
    const policy = options().policy;
    for (let i = 0; i < 40 && (await admin().webhooks.get(sub.id))?.enabled === true; i += 1) {
      await deliverWebhooks(delivery(), options());
      await new Promise((resolve) => setTimeout(resolve, policy.maxMs));
    }
    const disabled = await admin().webhooks.get(sub.id);
    expect(disabled).toMatchObject({ enabled: false, consecutive_failures: policy.disableAfter, dead: 2, pending: 0 });
    expect(disabled?.disabled_reason).toContain('6 consecutive failed attempts');
    // Disabled: new events are kept for it, but nothing is sent.
    await f.skill(t.write, { certified: false });
    const requests = receiver.requests;
    await deliverWebhooks(delivery(), options());
    expect(receiver.requests).toBe(requests);
    expect((await admin().webhooks.get(sub.id))?.pending).toBe(1);

    receiver.behave('ok', '/dies');
    await updateSubscription(admin(), sub.id, { enabled: true });
    await drain();
    expect(at('dies')).toHaveLength(1);
    expect(await retryDeadLetters(admin(), sub.id)).toBe(2);
    await drain();
    const all = (await events(sub.id)).map((e) => Number(e.leaf_index));
    expect(at('dies').map((r) => r.body.data.leaf_index).sort((x, y) => x - y)).toEqual(all);

    // Replay from the first of its leaves: every one again, in order.
    receiver.received.length = 0;
    expect(await replaySubscription(admin(), sub.id, all[0] ?? 0, await t.log.store.size())).toBe(all.length);
    await drain();
    expect(at('dies').map((r) => r.body.data.leaf_index)).toEqual(all);
    await admin().webhooks.remove(sub.id);
  });

  it('replay includes leaves from before the subscription existed', async () => {
    const skill = await f.skill(t.write);
    const first = (await t.log.store.leavesOfEntity(skill.id))[0]?.leaf_index ?? -1;
    const sub = await subscribe('late');
    expect(await events(sub.id)).toHaveLength(0);
    const size = await t.log.store.size();
    expect(await replaySubscription(admin(), sub.id, first, size)).toBe(size - first);
    await drain();
    expect(at('late')[0]?.body.data).toMatchObject({ leaf_index: first, entity_id: skill.id });
    await expect(replaySubscription(admin(), sub.id, size + 1, size)).rejects.toMatchObject({ code: 'VALIDATION_ERROR' });
    await admin().webhooks.remove(sub.id);
  });

  it('checks the DNS answer at delivery: a name that resolves inside the network is refused without the allow-list', async () => {
    // Registered while localhost was allowed; delivered by a sender whose allow-list no longer has it.
    const { subscription } = await createSubscription({ ...admin(), allowHosts: ['localhost'] }, ADMIN, { url: `${receiver.url.replace('127.0.0.1', 'localhost')}/moved` });
    const strict = { ...delivery(), sender: new HttpWebhookSender({ allowHosts: [], timeoutMs: 400 }) };
    await f.skill(t.write);
    await deliverWebhooks(strict, options());
    expect(at('moved')).toHaveLength(0);
    const [d] = await admin().webhooks.deliveries(subscription.id, { limit: 1 });
    expect(d?.last_error).toMatch(/localhost resolves to (127\.0\.0\.1|::1), a private, loopback or link-local address/);
    await admin().webhooks.remove(subscription.id);
  });
});
