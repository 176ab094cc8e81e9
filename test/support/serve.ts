import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '../..');

/** `plant serve` (the built CLI) as its own process; resolves with its URL once it listens. */
export const startServe = (env: NodeJS.ProcessEnv): Promise<{ child: ChildProcess; url: string }> => {
  const child = spawn(process.execPath, ['bin/plant.js', 'serve'], { cwd: root, env, stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (c: Buffer) => {
      out += c.toString();
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m?.[1] !== undefined) resolve({ child, url: m[1] });
    });
    child.on('exit', (code) => { reject(new Error(`server exited ${String(code)}: ${out}`)); });
  });
};

/** SIGTERM, then waits for the exit (at once when it has exited already). */
export const stopServe = (child: ChildProcess | undefined): Promise<unknown> =>
  new Promise((resolve) => {
    if (child === undefined || child.exitCode !== null || child.signalCode !== null) {
      resolve(null);
      return;
    }
    child.on('exit', resolve);
    child.kill('SIGTERM');
  });
