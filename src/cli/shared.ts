import { loadConfig, type Config } from '../composition/config.ts';
import { buildDeps, type Deps } from '../composition/deps.ts';
import { openResources } from '../composition/resources.ts';

/** Opens the database the CLI works on (DATABASE_URL, or the embedded one in PLANT_DATA_DIR) and wires Plant over it. */
export const withContext = async <T,>(
  work: (deps: Deps, config: Config) => Promise<T>,
  options: { migrate?: boolean; onCacheError?: (error: unknown) => void } = {},
): Promise<T> => {
  const config = loadConfig();
  const resources = await openResources(config, { migrate: options.migrate ?? false });
  const deps = buildDeps({ ...resources, ...(options.onCacheError === undefined ? {} : { onCacheError: options.onCacheError }) });
  try {
    return await work(deps, config);
  } finally {
    await deps.close();
  }
};

export const print = (text: string): void => {
  process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
};

export const printJson = (value: unknown): void => {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
};

/** A failure that should end the command with exit code 1 and this one-line reason. */
export class CommandFailure extends Error {
  override name = 'CommandFailure';
}

/** Fixed-width text table for terminal summaries. */
export const table = (header: string[], rows: (string | number)[][]): string => {
  const cells = [header, ...rows.map((r) => r.map(String))];
  const widths = header.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)));
  return cells.map((r) => r.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ').trimEnd()).join('\n');
};
