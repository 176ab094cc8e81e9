import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';

const root = path.resolve(import.meta.dirname, '../..');
const run = promisify(execFile);

export interface CliRun {
  code: number;
  out: string;
  err: string;
}

/** The built CLI as a separate process, without blocking the test's event loop (servers run beside it). */
export const runPlant = async (args: readonly string[], options: { env: NodeJS.ProcessEnv; cwd?: string }): Promise<CliRun> => {
  try {
    const { stdout, stderr } = await run(process.execPath, [path.join(root, 'bin/plant.js'), ...args], { cwd: options.cwd ?? root, env: options.env, maxBuffer: 64 * 1024 * 1024 });
    return { code: 0, out: stdout, err: stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, out: e.stdout, err: e.stderr };
  }
};
