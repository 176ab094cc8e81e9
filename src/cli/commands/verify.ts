import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { keyringFromJwks } from '../../composition/keys.ts';
import type { ExportBundle } from '../../core/use-cases/export-bundle.ts';
import { verifyBundle, type VerifyProblem } from '../../core/use-cases/verify-bundle.ts';
import { callServer, CommandFailure, print, printJson } from '../shared.ts';

interface TrustedKeys {
  keys?: Record<string, unknown>[];
  log_key?: string;
}

export const registerVerify = (program: Command): void => {
  program
    .command('verify')
    .description('Verify an export bundle offline: signatures, chains, leaves, inclusion proofs, the signed checkpoint')
    .argument('<bundle>', 'bundle file from `plant audit export` or GET /api/v1/audit/export')
    .option('--trusted-keys <file>', 'JSON {"keys": [JWK…], "log_key": "<note verifier key>"} to trust instead of the bundle\'s own')
    .option('--against <file>', 'a checkpoint (signed note) saved earlier: prove the log only grew since')
    .option('--url <url>', 'fetch a missing consistency proof from this server')
    .option('--token <token>', 'bearer token for --url (default: $PLANT_TOKEN)')
    .option('--json', 'print the report as JSON')
    .action(async (file: string, options: { trustedKeys?: string; against?: string; url?: string; token?: string; json?: boolean }) => {
      let bundle: ExportBundle;
      try {
        bundle = JSON.parse(readFileSync(file, 'utf8')) as ExportBundle;
      } catch (error) {
        throw new CommandFailure(`cannot read bundle ${file}: ${(error as Error).message}`);
      }
      const trusted = options.trustedKeys === undefined ? undefined : (JSON.parse(readFileSync(options.trustedKeys, 'utf8')) as TrustedKeys);
      const { verifier, problems } = await keyringFromJwks(trusted?.keys ?? bundle.public_keys.keys);
      const keyProblems: VerifyProblem[] = problems.map((detail) => ({ check: 'key', detail }));
      const url = options.url;
      const report = await verifyBundle(bundle, {
        verifier,
        logKey: trusted?.log_key ?? bundle.log?.log_key ?? '',
        against: options.against === undefined ? undefined : readFileSync(options.against, 'utf8'),
        fetchConsistency:
          url === undefined
            ? undefined
            : async (first, second) =>
                ((await (await callServer(url, options.token, 'GET', `/api/v1/log/proof/consistency?first=${first}&second=${second}`)).json()) as { proof: string[] }).proof,
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
        if (report.ok) print(report.partial ? 'Everything in this partial bundle verifies; it does not show the whole history.' : 'Everything verifies.');
      }
      if (!report.ok) throw new CommandFailure(`verification failed: ${report.problems.length} problem(s)`);
    });
};
