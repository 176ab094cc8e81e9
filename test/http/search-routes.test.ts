import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemoCatalog } from '../../src/core/use-cases/seed-catalog.ts';
import { createTestApi, type TestApi } from '../support/api.ts';
import { drainJobs } from '../support/embeddings.ts';
import { engines } from '../support/engines.ts';
import { DEMO_CATALOG } from '../../src/catalog/demo-catalog.ts';

describe.each(await engines())('search and embedding quality routes (%s)', (engine) => {
  let api: TestApi;
  beforeAll(async () => {
    api = await createTestApi(engine);
    await seedDemoCatalog(api.t.write, DEMO_CATALOG);
    await drainJobs(api.t.embeddings);
  });
  afterAll(async () => {
    await api.close();
  });

  it('GET /search ranks by meaning and text, with scores and reasons', async () => {
    const res = await api.app.inject({ url: '/api/v1/search?q=grow%20our%20followers%20on%20TikTok&limit=3', headers: await api.auth(['reader']) });
    expect(res.statusCode).toBe(200);
    const body = res.json<{ query: string; mode: string; model: string; hits: { kind: string; name: string; scores: Record<string, number | null>; why: string[] }[] }>();
    expect(body).toMatchObject({ query: 'grow our followers on TikTok', mode: 'hybrid', model: 'plant-offline-v1' });
    expect(body.hits).toHaveLength(3);
    expect(body.hits[0]).toMatchObject({ kind: 'JobRole', name: 'Social Media Manager' });
    expect(body.hits[0]?.scores.vector).toBeGreaterThan(0);
    expect(body.hits[0]?.why.some((w) => w.startsWith('meaning: '))).toBe(true);
    expect(body.hits[0]?.why.some((w) => w.includes('"TikTok"'))).toBe(true);
  });

  it('filters by kind and certification, and validates its query', async () => {
    const auth = await api.auth(['reader']);
    const skills = await api.app.inject({ url: '/api/v1/search?q=exams&kind=Skill&certified_only=true', headers: auth });
    expect(skills.json<{ hits: { kind: string; name: string }[] }>().hits.every((h) => h.kind === 'Skill')).toBe(true);
    expect(skills.json<{ hits: { name: string }[] }>().hits[0]?.name).toBe('Test Prep');
    for (const bad of ['', '?q=', '?q=x&kind=Team', '?q=x&limit=0', '?q=x&limit=101', '?q=x&industry_id=nope', `?q=${'x'.repeat(501)}`, '?q=x&status=gone']) {
      const res = await api.app.inject({ url: `/api/v1/search${bad}`, headers: auth });
      expect(res.statusCode, bad).toBe(422);
      expect(res.json()).toMatchObject({ error_code: 'VALIDATION_ERROR' });
    }
    const none = await api.app.inject({ url: '/api/v1/search?q=%21%21%21', headers: auth });
    expect(none.statusCode).toBe(200);
    expect(none.json<{ hits: unknown[] }>().hits).toEqual([]);
  });

  it('/metrics reports the embedding queue', async () => {
    const res = await api.app.inject({ url: '/metrics' });
    expect(res.body).toContain('plant_embedding_jobs{state="queued"} 0');
    expect(res.body).toContain('plant_embedding_jobs{state="dead"} 0');
  });

  it('POST /embeddings/quality runs the check (governance or auditor); GET lists the reports', async () => {
    const denied = await api.app.inject({ method: 'POST', url: '/api/v1/embeddings/quality', headers: await api.auth(['operator']) });
    expect(denied.statusCode).toBe(403);
    const run = await api.app.inject({ method: 'POST', url: '/api/v1/embeddings/quality', headers: await api.auth(['auditor'], 'carol') });
    expect(run.statusCode).toBe(200);
    expect(run.json()).toMatchObject({ trigger: 'manual', requested_by: 'carol', state: 'done', report: { total_entities: 82, checked: 82, stable_count: 82 } });
    const list = await api.app.inject({ url: '/api/v1/embeddings/quality?limit=5', headers: await api.auth(['reader']) });
    expect(list.json<{ runs: { id: number }[] }>().runs[0]?.id).toBe(run.json<{ id: number }>().id);
  });
});
