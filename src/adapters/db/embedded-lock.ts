import { openSync, readFileSync, rmSync, writeSync, closeSync } from 'node:fs';
import path from 'node:path';

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
};

/**
 * PGlite is a single-process database: two processes opening one data directory would corrupt
 * it. The first opener writes its pid to `plant.lock`; others are refused with a clear message
 * (a stale lock from a dead process is taken over). Returns the release function.
 */
export const lockDataDir = (dataDir: string): (() => void) => {
  const file = path.join(dataDir, 'plant.lock');
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
      const holder = Number(readFileSync(file, 'utf8').trim());
      if (Number.isInteger(holder) && holder !== process.pid && alive(holder)) {
        throw new Error(
          `the embedded database in ${dataDir} is in use by process ${holder} (a running \`plant serve\`?); stop it, or talk to the server with --url`,
        );
      }
      rmSync(file, { force: true });
    }
  }
  throw new Error(`could not lock ${dataDir}`);
};
