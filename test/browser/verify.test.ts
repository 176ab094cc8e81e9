import { type ChildProcess } from 'node:child_process';
import { readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EntityVerification } from '../../clients/typescript/src/index.ts';
import { browserMissing, launchChromium } from '../support/browser.ts';
import { createTestDatabase, postgresReachable, type TestDatabase } from '../support/engines.ts';
import { startServe, stopServe } from '../support/serve.ts';
import { execFileSync } from 'node:child_process';

const root = path.resolve(import.meta.dirname, '../..');
const SECRET = 'browser-verify-secret-long-enough-000000';

/** The built SDK and its two dependencies, as a browser loads them: plain ES modules and an import map. */
const FILES: Record<string, string> = {
  '/modules/openapi-fetch.js': 'node_modules/openapi-fetch/dist/index.mjs',
  '/modules/canonicalize.js': 'node_modules/canonicalize/lib/canonicalize.js',
};
const PAGE = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>verify</title>
<script type="importmap">{"imports":{"openapi-fetch":"/modules/openapi-fetch.js","canonicalize":"/modules/canonicalize.js"}}</script>
<script type="module">import * as sdk from '/sdk/index.js'; globalThis.sdk = sdk;</script>
</head><body><main>SDK verification</main></body></html>`;

const serveStatic = (): Promise<Server> =>
  new Promise((resolve) => {
    const server = createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://x').pathname;
      const file = FILES[url] ?? (url.startsWith('/sdk/') && !url.includes('..') ? `clients/typescript/dist/${url.slice(5)}` : undefined);
      if (url === '/') {
        res.writeHead(200, { 'content-type': 'text/html' }).end(PAGE);
        return;
      }
      try {
        const body = readFileSync(path.join(root, file ?? '/nonexistent'));
        res.writeHead(200, { 'content-type': 'text/javascript' }).end(body);
      } catch {
        res.writeHead(404).end();
      }
    });
    server.listen(0, '127.0.0.1', () => { resolve(server); });
  });

describe.skipIf(browserMissing() || !(await postgresReachable()))('verifyEntity in Chromium (WebCrypto, RSA-PSS amendments, Ed25519 checkpoints)', () => {
  let db: TestDatabase;
  let plant: ChildProcess;
  let pages: Server;
  let browser: Browser;
  let page: Page;
  let url = '';
  const dir = mkdtempSync(path.join(tmpdir(), 'plant-browser-'));

  beforeAll(async () => {
    db = await createTestDatabase('postgres');
    pages = await serveStatic();
    const origin = `http://127.0.0.1:${(pages.address() as AddressInfo).port}`;
    const env = {
      ...process.env, PORT: '0', LOG_LEVEL: 'warn', JWT_SECRET: SECRET, SIGNING_ALGORITHM: 'RSA-PSS-SHA256', PLANT_DATA_DIR: dir,
      DATABASE_URL: db.adminUrl ?? '', DB_APP_ROLE: 'plant_app_browser', PLANT_SEED: 'false', EMBEDDINGS_WORKER: 'false', CHECKPOINT_INTERVAL: '0.2', CORS_ORIGINS: origin,
    };
    ({ child: plant, url } = await startServe(env));
    browser = await launchChromium();
    page = await browser.newPage();
    await page.goto(origin);
    const token = execFileSync(process.execPath, ['bin/plant.js', 'token', '--role', 'governance', '--sub', 'browser'], { cwd: root, env }).toString().trim();
    await page.waitForFunction(() => 'sdk' in globalThis);
    await page.evaluate(
      ({ url, token }) => {
        const { sdk } = globalThis as unknown as { sdk: typeof import('../../clients/typescript/src/index.ts') };
        (globalThis as unknown as { plant: unknown }).plant = sdk.createPlantClient({ baseUrl: url, token });
      },
      { url, token },
    );
  });
  afterAll(async () => {
    await browser?.close();
    await stopServe(plant);
    await new Promise((resolve) => pages?.close(resolve));
    await db?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  type InPage = { plant: import('../../clients/typescript/src/index.ts').PlantClient };
  const verifyInPage = (id: string, logKey: string): Promise<EntityVerification> =>
    page.evaluate(async ({ id, logKey }) => {
      const { plant } = globalThis as unknown as InPage;
      for (let i = 0; i < 100; i++) {
        const result = await plant.verifyEntity(id, { logKey });
        if (result.steps.inclusion !== 'pending') return result;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      throw new Error('no checkpoint covered the head');
    }, { id, logKey });

  it('verifies a skill with WebCrypto in the page, and names the step tampering broke', async () => {
    const { id, logKey, alg } = await page.evaluate(async () => {
      const { plant } = globalThis as unknown as InPage;
      const { data } = await plant.api.POST('/api/v1/genesis/skills', { body: { name: 'Browser skill', description: 'verified in Chromium', category: 'technical' } });
      const checkpoint = await plant.api.GET('/api/v1/log/checkpoint');
      const history = await plant.api.GET('/api/v1/entities/{id}/history', { params: { path: { id: data?.id ?? '' } } });
      return { id: data?.id ?? '', logKey: checkpoint.data?.log_key ?? '', alg: history.data?.amendments[0]?.alg };
    });
    const green = await verifyInPage(id, logKey);
    expect(green).toMatchObject({ verified: true, failed_step: null, problems: [] });
    // The amendment is RSA-PSS signed: WebCrypto checked it with the published JWK.
    expect(alg).toBe('RSA-PSS-SHA256');
    expect(readFileSync(path.join(dir, 'keys', 'signing-rsa-pss.pem'), 'utf8')).toContain('PRIVATE KEY');

    await db.owner.transaction(async (tx) => {
      await tx.query('ALTER TABLE amendments DISABLE TRIGGER USER');
      await tx.query(`UPDATE amendments SET payload = jsonb_set(payload, '{content,description}', '"edited in the database"') WHERE entity_id = $1`, [id]);
      await tx.query('ALTER TABLE amendments ENABLE TRIGGER USER');
    });
    const red = await verifyInPage(id, logKey);
    expect(red).toMatchObject({ verified: false, failed_step: 'signatures' });
    expect(red.problems.map((p) => p.check).sort()).toEqual(['hash', 'signature', 'state']);
  });
});
