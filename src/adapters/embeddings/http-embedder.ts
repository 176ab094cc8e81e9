import { createHash } from 'node:crypto';
import type { Embedder } from '../../core/ports/embeddings.ts';
import { dimensionProblem, type Vector } from '../../core/embeddings/vector.ts';
import { EmbeddingServiceError, postJson, type RetryPolicy } from './post-json.ts';

/**
 * The seed's ML service contract: POST {base}/generate-embedding with {text, model, content_hash}
 * (content_hash = SHA-256 hex of the text's UTF-8) answering {embedding}. One text per call, so a
 * batch is several calls, at most `concurrency` at a time, each result stored at its input's index.
 */
export class HttpEmbedder implements Embedder {
  constructor(
    private readonly baseUrl: string,
    readonly model: string,
    private readonly policy: RetryPolicy,
    private readonly concurrency = 4,
  ) {}

  private async one(text: string): Promise<Vector> {
    const url = new URL('generate-embedding', this.baseUrl.endsWith('/') ? this.baseUrl : `${this.baseUrl}/`).toString();
    const contentHash = createHash('sha256').update(text, 'utf8').digest('hex');
    const answer = (await postJson(url, { text, model: this.model, content_hash: contentHash }, {}, this.policy)) as { embedding?: unknown } | null;
    const embedding = answer?.embedding;
    const problem = dimensionProblem(embedding);
    if (problem !== undefined) throw new EmbeddingServiceError(`Invalid embedding from ${url}: ${problem}`, false);
    return embedding as number[];
  }

  async embed(texts: readonly string[]): Promise<Vector[]> {
    const out = new Array<Vector>(texts.length);
    let next = 0;
    const lane = async (): Promise<void> => {
      while (next < texts.length) {
        const i = next++;
        out[i] = await this.one(texts[i] as string);
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.concurrency, texts.length) }, lane));
    return out;
  }
}
