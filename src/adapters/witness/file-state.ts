import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import path from 'node:path';
import type { WitnessRecord, WitnessStateStore } from '../../core/ports/witness.ts';

interface StateFile {
  format: 'plant.witness-state/v1';
  logs: Record<string, { size: number; root: string }>;
}

const FORMAT = 'plant.witness-state/v1';

/**
 * The witness's state as one small JSON file: every update writes a new file, fsyncs it, renames
 * it over the old one and fsyncs the directory, so a crash leaves the old state or the new one,
 * never a torn one. Updates run one at a time; one process owns the directory (see lockDirectory).
 */
export class FileWitnessState implements WitnessStateStore {
  private readonly file: string;
  private readonly records = new Map<string, WitnessRecord>();
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly dir: string) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    this.file = path.join(dir, 'state.json');
    if (!existsSync(this.file)) return;
    const parsed = JSON.parse(readFileSync(this.file, 'utf8')) as Partial<Record<keyof StateFile, unknown>>;
    if (parsed.format !== FORMAT || typeof parsed.logs !== 'object' || parsed.logs === null) throw new Error(`${this.file} is not a witness state file (${FORMAT})`);
    for (const [origin, record] of Object.entries(parsed.logs as StateFile['logs'])) {
      this.records.set(origin, { size: record.size, root: Buffer.from(record.root, 'base64') });
    }
  }

  get(origin: string): Promise<WitnessRecord | undefined> {
    return Promise.resolve(this.records.get(origin));
  }

  update<T>(origin: string, decide: (current: WitnessRecord | undefined) => Promise<{ save?: WitnessRecord; result: T }>): Promise<T> {
    const run = this.queue.then(async () => {
      const { save, result } = await decide(this.records.get(origin));
      if (save !== undefined) {
        const next = new Map(this.records).set(origin, save);
        this.persist(next);
        this.records.set(origin, save);
      }
      return result;
    });
    this.queue = run.catch(() => undefined);
    return run;
  }

  private persist(records: ReadonlyMap<string, WitnessRecord>): void {
    const state: StateFile = { format: FORMAT, logs: {} };
    for (const [origin, record] of records) state.logs[origin] = { size: record.size, root: record.root.toString('base64') };
    const temp = `${this.file}.${process.pid}.tmp`;
    const fd = openSync(temp, 'w', 0o600);
    try {
      writeSync(fd, `${JSON.stringify(state, null, 2)}\n`);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temp, this.file);
    const dirFd = openSync(this.dir, 'r');
    try {
      fsyncSync(dirFd);
    } finally {
      closeSync(dirFd);
    }
  }
}
