import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fmt, heading } from './harness.ts';

const root = path.resolve(import.meta.dirname, '..');
const RUNS = Number(process.env.BENCH_STARTUP_RUNS ?? 3);

/** Milliseconds from spawning the installed CLI (what `npm start` runs) to /health/ready = 200. */
const timeToReady = async (dataDir: string, port: number): Promise<number> => {
  const t0 = performance.now();
  const child = spawn(process.execPath, ['bin/plant.js', 'serve'], {
    cwd: root,
    env: { ...process.env, PLANT_DATA_DIR: dataDir, PORT: String(port), DATABASE_URL: '', LOG_LEVEL: 'warn' },
    stdio: 'ignore',
  });
  try {
    for (;;) {
      const ok = await fetch(`http://127.0.0.1:${port}/health/ready`).then((r) => r.status === 200, () => false);
      if (ok) return performance.now() - t0;
      if (child.exitCode !== null) throw new Error('server exited before it was ready');
      await new Promise((r) => setTimeout(r, 20));
    }
  } finally {
    await new Promise((resolve) => {
      child.on('exit', resolve);
      child.kill('SIGTERM');
    });
  }
};

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;

export const benchStartup = async (): Promise<void> => {
  heading(`Start to ready, embedded database (issue: demo catalog & CLI) — ${RUNS} runs each, default RSA-4096 key`);
  const cold: number[] = [];
  const warm: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const dir = mkdtempSync(path.join(tmpdir(), 'plant-start-'));
    try {
      cold.push(await timeToReady(dir, 18_700 + i));
      warm.push(await timeToReady(dir, 18_800 + i));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  const show = (label: string, xs: number[], target: string): void => {
    process.stdout.write(`  ${label.padEnd(52)} ${fmt(median(xs) / 1000, 2).padStart(9)} s median (${xs.map((x) => fmt(x / 1000, 2)).join(', ')})   target ${target}\n`);
  };
  show('cold: empty data dir (key generation, migrations, seed)', cold, '≤ 6 s');
  show('warm: second start on the same data dir', warm, '≤ 1.5 s');
};
