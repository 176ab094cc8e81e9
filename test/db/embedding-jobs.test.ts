import { createServer, type Server } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpEmbedder } from '../../src/adapters/embeddings/http-embedder.ts';
import { createEmbeddings, workerOptions } from '../../src/composition/embeddings.ts';
import { embedOffline, OfflineEmbedder } from '../../src/core/embeddings/offline-embedder.ts';
import type { Embedder } from '../../src/core/ports/embeddings.ts';
import type { Vector } from '../../src/core/embeddings/vector.ts';
import { processEmbeddingBatch } from '../../src/core/use-cases/embedding-worker.ts';
import { createSkill } from '../../src/core/use-cases/create.ts';
import { evolve } from '../../src/core/use-cases/evolve.ts';
import { seedDemoCatalog } from '../../src/core/use-cases/seed-catalog.ts';
import { drainJobs } from '../support/embeddings.ts';
import { engines } from '../support/engines.ts';
import { createTestLedger, GOVERNANCE, testEmbeddingsConfig, type TestLedger } from '../support/ledger.ts';
import { closedPort } from '../support/net.ts';
import { DEMO_CATALOG } from '../../src/catalog/demo-catalog.ts';

/** Records every text it is asked for, slowly, so two workers really overlap. */
class RecordingEmbedder implements Embedder {
  readonly model = new OfflineEmbedder().model;
  readonly texts: string[] = [];
  async embed(texts: readonly string[]): Promise<Vector[]> {
    this.texts.push(...texts);
    await sleep(15);
    return texts.map((t) => embedOffline(t));
  }
}

const jobRow = async (t: TestLedger, id: string) =>
  (await t.owner.query<{ state: string; attempts: number; last_error: string | null; due: boolean; locked_by: string | null }>(
    'SELECT state, attempts, last_error, run_at <= now() AS due, locked_by FROM embedding_jobs WHERE entity_id = $1',
    [id],
  )).rows[0];

const embeddedBody = async (t: TestLedger, id: string) =>
  (await t.owner.query<{ embedded_body: string | null; body: string }>('SELECT embedded_body, body FROM search_documents WHERE entity_id = $1', [id])).rows[0];

