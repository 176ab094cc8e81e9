import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CachedEmbedder } from '../../src/adapters/embeddings/cached-embedder.ts';
import { LruEmbeddingCache } from '../../src/adapters/embeddings/caches.ts';
import { qualityDeps } from '../../src/composition/deps.ts';
import { createEmbeddings, type Embeddings } from '../../src/composition/embeddings.ts';
import { runQualityCheck } from '../../src/core/use-cases/embedding-quality.ts';
import type { JobLogger } from '../../src/jobs/job.ts';
import { qualitySchedule } from '../../src/jobs/quality-schedule.ts';
import { embedOffline, OFFLINE_MODEL } from '../../src/core/embeddings/offline-embedder.ts';
import type { Embedder } from '../../src/core/ports/embeddings.ts';
import { cosine, type Vector } from '../../src/core/embeddings/vector.ts';
import { createSkill } from '../../src/core/use-cases/create.ts';
import { drainJobs } from '../support/embeddings.ts';
import { engines } from '../support/engines.ts';
import { createTestLedger, GOVERNANCE, testEmbeddingsConfig, type TestLedger } from '../support/ledger.ts';

/** The same model name, but the service now answers differently for texts about SEO (a silent model change). */
class DriftingEmbedder implements Embedder {
  readonly model = OFFLINE_MODEL;
  embed(texts: readonly string[]): Promise<Vector[]> {
    return Promise.resolve(texts.map((t) => (t.includes('SEO') ? embedOffline(`${t} completely different words now`).reverse() : embedOffline(t))));
  }
}

/** A scheduled run that fails fails the test. */
const failOnError: JobLogger = { info: () => undefined, warn: () => undefined, error: (o) => { throw (o as { err: unknown }).err; } };

describe.each(await engines())('embedding quality monitor on %s', (engine) => {
  let t: TestLedger;
  const ids: Record<string, string> = {};
  beforeAll(async () => {
    t = await createTestLedger(engine);
    for (const [name, description] of [['SEO Audits', 'SEO audits of websites.'], ['Copywriting', 'Writes landing pages.'], ['Bookkeeping', 'Keeps the books.']] as const) {
      ids[name] = (await createSkill(t.write, GOVERNANCE, { name, category: 'technical', description })).id;
    }
    await drainJobs(t.embeddings);
  });
  afterAll(async () => {
    await t.close();
  });

  const withProvider = (provider: Embedder): Embeddings => ({
    ...createEmbeddings(testEmbeddingsConfig(), t.service),
    embedder: new CachedEmbedder(provider, new LruEmbeddingCache(100, 60)),
  });

  it('finds every vector stable when the provider answers as before, and records it on each entity', async () => {
    const run = await runQualityCheck(qualityDeps(t.embeddings), 'manual', 'tester');
    expect(run).toMatchObject({ trigger: 'manual', requested_by: 'tester', state: 'done', threshold: 0.85, model: OFFLINE_MODEL });
    expect(run?.report).toMatchObject({ total_entities: 3, checked: 3, stable_count: 3, skipped: 0, drift_detected: [], regenerated: [], errors: [] });
    const entity = await t.store.getEntity(ids['Copywriting'] as string);
    expect(entity?.drift_detector).toMatchObject({ stability_score: 1, threshold: 0.85, drifted: false, model: OFFLINE_MODEL });
    expect(entity?.version).toBe(1); // operational column: no amendment
  });

  it('regenerates what drifted below the threshold, records why, and keeps the report', async () => {
    const drifting = withProvider(new DriftingEmbedder());
    const run = await runQualityCheck(qualityDeps(drifting), 'manual', 'tester');
    const report = run?.report;
    expect(report?.drift_detected.map((d) => d.entity_id)).toEqual([ids['SEO Audits']]);
    expect(report?.drift_detected[0]?.stability_score).toBeLessThan(0.85);
    expect(report?.regenerated).toEqual([ids['SEO Audits']]);
    expect(report?.stable_count).toBe(2);
    const entity = await t.store.getEntity(ids['SEO Audits'] as string);
    expect(entity?.drift_detector).toMatchObject({ drifted: true, auto_regenerated: true, threshold: 0.85 });
    expect(entity?.drift_detector.last_regenerated).toBe(entity?.drift_detector.last_checked_at);
    // The stored vector is now the provider's new answer, so the next check is stable.
    const { rows } = await t.owner.query<{ v: string; body: string }>('SELECT embedding::text AS v, body FROM search_documents WHERE entity_id = $1', [ids['SEO Audits']]);
    const [fresh] = await new DriftingEmbedder().embed([rows[0]?.body ?? '']);
    expect(cosine(JSON.parse(rows[0]?.v ?? '[]') as number[], fresh as Vector)).toBeGreaterThan(0.9999);
    expect((await runQualityCheck(qualityDeps(drifting), 'manual', 'tester'))?.report?.drift_detected).toEqual([]);
    // And the audit trail: newest run first.
    const runs = await t.embeddings.quality.runs(10);
    expect(runs.map((r) => r.report?.drift_detected.length)).toEqual([0, 1, 0]);
  });

  it('counts entities not embedded yet as skipped, and a provider failure as errors, not a crash', async () => {
    await createSkill(t.write, GOVERNANCE, { name: 'Not Yet Embedded', category: 'technical', description: 'Waiting for its job.' });
    const failing = withProvider({ model: OFFLINE_MODEL, embed: () => Promise.reject(new Error('provider down')) });
    const run = await runQualityCheck(qualityDeps(failing), 'manual', 'tester');
    expect(run?.state).toBe('done');
    expect(run?.report).toMatchObject({ total_entities: 4, checked: 0, skipped: 1 });
    expect(run?.report?.errors).toHaveLength(3);
    expect(run?.report?.errors[0]?.error).toBe('provider down');
    await drainJobs(t.embeddings);
  });

  it('a schedule kept by several servers runs each slot once', async () => {
    // Two "servers", both firing every second, for a little over two seconds.
    const stops = [0, 1].map(() => qualitySchedule(qualityDeps(t.embeddings), '* * * * * *', failOnError).start());
    await sleep(2300);
    await Promise.all(stops.map((stop) => stop()));
    const scheduled = (await t.embeddings.quality.runs(100)).filter((r) => r.trigger === 'schedule');
    const slots = scheduled.map((r) => r.slot);
    // At least four firings; one run per minute they fell in (one, or two across a minute boundary).
    expect(scheduled.length).toBeGreaterThanOrEqual(1);
    expect(scheduled.length).toBeLessThanOrEqual(2);
    expect(slots.every((s) => s !== null)).toBe(true);
    expect(new Set(slots).size).toBe(slots.length);
    expect(scheduled.every((r) => r.requested_by === 'plant:scheduler')).toBe(true);
  });
});
