import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { CHROMIUM, launchChromium } from '../test/support/browser.ts';
import { runPlant } from '../test/support/cli.ts';
import { createTestDatabase } from '../test/support/engines.ts';
import { fmt, heading, ratio, start, stop } from './harness.ts';

const RUNS = Number(process.env.BENCH_CONSOLE_RUNS ?? 5);
const AMENDMENTS = 50;

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;

const show = (label: string, xs: number[], target?: string): void => {
  process.stdout.write(`  ${label.padEnd(52)} ${fmt(median(xs), 0).padStart(9)} ms median (${xs.map((x) => fmt(x, 0)).join(', ')})${target === undefined ? '' : `   target ${target}`}\n`);
};

/**
 * `npm run bench -- console`: the first page to interactive on the demo catalog, cold (a new
 * browser profile) and warm, against the API call it waits for; and the badge's in-browser
 * verification of a 50-amendment entity against raw WebCrypto doing the same signatures and
 * hashes in the same page.
 */
export const benchConsole = async (): Promise<void> => {
  heading(`Console (issue 14): Chromium against plant serve on PostgreSQL, Ed25519 — ${String(RUNS)} runs each`);
  if (!existsSync(CHROMIUM)) {
    process.stdout.write(`  skipped: ${CHROMIUM} is missing (scripts/ensure-chromium.sh installs it)\n`);
    return;
  }
  const dir = mkdtempSync(path.join(tmpdir(), 'plant-bench-console-'));
  const db = await createTestDatabase('postgres');
  const env: NodeJS.ProcessEnv = {
    ...process.env, PORT: '0', LOG_LEVEL: 'warn', JWT_SECRET: '', SIGNING_ALGORITHM: 'Ed25519', PLANT_DATA_DIR: dir, DATABASE_URL: db.adminUrl ?? '',
    DB_APP_ROLE: 'plant_app_bench_console', CHECKPOINT_INTERVAL: '0.2', RATE_LIMIT_PER_MINUTE: '100000000', NODE_ENV: 'development', PLANT_TOKEN: '',
  };
  const seeded = await runPlant(['seed'], { env });
  if (seeded.code !== 0) throw new Error(seeded.err);
  const plant = await start(['bin/plant.js', 'serve'], env, /listening on (http:\/\/\S+)/);
  const url = plant.match[1] ?? '';
  const browser = await launchChromium();
  try {
    const minted = await fetch(`${url}/api/v1/auth/dev-token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ subject: 'bench', roles: ['admin'] }) });
    const { access_token: token } = (await minted.json()) as { access_token: string };
    const auth = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };

    // The API call the catalog waits for, timed from Node: the floor under the page's figure.
    const api: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const t0 = performance.now();
      await (await fetch(`${url}/api/v1/agents?limit=25`, { headers: auth })).json();
      api.push(performance.now() - t0);
    }
    const cold: number[] = [];
    const warm: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const context = await browser.newContext();
      await context.addInitScript((t) => { sessionStorage.setItem('plant.console.token', t); }, token);
      const page = await context.newPage();
      for (const into of [cold, warm]) {
        const t0 = performance.now();
        await page.goto(`${url}/`);
        await page.locator('ol.results > li').first().waitFor();
        into.push(performance.now() - t0);
      }
      await context.close();
    }
    show('first page to interactive, cold (empty cache)', cold);
    show('first page to interactive, warm (cached assets)', warm);
    show('baseline: GET /agents?limit=25 from Node', api);
    ratio('cold page / API call', median(cold) / median(api));

    // An entity with 50 amendments, all inside a checkpoint before it is opened.
    const skill = (await (await fetch(`${url}/api/v1/genesis/skills`, { method: 'POST', headers: auth, body: JSON.stringify({ name: 'Bench Verification', description: 'v1', category: 'technical' }) })).json()) as { id: string };
    for (let v = 2; v <= AMENDMENTS; v++) {
      const res = await fetch(`${url}/api/v1/entities/${skill.id}/evolve`, { method: 'POST', headers: auth, body: JSON.stringify({ changes: { description: `version ${String(v)}` }, reason: 'bench' }) });
      if (!res.ok) throw new Error(`evolve ${String(v)}: ${String(res.status)} ${await res.text()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const context = await browser.newContext();
    await context.addInitScript((t) => { sessionStorage.setItem('plant.console.token', t); }, token);
    const page = await context.newPage();
    const badge: number[] = [];
    for (let i = 0; i <= RUNS; i++) {
      const t0 = performance.now();
      await page.goto(`${url}/entities/${skill.id}`);
      await page.locator('section.badge[data-verified="true"]').waitFor({ timeout: 60_000 });
      // The first run pins the log key; the rest are what a returning user sees.
      if (i > 0) badge.push(performance.now() - t0);
    }
    // The same work with nothing around it: 50 Ed25519 verifications and 50 SHA-256 digests of
    // amendment-sized payloads, in the same page's WebCrypto.
    const raw = await page.evaluate(async (n) => {
      const key = await crypto.subtle.generateKey({ name: 'Ed25519' }, true, ['sign', 'verify']);
      const bodies = Array.from({ length: n }, (_, i) => new TextEncoder().encode(JSON.stringify({ version: i, content: 'x'.repeat(900) })));
      const sigs = await Promise.all(bodies.map((b) => crypto.subtle.sign({ name: 'Ed25519' }, key.privateKey, b)));
      const times: number[] = [];
      for (let r = 0; r < 5; r++) {
        const t0 = performance.now();
        for (const [i, b] of bodies.entries()) {
          await crypto.subtle.digest('SHA-256', b);
          await crypto.subtle.verify({ name: 'Ed25519' }, key.publicKey, sigs[i] ?? new ArrayBuffer(0), b);
        }
        times.push(performance.now() - t0);
      }
      return times.sort((a, b) => a - b)[2] ?? 0;
    }, AMENDMENTS);
    show(`open entity page to green badge (${String(AMENDMENTS)} amendments)`, badge);
    process.stdout.write(`  ${'baseline: raw WebCrypto, 50 verify + 50 SHA-256'.padEnd(52)} ${fmt(raw, 1).padStart(9)} ms\n`);
    ratio('badge / raw crypto', median(badge) / Math.max(raw, 0.1));
    await context.close();
  } finally {
    await browser.close();
    await stop(plant.child);
    await db.close();
    rmSync(dir, { recursive: true, force: true });
  }
};
