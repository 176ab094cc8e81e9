import { spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { CachedEmbedder, cacheKey } from '../../src/adapters/embeddings/cached-embedder.ts';
import { LruEmbeddingCache, RedisEmbeddingCache } from '../../src/adapters/embeddings/caches.ts';
import { embedOffline } from '../../src/core/embeddings/offline-embedder.ts';
import type { Embedder } from '../../src/core/ports/embeddings.ts';
import type { Vector } from '../../src/core/embeddings/vector.ts';
import { closedPort } from '../support/net.ts';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

const redisReachable = async (): Promise<boolean> => {
  const probe = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  probe.on('error', () => undefined);
  try {
    await probe.connect();
    return (await probe.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    probe.disconnect();
  }
};

/** Counts provider calls: a cache hit is a call that did not happen. */
class CountingEmbedder implements Embedder {
  readonly model = `test-model-${randomBytes(4).toString('hex')}`;
  calls = 0;
  embed(texts: readonly string[]): Promise<Vector[]> {
    this.calls += texts.length;
    return Promise.resolve(texts.map((t) => embedOffline(t)));
  }
}

const close = (a: Vector, b: Vector): boolean => a.every((x, i) => Math.abs(x - (b[i] ?? NaN)) < 1e-6);

const reachable = await redisReachable();
if (!reachable && process.env.CI === 'true') throw new Error(`Redis is not reachable at ${REDIS_URL} (CI=true: a missing server is a failure)`);

describe.skipIf(!reachable)('embedding cache on a real Redis', () => {
  it('uses embedding: + SHA-256 of model and text as the key', () => {
    const expected = createHash('sha256').update('m').update('\u0000').update('some text').digest('hex');
    expect(cacheKey('m', 'some text')).toBe(`embedding:${expected}`);
  });

  it('misses, then hits; stores with the TTL; keeps order across hits and misses', async () => {
    const cache = new RedisEmbeddingCache(REDIS_URL, 120);
    const provider = new CountingEmbedder();
    const embedder = new CachedEmbedder(provider, cache);
    expect(await cache.ready()).toBe(true);
    try {
      const first = await embedder.embed(['alpha', 'beta']);
      expect(provider.calls).toBe(2);
      const mixed = await embedder.embed(['beta', 'gamma', 'alpha']);
      expect(provider.calls).toBe(3); // only gamma was new
      expect(close(mixed[0] as Vector, first[1] as Vector) && close(mixed[2] as Vector, first[0] as Vector)).toBe(true);
      expect(close(mixed[1] as Vector, embedOffline('gamma'))).toBe(true);
      expect(embedder.stats).toEqual({ hits: 2, misses: 3 });
      const ttl = await cache.client.ttl(cacheKey(provider.model, 'alpha'));
      expect(ttl).toBeGreaterThan(100);
      expect(ttl).toBeLessThanOrEqual(120);
    } finally {
      await cache.client.del(...['alpha', 'beta', 'gamma'].map((t) => cacheKey(provider.model, t)));
      await cache.close();
    }
  });

  it('keeps answering when Redis stops mid-test, and uses it again when it is back', async () => {
    const port = Number(new URL(await closedPort()).port);
    const start = (): ChildProcess => spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
    let server = start();
    const url = `redis://127.0.0.1:${port}`;
    const errors: unknown[] = [];
    const cache = new RedisEmbeddingCache(url, 60, (e) => errors.push(e));
    const provider = new CountingEmbedder();
    const embedder = new CachedEmbedder(provider, cache);
    try {
      expect(await cache.ready(5000)).toBe(true);
      await embedder.embed(['one']);
      await embedder.embed(['one']);
      expect(provider.calls).toBe(1);

      server.kill('SIGKILL');
      await new Promise((resolve) => server.once('exit', resolve));
      const started = Date.now();
      const during = await embedder.embed(['one', 'two']);
      expect(Date.now() - started).toBeLessThan(3000);
      expect(during.map((v) => close(v, embedOffline(v === during[0] ? 'one' : 'two')))).toEqual([true, true]);
      expect(provider.calls).toBe(3); // both recomputed: no cache, no failure
      expect(errors.length).toBeGreaterThan(0);

      // Restart only once the client has seen the connection drop, or "ready" below could be stale.
      for (let i = 0; i < 100 && cache.client.status === 'ready'; i++) await sleep(50);
      expect(cache.client.status).not.toBe('ready');
      server = start();
      expect(await cache.ready(10_000)).toBe(true);
      await embedder.embed(['three']);
      await embedder.embed(['three']);
      expect(provider.calls).toBe(4);
    } finally {
      await cache.close();
      server.kill('SIGKILL');
    }
  });
});

describe('in-process LRU cache', () => {
  it('hits, misses, expires after its TTL, and evicts the least recently used', async () => {
    const cache = new LruEmbeddingCache(2, 1);
    const provider = new CountingEmbedder();
    const embedder = new CachedEmbedder(provider, cache);
    await embedder.embed(['a', 'b']);
    await embedder.embed(['a']);
    expect(provider.calls).toBe(2);
    await embedder.embed(['c']); // evicts b
    await embedder.embed(['b']);
    expect(provider.calls).toBe(4);
    await sleep(1100);
    await embedder.embed(['b']);
    expect(provider.calls).toBe(5);
  });
});
