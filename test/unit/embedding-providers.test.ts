import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { HttpEmbedder } from '../../src/adapters/embeddings/http-embedder.ts';
import { OpenAiEmbedder } from '../../src/adapters/embeddings/openai-embedder.ts';
import { EmbeddingServiceError, type RetryPolicy } from '../../src/adapters/embeddings/post-json.ts';
import { embedOffline } from '../../src/core/embeddings/offline-embedder.ts';
import { closedPort } from '../support/net.ts';

/** What the fake service does with the next request; the default answers correctly. */
type Behaviour = 'ok' | 'slow' | '500' | '400' | 'short' | 'shuffled' | 'missing-index';

interface Seen {
  path: string;
  body: { text?: string; model?: string; content_hash?: string; input?: string[] };
  authorization: string | undefined;
}

const read = async (req: IncomingMessage): Promise<string> => {
  let data = '';
  for await (const chunk of req) data += String(chunk);
  return data;
};

/** A real HTTP server speaking both contracts; its vectors are a function of the text, so misalignment shows. */
const fakeService = () => {
  const script: Behaviour[] = [];
  const seen: Seen[] = [];
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    void (async () => {
      const body = JSON.parse(await read(req)) as Seen['body'];
      seen.push({ path: req.url ?? '', body, authorization: req.headers.authorization });
      const behaviour = script.shift() ?? 'ok';
      const send = (status: number, value: unknown): void => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(value));
      };
      if (behaviour === 'slow') await new Promise((r) => setTimeout(r, 400));
      if (behaviour === '500') { send(503, { detail: 'warming up' }); return; }
      if (behaviour === '400') { send(400, { detail: 'bad model' }); return; }
      if (req.url === '/generate-embedding') {
        const v = embedOffline(body.text ?? '');
        send(200, { embedding: behaviour === 'short' ? v.slice(0, 100) : v }); return;
      }
      const input = body.input ?? [];
      let data = input.map((t, index) => ({ object: 'embedding', index, embedding: behaviour === 'short' ? [1, 2, 3] : embedOffline(t) }));
      if (behaviour === 'shuffled') data = [...data].reverse();
      if (behaviour === 'missing-index') data = data.map((d) => ({ ...d, index: 0 }));
      send(200, { object: 'list', data, model: body.model });
    })();
  });
  return { server, script, seen };
};

const POLICY: RetryPolicy = { timeoutMs: 200, retries: 2, baseDelayMs: 10, maxDelayMs: 50 };

describe('embedding providers against a local HTTP server', () => {
  const fake = fakeService();
  let base = '';
  beforeAll(async () => {
    await new Promise<void>((resolve) => fake.server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(fake.server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((resolve) => fake.server.close(resolve));
  });
  beforeEach(() => {
    fake.script.length = 0;
    fake.seen.length = 0;
  });

  describe('the ML service contract (http)', () => {
    it('sends text, model and the SHA-256 of the text, and keeps every result with its input', async () => {
      const texts = Array.from({ length: 9 }, (_, i) => `text number ${i} about ${i % 2 === 0 ? 'maths' : 'ads'}`);
      const vectors = await new HttpEmbedder(base, 'MiniLM-384', POLICY).embed(texts);
      expect(vectors).toEqual(texts.map((t) => embedOffline(t)));
      const first = fake.seen.find((s) => s.body.text === texts[0]);
      expect(first).toMatchObject({ path: '/generate-embedding', body: { model: 'MiniLM-384', content_hash: createHash('sha256').update(texts[0] as string).digest('hex') } });
    });

    it('retries a request that times out, then succeeds', async () => {
      fake.script.push('slow');
      const [v] = await new HttpEmbedder(base, 'm', POLICY).embed(['slow one']);
      expect(v).toEqual(embedOffline('slow one'));
      expect(fake.seen).toHaveLength(2);
    });

    it('retries a 5xx, then succeeds', async () => {
      fake.script.push('500', '500');
      const [v] = await new HttpEmbedder(base, 'm', POLICY).embed(['busy']);
      expect(v).toEqual(embedOffline('busy'));
      expect(fake.seen).toHaveLength(3);
    });

    it('gives up after the bounded retries, saying why', async () => {
      fake.script.push('500', '500', '500', '500');
      await expect(new HttpEmbedder(base, 'm', POLICY).embed(['x'])).rejects.toThrow(/503.*\(after 3 attempts\)/s);
      expect(fake.seen).toHaveLength(3);
    });

    it('refuses a wrong dimension without retrying', async () => {
      fake.script.push('short');
      const error = await new HttpEmbedder(base, 'm', POLICY).embed(['x']).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(EmbeddingServiceError);
      expect((error as EmbeddingServiceError).message).toMatch(/expected 384 dimensions, got 100/);
      expect((error as EmbeddingServiceError).retryable).toBe(false);
      expect(fake.seen).toHaveLength(1);
    });

    it('does not retry a 4xx', async () => {
      fake.script.push('400');
      await expect(new HttpEmbedder(base, 'm', POLICY).embed(['x'])).rejects.toThrow(/400/);
      expect(fake.seen).toHaveLength(1);
    });

    it('reports a service that is down as retryable', async () => {
      const down = new HttpEmbedder(await closedPort(), 'm', { ...POLICY, retries: 1 });
      const error = await down.embed(['x']).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(EmbeddingServiceError);
      expect((error as EmbeddingServiceError).retryable).toBe(true);
      expect((error as Error).message).toMatch(/ECONNREFUSED/);
    });
  });

  describe('the OpenAI-compatible contract (openai)', () => {
    it('sends batches with the key, and places results by index even when answered out of order', async () => {
      fake.script.push('shuffled', 'shuffled', 'shuffled');
      const texts = Array.from({ length: 7 }, (_, i) => `input ${i}`);
      const vectors = await new OpenAiEmbedder(base, 'bge-small', 'sk-test', POLICY, 3).embed(texts);
      expect(vectors).toEqual(texts.map((t) => embedOffline(t)));
      expect(fake.seen.map((s) => s.body.input?.length)).toEqual([3, 3, 1]);
      expect(fake.seen[0]).toMatchObject({ path: '/v1/embeddings', authorization: 'Bearer sk-test', body: { model: 'bge-small' } });
    });

    it('refuses an answer that does not cover every input exactly once', async () => {
      fake.script.push('missing-index');
      await expect(new OpenAiEmbedder(base, 'm', undefined, POLICY).embed(['a', 'b'])).rejects.toThrow(/missing, repeated or out-of-range index/);
    });

    it('refuses a wrong dimension', async () => {
      fake.script.push('short');
      await expect(new OpenAiEmbedder(base, 'm', undefined, POLICY).embed(['a'])).rejects.toThrow(/expected 384 dimensions, got 3/);
    });

    it('retries a timeout and a 5xx, then succeeds', async () => {
      fake.script.push('slow', '500');
      const [v] = await new OpenAiEmbedder(base, 'm', undefined, POLICY).embed(['eventually']);
      expect(v).toEqual(embedOffline('eventually'));
      expect(fake.seen).toHaveLength(3);
    });

    it('never puts the API key in an error', async () => {
      fake.script.push('400');
      const error = (await new OpenAiEmbedder(base, 'm', 'sk-secret-value', POLICY).embed(['a']).catch((e: unknown) => e)) as Error;
      expect(error.message).not.toContain('sk-secret-value');
    });
  });
});
