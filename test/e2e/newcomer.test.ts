import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '../..');

/** `npm start` exactly as the README says, on a fresh data directory, with only a port changed. */
const npmStart = (dataDir: string): { child: ChildProcess; output: () => string; url: Promise<string> } => {
  const child = spawn('npm', ['start', '--silent'], {
    cwd: root,
    env: { ...process.env, PLANT_DATA_DIR: dataDir, PORT: '0', DATABASE_URL: '', LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let out = '';
  const url = new Promise<string>((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /listening on (http:\/\/\S+)/.exec(out);
      if (match?.[1] !== undefined && out.includes('get a token')) resolve(match[1]);
    });
    child.on('exit', (code) => { reject(new Error(`npm start exited ${String(code)}: ${out}`)); });
  });
  return { child, output: () => out, url };
};

const stop = (child: ChildProcess): Promise<void> =>
  new Promise((resolve) => {
    child.on('exit', () => { resolve(); });
    // npm runs the server as its child: signal the whole group, as a terminal's Ctrl-C would.
    process.kill(-(child.pid ?? 0), 'SIGINT');
  });

describe("a newcomer's first ten minutes", () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'plant-newcomer-'));
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  const catalog = async (url: string, token: string): Promise<Record<string, number>> => {
    const counts: Record<string, number> = {};
    for (const [kind, route] of [['agents', '/api/v1/agents'], ['teams', '/api/v1/teams'], ['skills', '/api/v1/genesis/skills'], ['roles', '/api/v1/genesis/job-roles'], ['industries', '/api/v1/genesis/industries']] as const) {
      const res = await fetch(`${url}${route}?limit=200`, { headers: { authorization: `Bearer ${token}` } });
      counts[kind] = ((await res.json()) as unknown[]).length;
    }
    return counts;
  };

  it('npm start seeds and serves a verifiable catalog; a second start reuses everything and loads nothing twice', async () => {
    const first = npmStart(dir);
    const url = await first.url;
    expect(first.output()).toContain('demo catalog loaded: 3 industries, 19 skills, 10 job roles, 6 teams, 50 agents');
    expect(first.output()).toContain('npx plant token --role governance');
    const { execFileSync } = await import('node:child_process');
    const token = execFileSync(process.execPath, ['bin/plant.js', 'token', '--role', 'auditor'], { cwd: root, env: { ...process.env, PLANT_DATA_DIR: dir } }).toString().trim();
    expect(await catalog(url, token)).toEqual({ agents: 50, teams: 6, skills: 19, roles: 10, industries: 3 });
    const audit = await fetch(`${url}/api/v1/audit/run`, { method: 'POST', headers: { authorization: `Bearer ${token}` } });
    expect(await audit.json()).toMatchObject({ total_entities: 88, compliant: 88 });
    // Search by meaning works out of the box: the in-process worker embeds the catalog after start.
    let hits: { name: string; kind: string; scores: { vector: number | null } }[] = [];
    for (let i = 0; i < 100 && hits[0]?.scores.vector == null; i++) {
      if (i > 0) await new Promise((r) => setTimeout(r, 200));
      const res = await fetch(`${url}/api/v1/search?q=${encodeURIComponent('someone to run our Instagram ads')}&limit=3`, { headers: { authorization: `Bearer ${token}` } });
      expect(res.status).toBe(200);
      hits = ((await res.json()) as { hits: typeof hits }).hits;
    }
    expect(hits[0]?.scores.vector).toBeGreaterThan(0.2);
    expect(hits.map((h) => h.name)).toContain('PPC Advertising');
    const keyId = /signing key (\S+)/.exec(first.output())?.[1];
    await stop(first.child);

    const second = npmStart(dir);
    const url2 = await second.url;
    expect(second.output()).not.toContain('demo catalog loaded');
    expect(second.output()).toContain('catalog: 3 industries, 19 skills, 10 job roles, 6 teams, 50 agents');
    expect(/signing key (\S+)/.exec(second.output())?.[1]).toBe(keyId);
    expect(await catalog(url2, token)).toEqual({ agents: 50, teams: 6, skills: 19, roles: 10, industries: 3 });
    const history = await fetch(`${url2}/api/v1/audit/run`, { method: 'POST', headers: { authorization: `Bearer ${token}` } });
    expect(await history.json()).toMatchObject({ total_entities: 88, compliant: 88 });
    await stop(second.child);
  });
});
