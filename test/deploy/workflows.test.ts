import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadConfig } from '../../src/composition/config.ts';

const root = path.resolve(import.meta.dirname, '../..');
// eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters -- the caller names the document's shape
const yaml = <T,>(file: string): T => parse(readFileSync(path.join(root, file), 'utf8')) as T;

interface Step { name?: string; run?: string; uses?: string; with?: Record<string, unknown>; 'working-directory'?: string }
interface Job { needs?: string | string[]; steps: Step[]; services?: Record<string, { image: string }>; env?: Record<string, string> }
interface Workflow { concurrency?: { group: string; 'cancel-in-progress': boolean }; jobs: Record<string, Job> }

const readmeTestCommand = (): string => {
  const readme = readFileSync(path.join(root, 'README.md'), 'utf8');
  const match = /Install and run the whole test suite:\s+```sh\n(.+)\n```/.exec(readme);
  if (match?.[1] === undefined) throw new Error('README test command not found');
  return match[1];
};

const allRuns = (wf: Workflow): string[] => Object.values(wf.jobs).flatMap((j) => j.steps.map((s) => s.run ?? ''));

describe('CI/CD workflows and the compose stack', () => {
  it('ci.yml runs exactly the README test command against PostgreSQL (pgvector) and Redis services', () => {
    const ci = yaml<Workflow>('.github/workflows/ci.yml');
    const job = ci.jobs.test;
    expect(job?.services?.postgres?.image).toMatch(/^pgvector\/pgvector:pg1[5-9]/);
    expect(job?.services?.redis?.image).toMatch(/^redis:/);
    expect(job?.env).toMatchObject({ CI: 'true', TEST_DATABASE_URL: expect.stringContaining('127.0.0.1:5432') as string, REDIS_URL: expect.stringContaining('6379') as string });
    expect(job?.steps.map((s) => s.run)).toContain(readmeTestCommand());
    expect(readFileSync(path.join(root, '.ci/run'), 'utf8')).toContain(`\n${readmeTestCommand()}\n`);
  });

  it('deploy.yml: a concurrency group per environment that queues, migrate before deploy, readiness before traffic', () => {
    const deploy = yaml<Workflow>('.github/workflows/deploy.yml');
    expect(deploy.concurrency).toEqual({ group: 'deploy-${{ inputs.environment }}', 'cancel-in-progress': false });
    expect(deploy.jobs.migrate?.needs).toBe('build');
    expect(deploy.jobs.deploy?.needs).toEqual(['build', 'migrate']);
    const steps = deploy.jobs.deploy?.steps.map((s) => s.run ?? '') ?? [];
    const noTraffic = steps.findIndex((r) => r.includes('--no-traffic'));
    const ready = steps.findIndex((r) => r.includes('ready-check'));
    const shift = steps.findIndex((r) => r.includes('update-traffic'));
    expect(noTraffic).toBeGreaterThanOrEqual(0);
    expect(ready).toBeGreaterThan(noTraffic);
    expect(shift).toBeGreaterThan(ready);
  });

  it('edge.yml creates certificates, passes the certificate gate, and only then changes the proxy', () => {
    const edge = yaml<Workflow>('.github/workflows/edge.yml');
    expect(edge.concurrency?.['cancel-in-progress']).toBe(false);
    const runs = edge.jobs.apply?.steps.map((s) => s.run ?? '') ?? [];
    const certs = runs.findIndex((r) => r.includes('-target=module.certificate'));
    const gate = runs.findIndex((r) => r.includes('scripts/cert-gate.ts'));
    const full = runs.findIndex((r, i) => i > gate && r.includes('terraform apply') && !r.includes('-target'));
    expect([certs >= 0, gate > certs, full > gate]).toEqual([true, true, true]);
  });

  it.each(['ci.yml', 'deploy.yml', 'edge.yml'])('%s never prints secrets, never force-unlocks, never disables locking', (file) => {
    const wf = yaml<Workflow>(`.github/workflows/${file}`);
    for (const run of allRuns(wf)) {
      expect(run).not.toMatch(/echo[^\n]*\$\{\{\s*secrets\./);
      expect(run).not.toMatch(/echo[^\n]*(DATABASE_URL|PASSWORD|JWT_SECRET|SIGNING_KEY)/);
      expect(run).not.toMatch(/set -x|force-unlock|-lock=false/);
    }
  });

  it('compose.yaml: pgvector, Redis, a one-shot migration, and Plant gated on health and migration', () => {
    const compose = yaml<{ services: Record<string, { image?: string; command?: string[]; depends_on?: Record<string, { condition: string }>; healthcheck?: unknown; environment?: Record<string, string> }> }>('compose.yaml');
    const s = compose.services;
    expect(s.postgres?.image).toMatch(/^pgvector\/pgvector:pg15/);
    expect(s.redis?.image).toMatch(/^redis:/);
    expect(s.postgres?.healthcheck).toBeDefined();
    expect(s.migrate?.command).toEqual(['node', 'bin/plant.js', 'migrate']);
    expect(s.migrate?.depends_on?.postgres?.condition).toBe('service_healthy');
    expect(s.plant?.depends_on).toEqual({ migrate: { condition: 'service_completed_successfully' }, redis: { condition: 'service_healthy' } });
    expect(s.plant?.environment?.APP_DATABASE_URL).toContain('plant_app');
    expect(s.plant?.environment?.JWT_SECRET).toMatch(/^\$\{JWT_SECRET:\?/);
  });
});

describe("the README's compose recipe, run short of Docker", () => {
  const recipe = (): string[] => {
    const readme = readFileSync(path.join(root, 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('## Production-like local stack'));
    const block = /```sh\n([\s\S]+?)\n```/.exec(section)?.[1];
    if (block === undefined) throw new Error('compose recipe not found');
    return block.split('\n');
  };

  it('makes every secret compose.yaml mounts, and the environment it demands gives a production config that starts', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'plant-compose-'));
    try {
      const lines = recipe();
      const up = lines.pop() ?? '';
      expect(up).toMatch(/docker compose up/);
      // Every line before `docker compose up`, with the CLI as this checkout builds it.
      const script = lines.join('\n').replaceAll('npx plant', `node ${path.join(root, 'bin/plant.js')}`);
      execFileSync('bash', ['-euc', script], { cwd: dir, env: { ...process.env, PLANT_DATA_DIR: path.join(dir, 'data') }, stdio: 'pipe' });
      const compose = yaml<{ secrets: Record<string, { file: string }>; services: Record<string, { environment?: Record<string, string>; secrets?: string[] }> }>('compose.yaml');
      for (const [name, secret] of Object.entries(compose.secrets)) expect(existsSync(path.join(dir, secret.file)), `${name}: ${secret.file}`).toBe(true);

      // The variables compose insists on (${VAR:?…}) are the ones the recipe's last line sets.
      const demanded = new Set(Object.values(compose.services).flatMap((s) => Object.values(s.environment ?? {}).flatMap((v) => [...v.matchAll(/\$\{(\w+):\?/g)].map((m) => m[1] ?? ''))));
      const given = new Set([...up.matchAll(/(\w+)=\$\(/g)].map((m) => m[1] ?? ''));
      expect([...demanded].sort()).toEqual([...given].sort());

      // Plant's production checks on the plant service's environment, secrets where compose mounts them.
      const values: Record<string, string> = { JWT_SECRET: 'x'.repeat(48), DB_APP_PASSWORD: 'y'.repeat(24) };
      const env = Object.fromEntries(
        Object.entries(compose.services.plant?.environment ?? {}).map(([k, v]) => [
          k,
          v.replace(/\$\{(\w+)(?::[?-]([^}]*))?\}/g, (_, name: string, fallback: string | undefined) => values[name] ?? (v.includes(`${name}:-`) ? (fallback ?? '') : '')).replace(/^\/run\/secrets\/(\w+)$/, (_, s: string) => path.join(dir, compose.secrets[s]?.file ?? '')),
        ]),
      );
      expect(() => loadConfig({ ...env, NODE_ENV: 'production' })).not.toThrow();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
