import { createHash } from 'node:crypto';
import type { Vector } from '../../core/embeddings/vector.ts';
import type { EmbeddingCache, Embedder, CachingEmbedder } from '../../core/ports/embeddings.ts';

/** `embedding:` + SHA-256 hex of the model name, a NUL, and the text (UTF-8). */
export const cacheKey = (model: string, text: string): string =>
  `embedding:${createHash('sha256').update(model, 'utf8').update('\u0000').update(text, 'utf8').digest('hex')}`;

export interface CacheStats {
  hits: number;
  misses: number;
}

/** Looks every text up first and sends only the misses to the provider, keeping input order. */
export class CachedEmbedder implements CachingEmbedder {
  readonly stats: CacheStats = { hits: 0, misses: 0 };

  constructor(
    private readonly inner: Embedder,
    readonly cache: EmbeddingCache,
  ) {}

  get model(): string {
    return this.inner.model;
  }

  async embed(texts: readonly string[]): Promise<Vector[]> {
    const keys = texts.map((t) => cacheKey(this.model, t));
    const cached = await this.cache.getMany(keys);
    const missing = cached.flatMap((v, i) => (v === undefined ? [i] : []));
    this.stats.hits += texts.length - missing.length;
    this.stats.misses += missing.length;
    if (missing.length === 0) return cached as Vector[];
    const fresh = await this.inner.embed(missing.map((i) => texts[i] as string));
    const out = [...cached];
    missing.forEach((i, j) => {
      out[i] = fresh[j];
    });
    await this.cache.setMany(missing.map((i, j) => [keys[i] as string, fresh[j] as Vector] as const));
    return out as Vector[];
  }

  /** Embeds without reading the cache (the quality check wants a fresh answer), then stores it. */
  async embedFresh(texts: readonly string[]): Promise<Vector[]> {
    const fresh = await this.inner.embed(texts);
    await this.cache.setMany(texts.map((t, i) => [cacheKey(this.model, t), fresh[i] as Vector] as const));
    return fresh;
  }
}
