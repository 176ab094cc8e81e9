import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { keyringFromJwks } from '../../composition/keys.ts';
import type { ExportBundle } from '../../core/use-cases/export-bundle.ts';
import { verifyBundle, type VerifyProblem } from '../../core/use-cases/verify-bundle.ts';
import { PlantError } from '@plant/client';
import { answer, serverClient } from '../server.ts';
import { CommandFailure, print, printJson } from '../shared.ts';

interface TrustedKeys {
  keys?: Record<string, unknown>[];
  log_key?: string;
}

interface VerifyOptions {
  trustedKeys?: string;
  against?: string;
  url?: string;
  token?: string;
  json?: boolean;
  entity?: string;
  logKey?: string;
  witness?: string[];
  minWitnesses?: string;
}

/** --witness keys and --min-witnesses N (default: every key given). */
const witnessPolicy = (options: VerifyOptions): { keys: string[]; min: number } | undefined => {
  const keys = options.witness ?? [];
  if (keys.length === 0 && options.minWitnesses === undefined) return undefined;
  const min = options.minWitnesses === undefined ? keys.length : Number(options.minWitnesses);
  if (!Number.isInteger(min) || min < 1) throw new CommandFailure('--min-witnesses takes a whole number of at least 1');
  if (min > keys.length) throw new CommandFailure(`--min-witnesses ${min} needs at least ${min} --witness keys (${keys.length} given)`);
  return { keys, min };
};

const readTrusted = (file: string | undefined): TrustedKeys | undefined => (file === undefined ? undefined : (JSON.parse(readFileSync(file, 'utf8')) as TrustedKeys));

/** One entity, checked against a log key the auditor pins: the SDK's verifyEntity (the same module as bundle verification). */
const verifyOneEntity = async (id: string, options: VerifyOptions): Promise<void> => {
  if (options.url === undefined) throw new CommandFailure('--entity needs --url: the server to read the entity, its history and proofs from');
  const trusted = readTrusted(options.trustedKeys);
  const logKey = options.logKey ?? trusted?.log_key;
  if (logKey === undefined) throw new CommandFailure('--entity needs the log key you trust: --log-key <vkey> (the "log key" `plant log checkpoint` prints) or log_key in --trusted-keys');
  const plant = serverClient(options.url, options.token);
  let result;
  try {
    result = await plant.verifyEntity(id, { logKey, ...(trusted?.keys === undefined ? {} : { trustedKeys: trusted.keys }) });
  } catch (error) {
    if (error instanceof PlantError) throw new CommandFailure(`server answered ${error.status} ${error.errorCode}: ${error.problem.detail ?? ''}`);
    throw error;
  }
  if (options.json === true) printJson(result);
  else {
    print(`Entity ${id} v${String(result.version)} (head ${String(result.head)})${result.log === null ? '' : ` in ${result.log.origin} at leaf ${String(result.log.leaf_index)} of ${result.log.tree_size}`}:`);
    for (const [step, outcome] of Object.entries(result.steps)) print(`  ${outcome.padEnd(7)} ${step}`);
    for (const p of result.problems) print(`  FAIL ${p.step}/${p.check}${p.version === null ? '' : ` v${p.version}`}: ${p.detail}`);
    if (result.verified) print('Verified.');
  }
  if (!result.verified) {
    throw new CommandFailure(
      result.failed_step === null ? 'not verified yet: the head is newer than the latest checkpoint (try again after the next one)' : `verification failed at ${result.failed_step}: ${result.problems.length} problem(s)`,
    );
  }
};

export const registerVerify = (program: Command): void => {
  program
    .command('verify')
    .description('Verify an export bundle offline: signatures, chains, leaves, inclusion proofs, the signed checkpoint')
    .argument('[bundle]', 'bundle file from `plant audit export` or GET /api/v1/audit/export')
    .option('--entity <id>', 'instead of a bundle: verify one entity as a server (--url) shows it, with the SDK\'s verifyEntity')
    .option('--log-key <vkey>', 'with --entity: the log\'s note verifier key you trust (or log_key in --trusted-keys)')
    .option('--trusted-keys <file>', 'JSON {"keys": [JWK…], "log_key": "<note verifier key>"} to trust instead of the bundle\'s own')
    .option('--against <file>', 'a checkpoint (signed note) saved earlier: prove the log only grew since')
    .option('--url <url>', 'fetch a missing consistency proof from this server')
    .option('--token <token>', 'bearer token for --url (default: $PLANT_TOKEN)')
    .option('--witness <vkey>', 'a witness cosigner key you trust (C2SP vkey of type 0x04, as `plant witness serve` prints); repeat for more', (value: string, previous: string[] | undefined) => [...(previous ?? []), value])
    .option('--min-witnesses <n>', 'how many of the --witness keys must have cosigned the bundle\'s checkpoint (default: all of them)')
    .option('--json', 'print the report as JSON')
    .action(async (file: string | undefined, options: VerifyOptions) => {
      if (options.entity !== undefined) {
        await verifyOneEntity(options.entity, options);
        return;
      }
      if (file === undefined) throw new CommandFailure('give a bundle file, or --entity <id> with --url');
      let bundle: ExportBundle;
      try {
        bundle = JSON.parse(readFileSync(file, 'utf8')) as ExportBundle;
      } catch (error) {
        throw new CommandFailure(`cannot read bundle ${file}: ${(error as Error).message}`);
      }
      const witnesses = witnessPolicy(options);
      const trusted = readTrusted(options.trustedKeys);
      const { verifier, problems } = await keyringFromJwks(trusted?.keys ?? bundle.public_keys.keys);
      const keyProblems: VerifyProblem[] = problems.map((detail) => ({ check: 'key', detail }));
      const url = options.url;
      const report = await verifyBundle(bundle, {
        verifier,
        logKey: trusted?.log_key ?? bundle.log?.log_key ?? '',
        witnesses,
        against: options.against === undefined ? undefined : readFileSync(options.against, 'utf8'),
        fetchConsistency:
          url === undefined
            ? undefined
            : async (first, second) => (await answer(serverClient(url, options.token).api.GET('/api/v1/log/proof/consistency', { params: { query: { first, second } } }))).proof,
      });
      report.problems.unshift(...keyProblems);
      report.ok = report.problems.length === 0;
      if (options.json === true) printJson(report);
      else {
        const c = report.checked;
        print(`Checked ${c.entities} entities, ${c.amendments} amendments against the signed tree of size ${String(c.tree_size)}${c.against === null ? '' : `, consistent with the saved size ${c.against}`}.`);
        if (c.tree_size !== null) {
          const leaves = `${String(c.leaves_claimed)} of ${c.tree_size} leaves`;
          print(report.partial ? `partial: ${leaves} (the bundle holds only part of the registry).` : `Coverage: ${leaves}.`);
        }
        for (const p of report.problems) {
          print(`  FAIL ${p.check}${p.entity_id === undefined ? '' : ` ${String(p.entity_type)} ${p.entity_id}`}${p.version === undefined || p.version === null ? '' : ` v${p.version}`}: ${p.detail}`);
        }
        if (c.witnesses !== null) print(`Cosigned by ${String(c.witnesses.length)} trusted witness(es)${c.witnesses.length === 0 ? '' : `: ${c.witnesses.join(', ')}`}.`);
        if (report.ok) print(report.partial ? 'Everything in this partial bundle verifies; it does not show the whole history.' : 'Everything verifies.');
      }
      if (!report.ok) throw new CommandFailure(`verification failed: ${report.problems.length} problem(s)`);
    });
};
