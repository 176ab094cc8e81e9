import { createRequire } from 'node:module';
import type { FastifyRateLimitOptions, FastifyRateLimitStore, FastifyRateLimitStoreCtor } from '@fastify/rate-limit';
import { Redis } from 'ioredis';

type Counted = (error: Error | null, result?: { current: number; ttl: number }) => void;
type RouteOptions = Parameters<FastifyRateLimitStore['child']>[0];
interface StoreFlags {
  continueExceeding?: boolean;
  exponentialBackoff?: boolean;
}

// The plugin's own two stores (it exports neither from its entry point): Redis counts with one
// atomic Lua script per request, the local one in an LRU of this process.
const require = createRequire(import.meta.url);
const RedisStore = require('@fastify/rate-limit/store/RedisStore.js') as new (continueExceeding: boolean, exponentialBackoff: boolean, redis: Redis, key?: string) => FastifyRateLimitStore;
const LocalStore = require('@fastify/rate-limit/store/LocalStore.js') as new (continueExceeding: boolean, exponentialBackoff: boolean, cache?: number) => FastifyRateLimitStore;

export interface SharedRateLimits {
  /** The store class for @fastify/rate-limit's `store` option. */
  readonly store: FastifyRateLimitStoreCtor;
  /** Whether counts are shared through Redis right now. */
  shared(): boolean;
  /** Resolves true once Redis is connected, or false after `ms` (a process then starts on its own counts). */
  connected(ms: number): Promise<boolean>;
  close(): Promise<void>;
}

/**
 * Rate limits counted in Redis, so every API process of one deployment sees the same count per
 * client. While Redis is unreachable each process counts on its own (the limit then holds per
 * process, never fails a request), and `onChange` hears once per outage and once per recovery.
 * `namespace` keeps deployments that share a Redis apart.
 */
export const sharedRateLimits = (url: string, namespace: string, onChange: (shared: boolean, error?: unknown) => void): SharedRateLimits => {
  const client = new Redis(url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    connectTimeout: 1000,
    commandTimeout: 500,
    retryStrategy: (times) => Math.min(times * 200, 5000),
  });
  // undefined until the first connection settles, so start-up is not reported as an outage.
  let state: boolean | undefined;
  const report = (shared: boolean, error?: unknown): void => {
    if (state === shared || (state === undefined && shared)) {
      state = shared;
      return;
    }
    state = shared;
    onChange(shared, error);
  };
  client.on('error', (error) => {
    report(false, error);
  });
  client.on('ready', () => {
    report(true);
  });

  class FailoverStore implements FastifyRateLimitStore {
    private readonly redis: FastifyRateLimitStore;
    private readonly local: FastifyRateLimitStore;

    constructor(options: FastifyRateLimitOptions, stores?: { redis: FastifyRateLimitStore; local: FastifyRateLimitStore }) {
      const flags = options as StoreFlags;
      this.redis = stores?.redis ?? new RedisStore(flags.continueExceeding === true, flags.exponentialBackoff === true, client, `plant-rate-limit:${namespace}:`);
      this.local = stores?.local ?? new LocalStore(flags.continueExceeding === true, flags.exponentialBackoff === true);
    }

    incr(key: string, callback: Counted, timeWindow: number, max: number): void {
      if (client.status !== 'ready') {
        this.local.incr(key, callback, timeWindow, max);
        return;
      }
      this.redis.incr(
        key,
        (error, result) => {
          if (error === null) {
            callback(null, result);
            return;
          }
          report(false, error);
          this.local.incr(key, callback, timeWindow, max);
        },
        timeWindow,
        max,
      );
    }

    child(routeOptions: RouteOptions): FastifyRateLimitStore {
      return new FailoverStore({}, { redis: this.redis.child(routeOptions), local: this.local.child(routeOptions) });
    }
  }

  return {
    store: FailoverStore,
    shared: () => client.status === 'ready',
    connected: (ms) =>
      client.status === 'ready'
        ? Promise.resolve(true)
        : new Promise((resolve) => {
            const timer = setTimeout(() => {
              client.off('ready', onReady);
              resolve(false);
            }, ms);
            const onReady = (): void => {
              clearTimeout(timer);
              resolve(true);
            };
            client.once('ready', onReady);
          }),
    close: () => {
      client.disconnect();
      return Promise.resolve();
    },
  };
};
