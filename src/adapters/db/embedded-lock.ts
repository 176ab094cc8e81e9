import { closeSync, openSync, readFileSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import path from 'node:path';

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
};

export interface LockHolder {
  pid: number;
  /** Where the holder serves the API, once it listens (`plant serve`). */
  url?: string;
}

/** The lock's content: a bare pid (any opener), or JSON with the URL a server listens on. */
const readHolder = (file: string): LockHolder | undefined => {
  let text: string;
  try {
    text = readFileSync(file, 'utf8').trim();
  } catch {
    return undefined;
  }
  if (/^\d+$/.test(text)) return { pid: Number(text) };
  try {
    const parsed = JSON.parse(text) as { pid?: unknown; url?: unknown };
    if (typeof parsed.pid !== 'number') return undefined;
    return typeof parsed.url === 'string' ? { pid: parsed.pid, url: parsed.url } : { pid: parsed.pid };
  } catch {
    return undefined;
  }
};

/** The live process holding the embedded database in `dataDir`, if any (and its URL, if it serves). */
export const dataDirHolder = (dataDir: string): LockHolder | undefined => {
  const holder = readHolder(path.join(dataDir, 'plant.lock'));
  return holder !== undefined && holder.pid !== process.pid && alive(holder.pid) ? holder : undefined;
};

/** A server that holds the lock says where it listens, so the CLI can talk to it instead. */
export const announceServer = (dataDir: string, url: string): void => {
  const file = path.join(dataDir, 'plant.lock');
  if (readHolder(file)?.pid !== process.pid) return;
  writeFileSync(file, JSON.stringify({ pid: process.pid, url }), { mode: 0o600 });
};

/**
 * PGlite is a single-process database: two processes opening one data directory would corrupt
 * it. The first opener writes its pid to `plant.lock`; others are refused with a clear message
 * (a stale lock from a dead process is taken over). Returns the release function.
 */
export const lockDataDir = (dataDir: string): (() => void) =>
  lockDirectory(
    dataDir,
    'plant.lock',
    (holder) =>
      `the embedded database in ${dataDir} is in use by process ${holder} (a running \`plant serve\`?); this command needs the database itself: stop the server first (every command that reads or writes Plant asks a running server instead; migrate and worker are the database's own)`,
  );

/** One process owns a directory: a pid in `fileName`, taken over when its process is gone. */
export const lockDirectory = (dir: string, fileName: string, busy: (pid: number) => string): (() => void) => {
  const file = path.join(dir, fileName);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(file, 'wx', 0o600);
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return () => {
        rmSync(file, { force: true });
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = readHolder(file)?.pid;
      if (holder !== undefined && holder !== process.pid && alive(holder)) throw new Error(busy(holder));
      rmSync(file, { force: true });
    }
  }
  throw new Error(`could not lock ${dir}`);
};
