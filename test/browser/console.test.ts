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
  /** The entity the search test opens and the tamper test edits. */
  let socialMediaManager = '';
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
    const seeded = await runPlant(['seed'], { env: { ...env, CERTIFICATION_QUORUM: '1' } });
    expect(seeded.code, seeded.err).toBe(0);
    // Four-eyes from here on: every certification in the console needs two governance users.
    ({ child: server, url } = await startServe({ ...env, CERTIFICATION_QUORUM: '2' }));
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
  const accessible = async (path: string, state: string, as: Page = page): Promise<void> => {
    const audit = await browser.newContext({ bypassCSP: true, viewport: { width: 1280, height: 860 } });
    try {
      const p = await audit.newPage();
      await p.addInitScript(({ token }) => { if (token !== null) sessionStorage.setItem('plant.console.token', token); }, { token: await as.evaluate(() => sessionStorage.getItem('plant.console.token')) });
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

  const shot = (name: string, on: Page = page): Promise<Buffer> => on.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });

  const tokenFor = async (subject: string, roles: string[]): Promise<string> => {
    const res = await fetch(`${url}/api/v1/auth/dev-token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ subject, roles }) });
    expect(res.status).toBe(200);
    return ((await res.json()) as { access_token: string }).access_token;
  };

  /** A second browser (its own storage) signed in as someone else. */
  const signedIn = async (subject: string, roles: string[]): Promise<Page> => {
    const token = await tokenFor(subject, roles);
    const other = await browser.newContext({ viewport: { width: 1280, height: 860 }, acceptDownloads: true });
    await other.addInitScript((t) => { sessionStorage.setItem('plant.console.token', t); }, token);
    return other.newPage();
  };

  /** The queue item of an entity, by its name. */
  const queued = (on: Page, name: string) => on.locator('ol.queue > li').filter({ has: on.getByRole('link', { name, exact: true }) });

  /** Both governance users approve; the second sees the first's approval arrive live. */
  const approveTwice = async (alice: Page, bob: Page, name: string): Promise<void> => {
    await Promise.all([alice.goto(`${url}/governance`), bob.goto(`${url}/governance`)]);
    await Promise.all([alice.locator('.dot.on').waitFor(), bob.locator('.dot.on').waitFor()]);
    const mine = queued(alice, name);
    await mine.getByLabel('Reason (required)').fill('Reviewed the definition: clear and in scope');
    await mine.getByRole('button', { name: 'Approve' }).click();
    await mine.getByText('1 of 2 approvals: alice').waitFor();
    // Bob's page was loaded before alice approved: the change feed brings her approval, no reload.
    const theirs = queued(bob, name);
    await theirs.getByText('1 of 2 approvals: alice').waitFor({ timeout: 15_000 });
    await theirs.getByLabel('Reason (required)').fill('Second pair of eyes: agreed');
    await theirs.getByRole('button', { name: 'Approve' }).click();
    await queued(bob, name).waitFor({ state: 'detached' });
    await queued(alice, name).waitFor({ state: 'detached', timeout: 15_000 });
  };

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
    socialMediaManager = new URL(page.url()).pathname.split('/').at(-1) ?? '';
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

  it('two governance users certify a new skill and role in the live queue; an operator births an agent in the wizard; search finds it and its badge is green', { timeout: 150_000 }, async () => {
    const alice = await signedIn('alice', ['governance']);
    const bob = await signedIn('bob', ['governance']);
    const carol = await signedIn('carol', ['operator']);

    // A decision without a reason is refused before it is sent.
    await alice.goto(`${url}/new/skill`);
    await alice.getByLabel('Name').fill('Coral Reef Basket Weaving');
    await alice.getByLabel('Description').fill('Weaves biodegradable baskets underwater that coral reef restoration crews plant new coral on');
    await alice.getByLabel('Category').selectOption('domain_expertise');
    await alice.getByRole('button', { name: 'Create skill' }).click();
    await alice.getByRole('status').filter({ hasText: 'Created Coral Reef Basket Weaving' }).waitFor();
    await shot('create-skill', alice);
    await accessible('/new/skill', 'text=New skill', alice);

    await alice.goto(`${url}/governance`);
    const item = queued(alice, 'Coral Reef Basket Weaving');
    await item.getByRole('button', { name: 'Approve' }).click();
    expect(await item.getByRole('alert').innerText()).toContain('needs a reason');
    await approveTwice(alice, bob, 'Coral Reef Basket Weaving');

    await alice.goto(`${url}/new/job-role`);
    await alice.getByLabel('Name').fill('Reef Restoration Coordinator');
    await alice.getByLabel('Description').fill('Plans coral reef restoration dives and the baskets they plant');
    await alice.getByLabel('Industry').selectOption({ label: 'Marketing' });
    await alice.getByLabel('Coral Reef Basket Weaving').check();
    await alice.getByRole('button', { name: 'Create job role' }).click();
    await alice.getByRole('status').filter({ hasText: 'Created Reef Restoration Coordinator' }).waitFor();
    await shot('create-job-role', alice);
    await approveTwice(alice, bob, 'Reef Restoration Coordinator');
    await shot('governance', bob);
    await accessible('/governance', '.dot.on', bob);

    // The wizard offers only what the rules accept: the certified role of the industry, then its certified skill.
    await carol.goto(`${url}/new/agent`);
    await carol.getByLabel('1. Industry').selectOption({ label: 'Marketing' });
    await carol.getByLabel('2. Certified job role of that industry').selectOption({ label: 'Reef Restoration Coordinator' });
    const offered = await carol.getByLabel('3. One of the role’s certified skills').locator('option').allInnerTexts();
    expect(offered).toEqual(['Choose a skill', 'Coral Reef Basket Weaving']);
    await carol.getByLabel('3. One of the role’s certified skills').selectOption({ label: 'Coral Reef Basket Weaving' });
    await carol.getByLabel('4. Name').fill('Reef Basket Agent');
    await shot('agent-wizard', carol);
    await carol.getByRole('button', { name: 'Birth agent' }).click();
    await carol.getByRole('status').filter({ hasText: 'Born: Reef Basket Agent' }).waitFor();
    await accessible('/new/agent', 'text=Birth an agent', carol);

    // A race the wizard cannot see: the server's violations are shown verbatim.
    await carol.getByLabel('4. Name').fill('Reef Basket Agent');
    await carol.getByRole('button', { name: 'Birth agent' }).click();
    expect(await carol.getByRole('alert').innerText()).toMatch(/409|422/);

    // Found by meaning once its embedding is written, then verified in the browser.
    await expect.poll(async () => {
      await carol.goto(`${url}/search?q=${encodeURIComponent('an agent that helps restore coral reefs underwater')}&kind=Agent`);
      await carol.locator('ol.results').or(carol.getByText('Nothing matches.')).waitFor();
      return carol.locator('ol.results > li > a').allInnerTexts();
    }, { timeout: 30_000, interval: 1000 }).toContain('Reef Basket Agent');
    await carol.getByRole('link', { name: 'Reef Basket Agent', exact: true }).click();
    const badge = carol.locator('section.badge[data-verified="true"]');
    await badge.waitFor({ timeout: 30_000 });
    expect(await badge.innerText()).toContain('Verified in your browser: 1 amendment(s)');
    await alice.context().close();
    await bob.context().close();
    await carol.context().close();
  });

  it('tampering in the database turns the badge red on reload, naming the failed check; a changed log key is a red warning', async () => {
    const id = socialMediaManager;
    await page.goto(`${url}/entities/${id}`);
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

  it('an auditor audits everything, with progress, the tampered entity and its report, and downloads the bundle; operators see keys and accounts', async () => {
    const dave = await signedIn('dave', ['auditor']);
    await dave.goto(`${url}/audit`);
    await dave.getByRole('heading', { name: 'Current checkpoint' }).waitFor();
    await dave.getByRole('button', { name: 'Run audit' }).click();
    await dave.getByText('5 of 5 kinds audited').waitFor({ timeout: 60_000 });
    const rows = await dave.locator('table.grid tbody th').allInnerTexts();
    expect(rows).toEqual(['Skills', 'Job roles', 'Industries', 'Agents', 'Teams']);
    // The job role the previous test edited in the database is the one non-compliant entity.
    const failing = dave.locator('[aria-label="Non-compliant entities"] > li');
    expect(await failing.allInnerTexts()).toHaveLength(1);
    expect(await failing.first().innerText()).toContain('Social Media Manager');
    await failing.first().getByRole('button', { name: 'Tampering report' }).click();
    await dave.locator('.tamper[data-tampered="true"]').waitFor();
    await shot('audit', dave);
    const [download] = await Promise.all([dave.waitForEvent('download'), dave.getByRole('button', { name: 'Download full bundle (JSON)' }).click()]);
    const bundle = JSON.parse(readFileSync(await download.path(), 'utf8')) as { format: string };
    expect(bundle.format).toBe('plant.export/v1');
    await accessible('/audit', 'text=Run audit', dave);
    await dave.context().close();

    const admin = await tokenFor('erin', ['admin']);
    const account = await fetch(`${url}/api/v1/auth/service-accounts`, {
      method: 'POST', headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' }, body: JSON.stringify({ client_id: 'customer-portal', roles: ['reader'], description: 'customer portal' }),
    });
    expect(account.status).toBe(201);
    const erin = await signedIn('erin', ['admin']);
    await erin.goto(`${url}/operators`);
    await erin.getByRole('cell', { name: 'customer portal' }).waitFor();
    await erin.getByRole('cell', { name: 'current' }).waitFor();
    expect(await erin.getByText('No subscriptions.').count()).toBe(1);
    await shot('operators', erin);
    await accessible('/operators', 'text=Service accounts', erin);
    await erin.context().close();
  });
});
