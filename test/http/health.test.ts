import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/http/app.ts';
import { createTestDatabase, engines, type TestDatabase } from '../support/engines.ts';

describe.each(await engines())('health routes on %s', (engine) => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase(engine);
  });
  afterAll(async () => {
    await db.close();
  });

  it('GET /health answers without the database', async () => {
    const app = buildApp({ pool: { query: () => Promise.reject(new Error('down')), exec: () => Promise.reject(new Error('down')) }, engine, logLevel: 'silent' });
    const res = await app.inject({ method: 'GET', url: '/health' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'ok' });
  });

  it('GET /health/ready is 200 when migrations are current', async () => {
    const app = buildApp({ pool: db.service, engine, logLevel: 'silent' });
    const res = await app.inject({ method: 'GET', url: '/health/ready' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ status: 'ready', migrations: { current: true } });
  });

  it('GET /health/ready is 503 when the database is unreachable', async () => {
    const app = buildApp({ pool: { query: () => Promise.reject(new Error('ECONNREFUSED')), exec: () => Promise.reject(new Error('x')) }, engine, logLevel: 'silent' });
    const res = await app.inject({ method: 'GET', url: '/health/ready' });
    expect(res.statusCode).toBe(503);
    expect(res.json()).toMatchObject({ status: 'not_ready', database: 'unreachable' });
  });

  it('GET /health/ready is 503 when a committed migration is not applied', async () => {
    const stale = {
      query: <T,>(text: string, params?: readonly unknown[]) =>
        db.service.query<T>(text.includes('plant_migrations') ? 'SELECT version, checksum FROM plant_migrations WHERE false' : text, params),
      exec: (s: string) => db.service.exec(s),
    };
    const app = buildApp({ pool: stale, engine, logLevel: 'silent' });
    const res = await app.inject({ method: 'GET', url: '/health/ready' });
    expect(res.statusCode).toBe(503);
    expect(res.json()).toMatchObject({ status: 'not_ready', migrations: { current: false, applied: 0 } });
  });
});
