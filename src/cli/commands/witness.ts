import type { Command } from 'commander';
import { loadConfig } from '../../composition/config.ts';
import { startWitness, WitnessConfigError, witnessSigner } from '../../composition/witness.ts';
import { cosignerVerifierKey } from '../../core/witness.ts';
import { CommandFailure, print } from '../shared.ts';

interface WitnessFlags {
  name: string;
  stateDir: string;
  keyFile?: string;
  log?: string[];
  host: string;
  port: string;
}

const collect = (value: string, previous: string[] | undefined): string[] => [...(previous ?? []), value];

const identityOptions = (command: Command): Command =>
  command
    .requiredOption('--name <name>', 'the witness\'s key name, e.g. witness.example.com/w1')
    .requiredOption('--state-dir <dir>', 'the witness\'s own state (last cosigned checkpoint per log) and, without --key-file, its key')
    .option('--key-file <file>', 'an Ed25519 private key (PKCS#8 PEM) instead of the one kept in --state-dir');

export const registerWitness = (program: Command): void => {
  const witness = program.command('witness').description('A C2SP tlog-witness: cosigns checkpoints of the logs it trusts once they extend what it cosigned before');

  identityOptions(witness.command('serve'))
    .description('Serve POST /add-checkpoint (C2SP tlog-witness) until SIGINT/SIGTERM')
    .option('--log <vkey>', 'a log verifier key to witness (its name is the log\'s origin); repeat for more', collect)
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--port <port>', 'port to listen on (0: any free one)', '7380')
    .action(async (flags: WitnessFlags) => {
      const port = Number(flags.port);
      if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new CommandFailure('--port takes a port number');
      let running;
      try {
        running = await startWitness({ ...flags, logs: flags.log ?? [], port, logLevel: loadConfig().LOG_LEVEL });
      } catch (error) {
        if (error instanceof WitnessConfigError) throw new CommandFailure(error.message);
        throw error;
      }
      process.stdout.write(`Witness ${flags.name} is listening on ${running.url} for ${running.origins.join(', ')}\n  verifier key: ${running.vkey}\n`);
      await new Promise<void>((resolve) => {
        process.once('SIGINT', () => { resolve(); });
        process.once('SIGTERM', () => { resolve(); });
      });
      await running.close();
    });

  identityOptions(witness.command('key'))
    .description('Print the witness\'s verifier key (making its key in --state-dir on first use): what logs put in LOG_WITNESSES and verifiers pass to --witness')
    .action(async (flags: WitnessFlags) => {
      try {
        print(cosignerVerifierKey(await witnessSigner(flags)));
      } catch (error) {
        if (error instanceof WitnessConfigError) throw new CommandFailure(error.message);
        throw error;
      }
    });
};
