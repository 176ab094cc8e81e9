import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sql } from '../../src/adapters/db/sql.ts';
import { databaseHealth } from '../../src/adapters/db/migrate.ts';
import { buildApp } from '../../src/http/app.ts';
import { createTestApi, DEFAULT_HTTP, type TestApi } from '../support/api.ts';
import { engines } from '../support/engines.ts';

const down: Sql = { query: () => Promise.reject(new Error('ECONNREFUSED')), exec: () => Promise.reject(new Error('ECONNREFUSED')) };

describe.each(await engines())('health and metrics on %s', (engine) => {
  let api: TestApi;
  beforeAll(async () => {
    api = await createTestApi(engine);
  });
  afterAll(async () => {
    await api.close();
  });

  it('GET /health answers without the database', async () => {
    const app = await buildApp({ ...api.deps, health: databaseHealth(down, engine) }, DEFAULT_HTTP);
    const res = await app.inject({ method: 'GET', url: '/health' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'ok' });
  });

  it('GET /health/ready is 200 when migrations are current', async () => {
    const res = await api.app.inject({ method: 'GET', url: '/health/ready' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ status: 'ready', migrations: { current: true } });
  });

  it('GET /health/ready is 503 when the database is unreachable', async () => {
    const app = await buildApp({ ...api.deps, health: databaseHealth(down, engine) }, DEFAULT_HTTP);
    const res = await app.inject({ method: 'GET', url: '/health/ready' });
    expect(res.statusCode).toBe(503);
    expect(res.json()).toMatchObject({ status: 'not_ready', database: 'unreachable' });
  });

  it('GET /health/ready is 503 when a committed migration is not applied', async () => {
    const stale: Sql = {
      query: <T,>(text: string, params?: readonly unknown[]) =>
        api.t.service.query<T>(text.includes('plant_migrations') ? 'SELECT version, checksum FROM plant_migrations WHERE false' : text, params),
      exec: (s: string) => api.t.service.exec(s),
    };
    const app = await buildApp({ ...api.deps, health: databaseHealth(stale, engine) }, DEFAULT_HTTP);
    const res = await app.inject({ method: 'GET', url: '/health/ready' });
    expect(res.statusCode).toBe(503);
    expect(res.json()).toMatchObject({ status: 'not_ready', migrations: { current: false, applied: 0 } });
  });

  it('GET /metrics exposes Prometheus counters, including requests just served', async () => {
    await api.app.inject({ method: 'GET', url: '/health' });
    const res = await api.app.inject({ method: 'GET', url: '/metrics' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/plain');
    expect(res.body).toMatch(/plant_http_requests_total\{method="GET",route="\/health",status="200"\} \d+/);
    expect(res.body).toContain('plant_process_cpu_seconds_total');
  });
});
