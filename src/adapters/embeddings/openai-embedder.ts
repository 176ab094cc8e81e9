import type { Embedder } from '../../core/ports/embeddings.ts';
import { dimensionProblem, type Vector } from '../../core/embeddings/vector.ts';
import { EmbeddingServiceError, postJson, type RetryPolicy } from './post-json.ts';

interface Answer {
  data?: { index?: unknown; embedding?: unknown }[];
}

/**
 * The OpenAI-compatible contract (OpenAI, and servers such as text-embeddings-inference, vLLM,
 * Ollama, LocalAI): POST {base}/v1/embeddings with {model, input: [texts]} answering
 * {data: [{index, embedding}]}. Results are placed by their `index`; an answer that does not
 * cover every input exactly once is refused rather than guessed at.
 */
export class OpenAiEmbedder implements Embedder {
  constructor(
    private readonly baseUrl: string,
    readonly model: string,
    private readonly apiKey: string | undefined,
    private readonly policy: RetryPolicy,
    private readonly batchSize = 32,
  ) {}

  private async batch(texts: readonly string[]): Promise<Vector[]> {
    const url = new URL('v1/embeddings', this.baseUrl.endsWith('/') ? this.baseUrl : `${this.baseUrl}/`).toString();
    const headers: Record<string, string> = this.apiKey === undefined ? {} : { authorization: `Bearer ${this.apiKey}` };
    const answer = (await postJson(url, { model: this.model, input: texts, encoding_format: 'float' }, headers, this.policy)) as Answer | null;
    const data = answer?.data;
    if (!Array.isArray(data) || data.length !== texts.length) {
      throw new EmbeddingServiceError(`${url} answered ${Array.isArray(data) ? data.length : 'no'} embeddings for ${texts.length} inputs`, false);
    }
    const out = new Array<Vector | undefined>(texts.length).fill(undefined);
    for (const item of data) {
      const i = item.index;
      if (typeof i !== 'number' || !Number.isInteger(i) || i < 0 || i >= texts.length || out[i] !== undefined) {
        throw new EmbeddingServiceError(`${url} answered an embedding with a missing, repeated or out-of-range index`, false);
      }
      const problem = dimensionProblem(item.embedding);
      if (problem !== undefined) throw new EmbeddingServiceError(`Invalid embedding from ${url}: ${problem}`, false);
      out[i] = item.embedding as number[];
    }
    return out as Vector[];
  }

  async embed(texts: readonly string[]): Promise<Vector[]> {
    const out: Vector[] = [];
    for (let i = 0; i < texts.length; i += this.batchSize) out.push(...(await this.batch(texts.slice(i, i + this.batchSize))));
    return out;
  }
}
