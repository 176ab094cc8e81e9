import type { ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserMissing, launchChromium } from '../support/browser.ts';
import { runPlant } from '../support/cli.ts';
import { createTestDatabase, postgresReachable, type TestDatabase } from '../support/engines.ts';
import { startServe, stopServe } from '../support/serve.ts';

const root = path.resolve(import.meta.dirname, '../..');
/** Every page's screenshot, kept as a test artifact (CI can upload the directory). */
const SHOTS = path.join(root, 'test-artifacts', 'console');
const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[] }[];
}

// The console as a newcomer meets it: `plant serve` serves it at /, the browser signs in with the
// development sign-in, searches, opens an entity and verifies it with WebCrypto.
describe.skipIf(browserMissing() || !(await postgresReachable()))('the Plant Console in Chromium, against plant serve', () => {
  let db: TestDatabase;
  let server: ChildProcess;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let url = '';
  const dir = mkdtempSync(path.join(tmpdir(), 'plant-console-'));

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    db = await createTestDatabase('postgres');
    // No JWT_SECRET: the server signs with the data directory's development secret, so the
    // console offers the development sign-in.
    const env = {
      ...process.env, PORT: '0', LOG_LEVEL: 'warn', JWT_SECRET: '', SIGNING_ALGORITHM: 'Ed25519', PLANT_DATA_DIR: dir, DATABASE_URL: db.adminUrl ?? '',
      DB_APP_ROLE: 'plant_app_console', EMBEDDINGS_WORKER: 'true', CHECKPOINT_INTERVAL: '0.2', PLANT_TOKEN: '', NODE_ENV: 'development',
    };
    const seeded = await runPlant(['seed'], { env });
    expect(seeded.code, seeded.err).toBe(0);
    ({ child: server, url } = await startServe(env));
    browser = await launchChromium();
    context = await browser.newContext({ viewport: { width: 1280, height: 860 } });
    page = await context.newPage();
  });
  afterAll(async () => {
    await browser?.close();
    await stopServe(server);
    await db?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** axe-core in the page: no serious or critical violation. A page of its own, since the console's CSP forbids the injected script. */
  const accessible = async (path: string, state: string): Promise<void> => {
    const audit = await browser.newContext({ bypassCSP: true, viewport: { width: 1280, height: 860 } });
    try {
      const p = await audit.newPage();
      await p.addInitScript(({ token }) => { if (token !== null) sessionStorage.setItem('plant.console.token', token); }, { token: await page.evaluate(() => sessionStorage.getItem('plant.console.token')) });
      await p.goto(`${url}${path}`);
      await p.waitForSelector(state);
      await p.addScriptTag({ content: AXE });
      const { violations, passes } = await p.evaluate(async () => {
        const axe = (globalThis as unknown as { axe: { run(): Promise<{ violations: AxeViolation[]; passes: unknown[] }> } }).axe;
        const result = await axe.run();
        return { violations: result.violations, passes: result.passes.length };
      });
      // axe ran its rules on a rendered page (an empty page passes almost none).
      expect(passes, path).toBeGreaterThan(10);
      const serious = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
      expect(serious.map((v) => `${v.id}: ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`), path).toEqual([]);
    } finally {
      await audit.close();
    }
  };

  const shot = (name: string): Promise<Buffer> => page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });

  it('serves the console at / with a strict CSP and caching, and falls back to index.html for client routes only', async () => {
    const index = await fetch(`${url}/`);
    expect(index.status).toBe(200);
    expect(index.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(index.headers.get('cache-control')).toBe('no-cache');
    const html = await index.text();
    const asset = /src="(\/assets\/[^"]+\.js)"/.exec(html)?.[1];
    expect(asset).toBeDefined();
    const js = await fetch(`${url}${String(asset)}`);
    expect(js.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(js.headers.get('content-type')).toMatch(/javascript/);
    const client = await fetch(`${url}/entities/0190d9b2-0000-7000-8000-000000000000`, { headers: { accept: 'text/html' } });
    expect(client.status).toBe(200);
    expect(await client.text()).toBe(html);
    // The API's misses stay problems, and a script asking for JSON gets no page.
    const api = await fetch(`${url}/api/v1/nothing-here`, { headers: { accept: 'text/html' } });
    expect(api.status).toBe(404);
    expect(((await api.json()) as { error_code: string }).error_code).toBe('NOT_FOUND');
    expect((await fetch(`${url}/search`, { headers: { accept: 'application/json' } })).status).toBe(404);
  });

  it('signs in with the development sign-in, searches by meaning with the keyboard, and verifies the entity in the browser', async () => {
    await page.goto(`${url}/`);
    await page.getByLabel('Your name').waitFor();
    await shot('sign-in');
    await accessible('/', 'text=Development sign-in');
    await page.getByLabel('Your name').fill('alice');
    await page.getByLabel('Role').selectOption('governance');
    await page.getByRole('button', { name: 'Mint a token and sign in' }).click();
    await page.getByText('Signed in as').waitFor();
    expect(await page.locator('header').innerText()).toContain('alice (governance)');
    await page.locator('ol.results > li').first().waitFor();
    expect(await page.locator('h1').innerText()).toBe('Agents');
    await shot('catalog');
    await accessible('/?kind=Skill', 'ol.results');

    // "/" focuses the search box; the query goes to /search; arrows move, Enter opens.
    await page.keyboard.press('/');
    await page.keyboard.type('grow our followers on TikTok');
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/search\?q=grow/);
    await page.locator('ol.results .why li').first().waitFor();
    const first = (await page.locator('ol.results > li > a').first().innerText()).trim();
    expect(first).toBe('Social Media Manager');
    expect(await page.locator('ol.results > li').first().innerText()).toMatch(/meaning: /);
    await shot('search');
    await accessible('/search?q=grow%20our%20followers%20on%20TikTok', 'ol.results');
    await page.locator('body').click({ position: { x: 5, y: 300 } });
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowUp');
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/entities\//);
    await page.getByRole('heading', { level: 1, name: 'Social Media Manager' }).waitFor();
    const badge = page.locator('section.badge[data-verified="true"]');
    await badge.waitFor({ timeout: 30_000 });
    expect(await badge.innerText()).toMatch(/Verified in your browser: 2 amendment\(s\), proven in checkpoint \d+/);
    expect(await badge.innerText()).toContain('pinned now (first use)');
    // Relations are links: the role's industry and its skills.
    expect(await page.getByRole('link', { name: 'Marketing (Industry)' }).count()).toBe(1);
    expect(await page.getByRole('link', { name: 'Social Media (Skill)' }).count()).toBe(1);
    // The diff between the two versions: the certification.
    expect(await page.locator('.diff tr.changed th').allInnerTexts()).toContain('certification/certified');
    await shot('entity');
    await accessible(new URL(page.url()).pathname, 'section.badge[data-verified="true"]');
  });

  it('tampering in the database turns the badge red on reload, naming the failed check; a changed log key is a red warning', async () => {
    const id = new URL(page.url()).pathname.split('/').at(-1) ?? '';
    await db.owner.transaction(async (tx) => {
      await tx.query('ALTER TABLE amendments DISABLE TRIGGER USER');
      await tx.query(`UPDATE amendments SET payload = jsonb_set(payload, '{content,description}', '"edited in the database"') WHERE entity_id = $1 AND version = 1`, [id]);
      await tx.query('ALTER TABLE amendments ENABLE TRIGGER USER');
    });
    await page.reload();
    const red = page.locator('section.badge[data-verified="false"][data-failed-step="signatures"]');
    await red.waitFor({ timeout: 30_000 });
    expect(await red.innerText()).toContain('Verification failed: every amendment signature');
    expect(await red.locator('[data-step="signatures"]').getAttribute('data-result')).toBe('fail');
    await shot('entity-tampered');

    // Another log key pinned in this browser than the one the server presents: never accepted.
    await page.evaluate(() => {
      const pin = JSON.parse(localStorage.getItem('plant.console.log-key') ?? '{}') as { vkey: string };
      localStorage.setItem('plant.console.log-key', JSON.stringify({ ...pin, vkey: pin.vkey.replace(/^[^+]+/, 'another.example/log') }));
    });
    await page.reload();
    const warning = page.locator('section.badge .warning');
    await warning.waitFor({ timeout: 30_000 });
    expect(await warning.innerText()).toContain('different log key');
    expect(await page.locator('section.badge').getAttribute('data-verified')).toBe('false');
  });
});
