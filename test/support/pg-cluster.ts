import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

/**
 * A PostgreSQL cluster of the test's own, on another port, made with the machine's own server
 * binaries (the ones the CI machine runs on 5432, pgvector included): a test may restart it,
 * stop it or cut its connections without touching anyone else's database.
 */
export interface TestCluster {
  readonly port: number;
  /** The superuser's URL, for the server under test (it migrates as the owner). */
  readonly url: string;
  /** Asynchronous, so the test's own clients keep running while the server goes down and up. */
  restart(mode?: 'fast' | 'immediate'): Promise<void>;
  stop(mode?: 'fast' | 'immediate'): Promise<void>;
  start(): Promise<void>;
  /** Runs SQL as the superuser over the cluster's socket; the rows as text. */
  psql(sql: string): string;
  remove(): void;
}

const binDir = (): string => {
  if (process.env.PG_BINDIR !== undefined) return process.env.PG_BINDIR;
  const versions = existsSync('/usr/lib/postgresql') ? readdirSync('/usr/lib/postgresql').sort((a, b) => Number(b) - Number(a)) : [];
  const found = versions.map((v) => `/usr/lib/postgresql/${v}/bin`).find((d) => existsSync(path.join(d, 'initdb')));
  if (found === undefined) throw new Error('no PostgreSQL server binaries (set PG_BINDIR)');
  return found;
};

/** Whether this machine can make a cluster (server binaries present). Under CI=true their absence is an error, never a skip. */
export const clustersAvailable = (): boolean => {
  try {
    binDir();
    return true;
  } catch (error) {
    if (process.env.CI === 'true') throw new Error(`CI=true but no PostgreSQL server binaries to make a test cluster: ${(error as Error).message}`);
    return false;
  }
};

const freePort = async (): Promise<number> => {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
};

/** A new cluster of its own (initdb). */
export const createCluster = (): Promise<TestCluster> =>
  makeCluster((run, data) => {
    run('initdb', ['-D', data, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--locale=C.UTF-8', '--no-sync']);
  });

/**
 * A streaming read replica of `primary` (pg_basebackup -R: a hot standby that follows it), on a
 * port of its own. initdb's trust rules admit replication connections from 127.0.0.1.
 */
export const createReplica = (primary: TestCluster): Promise<TestCluster> =>
  makeCluster((run, data) => {
    run('pg_basebackup', ['-h', '127.0.0.1', '-p', String(primary.port), '-U', 'postgres', '-D', data, '-R', '-X', 'stream', '-c', 'fast', '--no-sync']);
  });

const makeCluster = async (prepare: (run: (tool: string, args: string[]) => string, data: string) => void): Promise<TestCluster> => {
  const bin = binDir();
  const dir = mkdtempSync(path.join(tmpdir(), 'plant-cluster-'));
  const data = path.join(dir, 'data');
  const port = await freePort();
  // initdb refuses to run as root: as root, the cluster belongs to the postgres user.
  const asRoot = process.getuid?.() === 0;
  if (asRoot) {
    const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
    chownSync(dir, uid, gid);
  }
  const run = (tool: string, args: string[]): string => {
    const command = asRoot ? 'runuser' : path.join(bin, tool);
    const argv = asRoot ? ['-u', 'postgres', '--', path.join(bin, tool), ...args] : args;
    return execFileSync(command, argv, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] }).toString();
  };
  const runAsync = async (tool: string, args: string[]): Promise<void> => {
    const command = asRoot ? 'runuser' : path.join(bin, tool);
    const argv = asRoot ? ['-u', 'postgres', '--', path.join(bin, tool), ...args] : args;
    await promisify(execFile)(command, argv, { cwd: dir });
  };
  prepare(run, data);
  const ctlArgs = (args: string[]): string[] => ['-D', data, '-l', path.join(dir, 'server.log'), '-w', '-t', '60', ...args];
  const ctl = (args: string[]): Promise<void> => runAsync('pg_ctl', ctlArgs(args));
  const serverOptions = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c max_connections=60`;
  await ctl(['-o', serverOptions, 'start']);
  return {
    port,
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    restart: (mode = 'fast') => ctl(['-m', mode, '-o', serverOptions, 'restart']),
    stop: (mode = 'fast') => ctl(['-m', mode, 'stop']),
    start: () => ctl(['-o', serverOptions, 'start']),
    psql: (sql) => run('psql', ['-h', dir, '-p', String(port), '-U', 'postgres', '-d', 'postgres', '-At', '-c', sql]),
    remove: () => {
      try {
        run('pg_ctl', ctlArgs(['-m', 'immediate', 'stop']));
      } catch {
        // already stopped
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
};
