import type { ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { exportJWK, generateKeyPair } from 'jose';
import Provider from 'oidc-provider';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserMissing, launchChromium } from '../support/browser.ts';
import { createTestDatabase, postgresReachable, type TestDatabase } from '../support/engines.ts';
import { startServe, stopServe } from '../support/serve.ts';

const root = path.resolve(import.meta.dirname, '../..');
const SHOTS = path.join(root, 'test-artifacts', 'console');
const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const AUDIENCE = 'https://plant.test/api';
/** What the identity provider says each person may do in Plant (its `roles` claim). */
const ROLES: Record<string, string[]> = { gina: ['governance'], rita: ['reader'] };

// A real OpenID provider (the oidc-provider package, its development login screens) on loopback;
// Plant trusts its JWKS, and the console signs in with authorization code + PKCE.
describe.skipIf(browserMissing() || !(await postgresReachable()))('console sign-in with OpenID Connect against a local provider', () => {
  let db: TestDatabase;
  let server: ChildProcess;
  let idp: Server;
  let browser: Browser;
  let url = '';
  let issuer = '';
  const dir = mkdtempSync(path.join(tmpdir(), 'plant-console-oidc-'));

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    db = await createTestDatabase('postgres');
    // The issuer's URL is needed before Plant starts, and Plant's before the client is registered.
    idp = createServer();
    await new Promise<void>((resolve) => idp.listen(0, '127.0.0.1', resolve));
    issuer = `http://127.0.0.1:${String((idp.address() as AddressInfo).port)}`;
    const env = {
      ...process.env, PORT: '0', LOG_LEVEL: 'warn', JWT_SECRET: '', SIGNING_ALGORITHM: 'Ed25519', PLANT_DATA_DIR: dir, DATABASE_URL: db.adminUrl ?? '',
      DB_APP_ROLE: 'plant_app_console_oidc', NODE_ENV: 'development', PLANT_TOKEN: '',
      JWT_JWKS_URL: `${issuer}/jwks`, JWT_ISSUER: issuer, JWT_AUDIENCE: AUDIENCE, CONSOLE_OIDC_CLIENT_ID: 'plant-console', CONSOLE_OIDC_SCOPE: 'openid plant',
    };
    ({ child: server, url } = await startServe(env));
    const { privateKey } = await generateKeyPair('RS256', { extractable: true });
    const provider = new Provider(issuer, {
      clients: [{ client_id: 'plant-console', token_endpoint_auth_method: 'none', redirect_uris: [`${url}/auth/callback`], grant_types: ['authorization_code'], response_types: ['code'] }],
      jwks: { keys: [{ ...(await exportJWK(privateKey)), kid: 'idp-test', alg: 'RS256', use: 'sig' }] as never },
      cookies: { keys: ['a cookie key for this test only'] },
      scopes: ['openid', 'profile', 'plant'],
      pkce: { required: () => true },
      clientBasedCORS: (_ctx, origin) => origin === new URL(url).origin,
      findAccount: (_ctx, id) => ({ accountId: id, claims: () => ({ sub: id }) }),
      extraTokenClaims: (_ctx, token) => ({ roles: ROLES[(token as { accountId?: string }).accountId ?? ''] ?? [] }),
      features: {
        devInteractions: { enabled: true },
        // Access tokens as JWTs for Plant's audience, what Plant verifies against the JWKS.
        resourceIndicators: {
          enabled: true,
          defaultResource: () => AUDIENCE,
          useGrantedResource: () => true,
          getResourceServerInfo: () => ({ scope: 'plant', audience: AUDIENCE, accessTokenFormat: 'jwt', jwt: { sign: { alg: 'RS256' } } }),
        },
      },
    });
    const handle = provider.callback();
    idp.on('request', (req: IncomingMessage, res: ServerResponse) => void handle(req, res));
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await stopServe(server);
    await new Promise((resolve) => { idp?.close(resolve); });
    await db?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('signs in at the provider with code + PKCE, comes back signed in with the roles it granted, and writes with that token', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 860 } });
    const page = await context.newPage();
    const host = new URL(issuer).host;
    await page.goto(`${url}/`);
    await page.getByRole('button', { name: `Sign in with ${host}` }).waitFor();
    // No development sign-in beside an external issuer.
    expect(await page.getByText('Development sign-in').count()).toBe(0);
    await page.screenshot({ path: path.join(SHOTS, 'sign-in-oidc.png'), fullPage: true });

    const [authorize] = await Promise.all([
      page.waitForRequest((r) => r.url().startsWith(`${issuer}/auth?`)),
      page.getByRole('button', { name: `Sign in with ${host}` }).click(),
    ]);
    // Authorization code with a PKCE S256 challenge (the provider would refuse it without one).
    const query = new URL(authorize.url()).searchParams;
    expect(query.get('response_type')).toBe('code');
    expect(query.get('code_challenge_method')).toBe('S256');
    expect(query.get('code_challenge')).toMatch(/^[\w-]{43}$/);
    await page.locator('input[name="login"]').fill('gina');
    await page.locator('input[name="password"]').fill('any password');
    await page.locator('button[type="submit"]').click();
    // The consent screen of the development interactions.
    await page.locator('button[type="submit"]').click();
    await page.waitForURL(`${url}/`);
    expect(await page.locator('header').innerText()).toContain('gina (governance)');

    // The provider's access token is what the console sends: Plant accepts it and sees its roles.
    const token = await page.evaluate(() => sessionStorage.getItem('plant.console.token'));
    const claims = JSON.parse(Buffer.from(String(token).split('.')[1] ?? '', 'base64url').toString()) as { iss: string; aud: string; roles: string[] };
    expect(claims).toMatchObject({ iss: issuer, aud: AUDIENCE, roles: ['governance'] });
    await page.goto(`${url}/new/skill`);
    await page.getByLabel('Name').fill('Single Sign-On Review');
    await page.getByLabel('Description').fill('Reviews identity provider configurations');
    await page.getByRole('button', { name: 'Create skill' }).click();
    await page.getByRole('status').filter({ hasText: 'Created Single Sign-On Review' }).waitFor();
    const created = await fetch(`${url}/api/v1/genesis/skills?limit=100`, { headers: { authorization: `Bearer ${String(token)}` } });
    const skill = ((await created.json()) as { id: string; name: string }[]).find((s) => s.name === 'Single Sign-On Review');
    // The genesis amendment names the provider's subject as its actor.
    const history = await fetch(`${url}/api/v1/entities/${String(skill?.id)}/history`, { headers: { authorization: `Bearer ${String(token)}` } });
    expect(((await history.json()) as { amendments: { actor: string }[] }).amendments.map((a) => a.actor)).toEqual(['gina']);

    // The sign-in page with single sign-on, audited by axe.
    const audit = await browser.newContext({ bypassCSP: true });
    const p = await audit.newPage();
    await p.goto(`${url}/`);
    await p.getByRole('button', { name: `Sign in with ${host}` }).waitFor();
    await p.addScriptTag({ content: AXE });
    const violations = await p.evaluate(async () => {
      const axe = (globalThis as unknown as { axe: { run(): Promise<{ violations: { id: string; impact: string | null }[] }> } }).axe;
      return (await axe.run()).violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => v.id);
    });
    expect(violations).toEqual([]);
    await audit.close();
    await context.close();
  });

  it('a reader signed in through the provider gets the roles it granted: the governance queue is read-only', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${url}/`);
    await page.getByRole('button', { name: `Sign in with ${new URL(issuer).host}` }).click();
    await page.locator('input[name="login"]').fill('rita');
    await page.locator('input[name="password"]').fill('any password');
    await page.locator('button[type="submit"]').click();
    await page.locator('button[type="submit"]').click();
    await page.waitForURL(`${url}/`);
    expect(await page.locator('header').innerText()).toContain('rita (reader)');
    await page.goto(`${url}/governance`);
    await page.getByText('decisions need the governance role').waitFor();
    await context.close();
  });
});
