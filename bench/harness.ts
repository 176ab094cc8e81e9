import { spawn, type ChildProcess } from 'node:child_process';
import autocannon from 'autocannon';
import path from 'node:path';
import { performance } from 'node:perf_hooks';

export const root = path.resolve(import.meta.dirname, '..');

export interface Rate {
  ops: number;
  seconds: number;
  perSecond: number;
  p50ms: number;
  p95ms: number;
}

/** Runs `op` with `concurrency` loops in flight for `seconds`; reports throughput and latency. */
export const measure = async (seconds: number, concurrency: number, op: (i: number) => Promise<unknown>): Promise<Rate> => {
  const latencies: number[] = [];
  const end = performance.now() + seconds * 1000;
  let counter = 0;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < end) {
        const t0 = performance.now();
        await op(counter++);
        latencies.push(performance.now() - t0);
      }
    }),
  );
  const elapsed = (performance.now() - start) / 1000;
  latencies.sort((a, b) => a - b);
  const pick = (q: number): number => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0;
  return { ops: latencies.length, seconds: elapsed, perSecond: latencies.length / elapsed, p50ms: pick(0.5), p95ms: pick(0.95) };
};

export const fmt = (n: number, digits = 0): string => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

export const line = (label: string, rate: Rate): void => {
  process.stdout.write(
    `  ${label.padEnd(52)} ${fmt(rate.perSecond).padStart(9)} /s   p50 ${fmt(rate.p50ms, 2)} ms   p95 ${fmt(rate.p95ms, 2)} ms   (${rate.ops} ops)\n`,
  );
};

export const ratio = (label: string, value: number, target?: string): void => {
  process.stdout.write(`  ${label.padEnd(52)} ${fmt(value, 2).padStart(9)}${target === undefined ? '' : `   target ${target}`}\n`);
};

export const heading = (text: string): void => {
  process.stdout.write(`\n== ${text}\n`);
};

/** Starts a process in the repository and resolves once its stdout matches `pattern`. */
export const start = (args: string[], env: NodeJS.ProcessEnv, pattern: RegExp): Promise<{ child: ChildProcess; match: RegExpExecArray }> =>
  new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = pattern.exec(out);
      if (match) resolve({ child, match });
    });
    child.on('exit', (code) => { reject(new Error(`exited ${String(code)}: ${out}`)); });
  });

export const stop = (child: ChildProcess): Promise<void> =>
  new Promise((resolve) => {
    if (child.exitCode !== null) { resolve(); return; }
    child.on('exit', () => { resolve(); });
    child.kill('SIGTERM');
  });

/** An HTTP load run (autocannon): mean throughput, latency percentiles, and what did not succeed. */
export interface Load { rps: number; p50: number; p99: number; errors: number }

export const load = async (seconds: number, connections: number, opts: autocannon.Options): Promise<Load> => {
  const result = await autocannon({ connections, duration: seconds, ...opts });
  return { rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99, errors: result.errors + result.timeouts + (result.non2xx ?? 0) };
};

export const showLoad = (label: string, l: Load): void => {
  process.stdout.write(`  ${label.padEnd(52)} ${fmt(l.rps).padStart(9)} req/s   p50 ${l.p50} ms   p99 ${l.p99} ms${l.errors > 0 ? `   (${l.errors} non-2xx/errors)` : ''}\n`);
};
