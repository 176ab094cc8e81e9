import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { judge } from '../../scripts/cert-gate.ts';

const root = path.resolve(import.meta.dirname, '../..');
const dir = mkdtempSync(path.join(tmpdir(), 'plant-cert-'));

/**
 * A fake `gcloud … describe`: prints the next status from a list file on each call (the last
 * one repeats), so a test scripts PROVISIONING → ACTIVE and the like.
 */
const fakeStatus = (statuses: object[]): string => {
  const list = path.join(dir, `statuses-${Math.random().toString(36).slice(2)}.json`);
  const counter = `${list}.n`;
  writeFileSync(list, JSON.stringify(statuses));
  writeFileSync(counter, '0');
  const script = path.join(dir, 'fake-gcloud.cjs');
  writeFileSync(
    script,
    `const fs = require('fs'); const [list, counter] = process.argv.slice(2);
     const all = JSON.parse(fs.readFileSync(list, 'utf8')); const n = Number(fs.readFileSync(counter, 'utf8'));
     fs.writeFileSync(counter, String(n + 1)); process.stdout.write(JSON.stringify(all[Math.min(n, all.length - 1)]));`,
  );
  return `${process.execPath} ${script} ${list} ${counter}`;
};

const gate = (statusCommand: string, timeout = '2') =>
  spawnSync(process.execPath, ['--import', 'tsx', 'scripts/cert-gate.ts', '--certificate', 'plant-demo-tls-v2', '--timeout', timeout, '--interval', '0.2', '--status-command', statusCommand], {
    cwd: root,
    encoding: 'utf8',
  });

const cert = (status: string, domains: Record<string, string>) => ({ name: 'plant-demo-tls-v2', managed: { status, domainStatus: domains } });

describe('certificate gate', () => {
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('passes when the certificate is ACTIVE for every domain (after provisioning)', () => {
    const res = gate(fakeStatus([cert('PROVISIONING', { 'plant.demo.example.com': 'PROVISIONING' }), cert('ACTIVE', { 'plant.demo.example.com': 'ACTIVE' })]));
    expect(res.status, res.stderr).toBe(0);
    expect(res.stdout).toContain('plant-demo-tls-v2 is ACTIVE for every domain');
  });

  it('aborts at the timeout while still PROVISIONING, leaving the proxy alone', () => {
    const res = gate(fakeStatus([cert('PROVISIONING', { 'plant.demo.example.com': 'PROVISIONING' })]), '1');
    expect(res.status).toBe(3);
    expect(res.stderr).toContain('not ACTIVE after 1 s');
    expect(res.stderr).toContain('the proxy keeps its current certificate');
  });

  it('aborts immediately on FAILED_NOT_VISIBLE, naming the domain (the 2026-01-15 case)', () => {
    const res = gate(
      fakeStatus([cert('PROVISIONING', { 'cp.demo.example.com': 'ACTIVE', 'plant.demo.example.com': 'FAILED_NOT_VISIBLE' })]),
      '600',
    );
    expect(res.status).toBe(2);
    expect(res.stderr).toContain('plant.demo.example.com: FAILED_NOT_VISIBLE');
  });

  it('refuses when the status cannot be read', () => {
    expect(gate(`${process.execPath} -e process.exit(1)`).status).toBe(4);
  });

  it('judges partial activity as waiting: ACTIVE overall needs ACTIVE everywhere', () => {
    expect(judge(cert('PROVISIONING', { a: 'ACTIVE', b: 'PROVISIONING' }))).toMatchObject({ kind: 'wait' });
    expect(judge(cert('ACTIVE', {}))).toMatchObject({ kind: 'wait' });
    expect(judge(cert('ACTIVE', { a: 'ACTIVE' }))).toEqual({ kind: 'active' });
    expect(judge(cert('PROVISIONING', { a: 'FAILED_CAA_FORBIDDEN' }))).toMatchObject({ kind: 'failed' });
  });
});