describe.each(await engines())('embedding jobs on %s', (engine) => {
  let t: TestLedger;
  beforeAll(async () => {
    t = await createTestLedger(engine);
  });
  afterAll(async () => {
    await t.close();
  });

  it('a write queues its job in the same transaction, and a failed write queues nothing', async () => {
    const skill = await createSkill(t.write, GOVERNANCE, { name: 'Video Editing', category: 'technical', description: 'Cuts and grades videos.' });
    expect(await jobRow(t, skill.id)).toMatchObject({ state: 'queued', attempts: 0 });
    await expect(createSkill(t.write, GOVERNANCE, { name: 'video editing', category: 'technical', description: 'dup' })).rejects.toThrow(/already exists/);
    expect((await t.owner.query('SELECT 1 FROM search_documents WHERE body LIKE $1', ['video editing. %'])).rowCount).toBe(0);
    await drainJobs(t.embeddings);
  });

  it('two workers never process the same job', async () => {
    await seedDemoCatalog(t.write, DEMO_CATALOG);
    const pending = await t.embeddings.queue.pending();
    expect(pending).toBe(82);
    const recorders = [new RecordingEmbedder(), new RecordingEmbedder()];
    const stored = [0, 0];
    await Promise.all(
      recorders.map(async (embedder, w) => {
        const options = workerOptions(testEmbeddingsConfig(), { workerId: `worker-${w}`, batchSize: 5 });
        for (;;) {
          const r = await processEmbeddingBatch(t.embeddings.queue, embedder, options);
          stored[w] = (stored[w] ?? 0) + r.stored;
          if (r.claimed === 0) return;
        }
      }),
    );
    const all = recorders.flatMap((r) => r.texts);
    expect(new Set(all).size).toBe(all.length);
    expect(all).toHaveLength(82);
    expect((stored[0] ?? 0) + (stored[1] ?? 0)).toBe(82);
    // Both took part (on PGlite they interleave on its one session; on PostgreSQL they overlap).
    expect(recorders.every((r) => r.texts.length > 0)).toBe(true);
    expect(await t.embeddings.queue.pending()).toBe(0);
  });

  it('a job whose worker crashed is taken again when its lease expires', async () => {
    const skill = await createSkill(t.write, GOVERNANCE, { name: 'Lost Lease', category: 'technical', description: 'Left behind by a crashed worker.' });
    const options = workerOptions(testEmbeddingsConfig(), { workerId: 'crashing', leaseSeconds: 1 });
    const claimed = await t.embeddings.queue.claim('crashing', 10, 1, options.maxAttempts);
    expect(claimed.map((j) => j.entityId)).toEqual([skill.id]);
    // The worker dies here. Another one finds nothing to do while the lease holds...
    expect(await t.embeddings.queue.claim('survivor', 10, 30, options.maxAttempts)).toEqual([]);
    await sleep(1200);
    // ...and takes it once the lease has expired.
    const r = await processEmbeddingBatch(t.embeddings.queue, t.embeddings.embedder, { ...options, workerId: 'survivor' });
    expect(r).toMatchObject({ claimed: 1, stored: 1 });
    expect(await jobRow(t, skill.id)).toBeUndefined();
    // The crashed worker's late completion stores nothing: it no longer holds the lease.
    expect(await t.embeddings.queue.complete('crashing', 'plant-offline-v1', claimed.map((job) => ({ job, vector: embedOffline('stale') })))).toEqual([]);
  });

  it('a text that changes while its job runs is embedded again, never stored stale', async () => {
    const skill = await createSkill(t.write, GOVERNANCE, { name: 'Moving Target', category: 'technical', description: 'First text.' });
    const [job] = await t.embeddings.queue.claim('w', 1, 30, 10);
    expect(job?.entityId).toBe(skill.id);
    await evolve(t.write, GOVERNANCE, skill.id, { changes: { description: 'Second text.' } });
    expect(await t.embeddings.queue.complete('w', 'plant-offline-v1', [{ job: job as NonNullable<typeof job>, vector: embedOffline(job?.body ?? '') }])).toEqual([]);
    expect(await jobRow(t, skill.id)).toMatchObject({ state: 'queued', due: true, locked_by: null });
    await drainJobs(t.embeddings);
    const doc = await embeddedBody(t, skill.id);
    expect(doc?.embedded_body).toBe(doc?.body);
    expect(doc?.body).toContain('Second text.');
  });

  it('with the embedding service down, writes succeed and jobs retry until the service is back', async () => {
    const url = await closedPort();
    const policy = { timeoutMs: 300, retries: 1, baseDelayMs: 10, maxDelayMs: 20 };
    const down = createEmbeddings(testEmbeddingsConfig(), t.service, undefined, new HttpEmbedder(url, 'MiniLM-384', policy));
    const skill = await createSkill(t.write, GOVERNANCE, { name: 'Resilient Writes', category: 'technical', description: 'Still written while ML is down.' });
    expect((await t.store.getEntity(skill.id))?.version).toBe(1);
    const options = workerOptions(testEmbeddingsConfig(), { workerId: 'w-down', retryBaseSeconds: 0.3, retryMaxSeconds: 1 });
    const failed = await processEmbeddingBatch(down.queue, down.embedder, options);
    expect(failed).toMatchObject({ claimed: 1, stored: 0, failed: 1 });
    expect(failed.error).toMatch(/ECONNREFUSED/);
    expect(await jobRow(t, skill.id)).toMatchObject({ state: 'queued', attempts: 1, due: false, locked_by: null });
    expect((await jobRow(t, skill.id))?.last_error).toMatch(/ECONNREFUSED/);
    // Not due yet: the backoff holds it back.
    expect((await processEmbeddingBatch(down.queue, down.embedder, options)).claimed).toBe(0);

    // The service comes back on the same port.
    const port = Number(new URL(url).port);
    const server: Server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ embedding: embedOffline((JSON.parse(body) as { text: string }).text) }));
      });
    });
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    try {
      let stored = 0;
      for (let i = 0; i < 40 && stored === 0; i++) {
        await sleep(100);
        stored = (await processEmbeddingBatch(down.queue, down.embedder, options)).stored;
      }
      expect(stored).toBe(1);
      expect(await jobRow(t, skill.id)).toBeUndefined();
      expect((await t.embeddings.queue.stats('MiniLM-384')).embedded).toBe(1);
    } finally {
      await new Promise((resolve) => server.close(resolve));
      await down.close();
    }
    // That vector is another model's: the offline worker re-queues and re-embeds it.
    expect(await t.embeddings.queue.requeueOtherModels('plant-offline-v1')).toBe(1);
    expect(await drainJobs(t.embeddings)).toBe(1);
  });

  it('after max attempts a job is dead-lettered; retry puts it back', async () => {
    const skill = await createSkill(t.write, GOVERNANCE, { name: 'Always Failing', category: 'technical', description: 'Poison.' });
    const broken: Embedder = { model: 'plant-offline-v1', embed: () => Promise.reject(new Error('model exploded')) };
    const options = workerOptions(testEmbeddingsConfig(), { workerId: 'w-dead', maxAttempts: 2, retryBaseSeconds: 0, retryMaxSeconds: 0 });
    await processEmbeddingBatch(t.embeddings.queue, broken, options);
    await processEmbeddingBatch(t.embeddings.queue, broken, options);
    expect(await jobRow(t, skill.id)).toMatchObject({ state: 'dead', attempts: 2, last_error: 'model exploded' });
    expect((await t.embeddings.queue.dead()).map((d) => [d.entity_id, d.name])).toEqual([[skill.id, 'Always Failing']]);
    expect((await processEmbeddingBatch(t.embeddings.queue, broken, options)).claimed).toBe(0);
    expect(await t.embeddings.queue.retry([skill.id])).toEqual([skill.id]);
    expect(await drainJobs(t.embeddings)).toBe(1);
    expect(await t.embeddings.queue.dead()).toEqual([]);
  });
});
