import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consoleCsp, loadConsole } from '../../src/http/console.ts';
import { createTestApi, type TestApi } from '../support/api.ts';

// The console's files and its development sign-in, as the HTTP adapter serves them.
describe('serving the console, and its development sign-in', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'plant-console-build-'));
  let api: TestApi;
  let plain: TestApi;
  beforeAll(async () => {
    mkdirSync(path.join(dir, 'assets'));
    writeFileSync(path.join(dir, 'index.html'), '<!doctype html><title>console</title><script type="module" src="/assets/app-1234.js"></script>');
    writeFileSync(path.join(dir, 'assets', 'app-1234.js'), 'export {};');
    writeFileSync(path.join(dir, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
    api = await createTestApi('pglite', { console: loadConsole(dir), devTokens: true });
    plain = await createTestApi('pglite');
  });
  afterAll(async () => {
    await api.close();
    await plain.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves the files without a token: assets cached for a year, pages revalidated, all under the CSP', async () => {
    const index = await api.app.inject({ url: '/' });
    expect(index.statusCode).toBe(200);
    expect(index.headers['content-type']).toMatch(/^text\/html/);
    expect(index.headers['cache-control']).toBe('no-cache');
    expect(index.headers['content-security-policy']).toBe(consoleCsp());
    expect(index.headers['x-content-type-options']).toBe('nosniff');
    const asset = await api.app.inject({ url: '/assets/app-1234.js' });
    expect(asset.statusCode).toBe(200);
    expect(asset.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect((await api.app.inject({ url: '/favicon.svg' })).headers['cache-control']).toBe('no-cache');
    expect((await api.app.inject({ method: 'POST', url: '/favicon.svg' })).statusCode).toBe(405);
    expect(loadConsole(path.join(dir, 'missing'))).toBeNull();
  });

  it('answers a browser on a client route with index.html, and everything else with the usual problems', async () => {
    const html = { accept: 'text/html,application/xhtml+xml' };
    const page = await api.app.inject({ url: '/entities/0190d9b2-0000-7000-8000-000000000000?tab=history', headers: html });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('<title>console</title>');
    expect(page.headers['content-security-policy']).toBe(consoleCsp());
    for (const miss of ['/api/v1/nowhere', '/docs/nowhere', '/health/nowhere', '/.well-known/nowhere']) {
      const res = await api.app.inject({ url: miss, headers: html });
      expect(res.statusCode, miss).toBe(404);
      expect(res.json(), miss).toMatchObject({ error_code: 'NOT_FOUND' });
    }
    expect((await api.app.inject({ url: '/search', headers: { accept: 'application/json' } })).statusCode).toBe(404);
    expect((await api.app.inject({ method: 'DELETE', url: '/search', headers: html })).statusCode).toBe(404);
    // A server without the console built has neither the files nor the fallback.
    expect((await plain.app.inject({ url: '/', headers: html })).statusCode).toBe(404);
  });

  it('says how to sign in: the development sign-in here, OpenID Connect where configured, whose issuer the CSP lets the page call', async () => {
    expect((await api.app.inject({ url: '/api/v1/auth/sign-in' })).json()).toEqual({ development: true, oidc: null });
    expect((await plain.app.inject({ url: '/api/v1/auth/sign-in' })).json()).toEqual({ development: false, oidc: null });
    const oidc = { authority: 'https://id.example.com/realms/plant', client_id: 'plant-console', scope: 'openid', roles_claim: 'realm_access.roles' };
    const sso = await createTestApi('pglite', { console: loadConsole(dir, ['https://id.example.com']), oidc });
    try {
      expect((await sso.app.inject({ url: '/api/v1/auth/sign-in' })).json()).toEqual({ development: false, oidc });
      const page = await sso.app.inject({ url: '/auth/callback?code=x&state=y', headers: { accept: 'text/html' } });
      expect(page.statusCode).toBe(200);
      expect(page.headers['content-security-policy']).toContain("connect-src 'self' https://id.example.com;");
      expect((await sso.app.inject({ method: 'POST', url: '/api/v1/auth/dev-token', payload: { subject: 'a', roles: ['admin'] } })).statusCode).toBe(404);
    } finally {
      await sso.close();
    }
  });

  it('mints development tokens for callers on this machine only, and only where it was enabled', async () => {
    const offer = await api.app.inject({ url: '/api/v1/auth/dev-token' });
    expect(offer.json()).toMatchObject({ roles: ['reader', 'operator', 'governance', 'auditor', 'admin'] });
    const minted = await api.app.inject({ method: 'POST', url: '/api/v1/auth/dev-token', payload: { subject: 'alice', roles: ['governance'] } });
    expect(minted.statusCode).toBe(200);
    const { access_token: token } = minted.json<{ access_token: string }>();
    const queue = await api.app.inject({ url: '/api/v1/governance/queue', headers: { authorization: `Bearer ${token}` } });
    expect(queue.statusCode).toBe(200);
    const denied = await api.app.inject({ method: 'POST', url: '/api/v1/auth/dev-token', remoteAddress: '10.1.2.3', payload: { subject: 'mallory', roles: ['admin'] } });
    expect(denied.statusCode).toBe(403);
    expect((await api.app.inject({ url: '/api/v1/auth/dev-token', remoteAddress: '10.1.2.3' })).statusCode).toBe(403);
    for (const bad of [{ subject: '', roles: ['reader'] }, { subject: 'a', roles: [] }, { subject: 'a', roles: ['root'] }, { subject: 'a<b>', roles: ['reader'] }, { subject: 'a', roles: ['reader'], ttl: 1 }]) {
      expect((await api.app.inject({ method: 'POST', url: '/api/v1/auth/dev-token', payload: bad })).statusCode, JSON.stringify(bad)).toBe(422);
    }
    expect((await plain.app.inject({ method: 'POST', url: '/api/v1/auth/dev-token', payload: { subject: 'alice', roles: ['admin'] } })).statusCode).toBe(404);
  });
});
