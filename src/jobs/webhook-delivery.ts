import { deliverWebhooks, type DeliveryDeps, type DeliveryOptions } from '../core/use-cases/webhook-delivery.ts';
import type { BackgroundJob, JobLogger } from './job.ts';

/**
 * How often an idle worker looks for due events. Each look is one indexed query, and commit to
 * delivery stays well under the 250 ms the integration benchmark holds it to.
 */
export const WEBHOOK_POLL_MS = 50;

/**
 * Delivers the webhook outbox: a round whenever the last one found work, otherwise every
 * WEBHOOK_POLL_MS. Any number of workers (servers, `plant worker`) can run side by side; the
 * outbox's leases keep each subscription to one worker at a time.
 */
export const webhookDelivery = (deps: DeliveryDeps, options: DeliveryOptions, logger: JobLogger): BackgroundJob => ({
  name: 'webhook-delivery',
  start: () => {
    let stopped = false;
    let timer: NodeJS.Timeout | undefined;
    let running: Promise<void> | null = null;
    const tick = (): void => {
      running = deliverWebhooks(deps, options)
        .then((round) => {
          if (round.failed > 0) logger.warn({ subscriptions: round.subscriptions, delivered: round.delivered, failed: round.failed }, 'webhook deliveries failed; they will be retried');
          return round.subscriptions > 0;
        })
        .catch((error: unknown) => {
          logger.error({ err: error }, 'webhook delivery round failed');
          return false;
        })
        .then((busy) => {
          running = null;
          if (stopped) return;
          timer = setTimeout(tick, busy ? 0 : WEBHOOK_POLL_MS);
          timer.unref();
        });
    };
    tick();
    return async () => {
      stopped = true;
      clearTimeout(timer);
      if (running !== null) await running;
    };
  },
});
