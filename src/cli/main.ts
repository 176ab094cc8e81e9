import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { ConfigError } from '../composition/config.ts';
import { registerAccounts } from './commands/accounts.ts';
import { registerAudit } from './commands/audit.ts';
import { registerKeys } from './commands/keys.ts';
import { registerDiff } from './commands/diff.ts';
import { registerLog } from './commands/log.ts';
import { registerVerify } from './commands/verify.ts';
import { registerMigrate } from './commands/migrate.ts';
import { registerSeed } from './commands/seed.ts';
import { registerStatus } from './commands/status.ts';
import { registerServe } from './commands/serve.ts';
import { registerToken } from './commands/token.ts';
import { registerWatch } from './commands/watch.ts';
import { registerWorker } from './commands/worker.ts';
import { registerWitness } from './commands/witness.ts';
import { registerSearch } from './commands/search.ts';
import { registerEmbeddings } from './commands/embeddings.ts';
import { registerGovernance } from './commands/governance.ts';

/** package.json's version: src/cli and dist/cli both sit two levels below it. */
const VERSION = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

/** Exit codes scripts can rely on. */
export const EXIT = { ok: 0, failure: 1, usage: 2, config: 3 } as const;

export const buildProgram = (): Command => {
  const program = new Command('plant')
    .description('Plant: the governed registry of AI-agent definitions')
    .version(VERSION, '-V, --version', 'print the version of Plant')
    .exitOverride()
    .showHelpAfterError();
  registerServe(program);
  registerMigrate(program);
  registerToken(program);
  registerSeed(program);
  registerKeys(program);
  registerAccounts(program);
  registerAudit(program);
  registerStatus(program);
  registerVerify(program);
  registerLog(program);
  registerDiff(program);
  registerWatch(program);
  registerWorker(program);
  registerWitness(program);
  registerSearch(program);
  registerEmbeddings(program);
  registerGovernance(program);
  return program;
};

export const main = async (argv: readonly string[]): Promise<number> => {
  const program = buildProgram();
  try {
    await program.parseAsync([...argv]);
    return typeof process.exitCode === 'number' ? process.exitCode : EXIT.ok;
  } catch (error) {
    if (error instanceof CommanderError) {
      return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    if (error instanceof ConfigError) {
      process.stderr.write(`plant: ${error.message}\n`);
      return EXIT.config;
    }
    process.stderr.write(`plant: ${(error as Error).message}\n`);
    return EXIT.failure;
  }
};
