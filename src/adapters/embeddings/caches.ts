import { Redis } from 'ioredis';
import { LRUCache } from 'lru-cache';
import type { EmbeddingCache } from '../../core/ports/embeddings.ts';
import type { Vector } from '../../core/embeddings/vector.ts';

/** Vectors are kept as little-endian float32, as pgvector stores them: 1.5 KB for 384 dimensions. */
const pack = (v: Vector): Buffer => Buffer.from(new Float32Array(v).buffer);
const unpack = (b: Buffer): number[] => Array.from(new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength)));

export class LruEmbeddingCache implements EmbeddingCache {
  readonly kind = 'memory';
  private readonly lru: LRUCache<string, Buffer>;

  constructor(maxEntries: number, ttlSeconds: number) {
    this.lru = new LRUCache({ max: maxEntries, ttl: ttlSeconds * 1000 });
  }

  getMany(keys: readonly string[]): Promise<(Vector | undefined)[]> {
    return Promise.resolve(keys.map((k) => {
      const hit = this.lru.get(k);
      return hit === undefined ? undefined : unpack(hit);
    }));
  }

  setMany(entries: readonly (readonly [string, Vector])[]): Promise<void> {
    for (const [k, v] of entries) this.lru.set(k, pack(v));
    return Promise.resolve();
  }

  delete(keys: readonly string[]): Promise<void> {
    for (const k of keys) this.lru.delete(k);
    return Promise.resolve();
  }
}

/**
 * Redis, shared by every server. Commands fail fast while Redis is unreachable (no offline
 * queue, short command timeout) and every failure reads as a miss or a skipped write, so a Redis
 * outage costs recomputation, never a failed request. ioredis keeps reconnecting behind that.
 */
export class RedisEmbeddingCache implements EmbeddingCache {
  readonly kind = 'redis';
  readonly client: Redis;
  private lastWarning = 0;

  constructor(
    url: string,
    private readonly ttlSeconds: number,
    private readonly onError: (error: unknown) => void = () => undefined,
  ) {
    this.client = new Redis(url, {
      lazyConnect: false,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      connectTimeout: 1000,
      commandTimeout: 500,
      retryStrategy: (times) => Math.min(times * 200, 5000),
    });
    this.client.on('error', (error) => {
      this.warn(error);
    });
  }

  /** At most one report per minute: a down Redis must not flood the log. */
  private warn(error: unknown): void {
    const now = Date.now();
    if (now - this.lastWarning < 60_000) return;
    this.lastWarning = now;
    this.onError(error);
  }

  /** Not connected (yet, or any more): skip Redis rather than wait for it. */
  private get down(): boolean {
    return this.client.status !== 'ready';
  }

  async getMany(keys: readonly string[]): Promise<(Vector | undefined)[]> {
    if (keys.length === 0 || this.down) return keys.map(() => undefined);
    try {
      const values = await this.client.mgetBuffer(...keys);
      return values.map((b) => (b === null ? undefined : unpack(b)));
    } catch (error) {
      this.warn(error);
      return keys.map(() => undefined);
    }
  }

  async setMany(entries: readonly (readonly [string, Vector])[]): Promise<void> {
    if (entries.length === 0 || this.down) return;
    try {
      const pipeline = this.client.pipeline();
      for (const [k, v] of entries) pipeline.set(k, pack(v), 'EX', this.ttlSeconds);
      const results = await pipeline.exec();
      const failed = results?.find(([error]) => error !== null);
      if (failed !== undefined) this.warn(failed[0]);
    } catch (error) {
      this.warn(error);
    }
  }

  async delete(keys: readonly string[]): Promise<void> {
    if (keys.length === 0 || this.down) return;
    try {
      await this.client.del(...keys);
    } catch (error) {
      this.warn(error);
    }
  }

  /** Resolves once connected, or after `ms` either way (for start-up and tests). */
  async ready(ms = 2000): Promise<boolean> {
    for (let waited = 0; this.down && waited < ms; waited += 50) await new Promise((r) => setTimeout(r, 50));
    return !this.down;
  }

  async close(): Promise<void> {
    this.client.disconnect();
    return Promise.resolve();
  }
}
