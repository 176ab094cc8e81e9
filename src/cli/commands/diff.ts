import type { Command } from 'commander';
import { changedView, logDiff } from '../../core/use-cases/point-in-time.ts';
import { answer, serverFor } from '../server.ts';
import { CommandFailure, print, printJson, table, withContext } from '../shared.ts';

interface DiffView {
  from: number;
  to: number;
  consistency_proof: string[];
  entities: { entity_id: string; entity_type: string; version_before: number; version_after: number; operations: string[] }[];
}

const size = (value: string, flag: string): number => {
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(Number(value))) throw new CommandFailure(`${flag} must be a tree size (a whole number), not ${value}`);
  return Number(value);
};

export const registerDiff = (program: Command): void => {
  program
    .command('diff')
    .description('What changed in the catalog between two sizes of the log, with the consistency proof between them')
    .requiredOption('--from <size>', 'the older tree size (0 for the beginning)')
    .requiredOption('--to <size>', 'the newer tree size')
    .option('--json', 'print as JSON')
    .option('--url <url>', 'ask a running server')
    .option('--token <token>', 'bearer token for --url')
    .action(async (options: { from: string; to: string; json?: boolean; url?: string; token?: string }) => {
      const [from, to] = [size(options.from, '--from'), size(options.to, '--to')];
      const server = await serverFor(options, ['reader']);
      const diff: DiffView =
        server === undefined
          ? await withContext(async (ctx) => {
              const d = await logDiff(ctx, from, to);
              return { from, to, consistency_proof: d.consistency_proof.map((h) => h.toString('hex')), entities: d.entities.map(changedView) };
            })
          : await answer(server.api.GET('/api/v1/log/diff', { params: { query: { from, to } } }));
      if (options.json === true) {
        printJson(diff);
        return;
      }
      const rows = diff.entities.map((e) => [e.entity_id, e.entity_type, `${e.version_before === 0 ? 'new' : `v${e.version_before}`} → v${e.version_after}`, e.operations.join(', ')]);
      print(`${diff.entities.length} entities changed between tree sizes ${from} and ${to}\n${rows.length === 0 ? '' : `${table(['ENTITY', 'KIND', 'VERSIONS', 'OPERATIONS'], rows)}\n`}consistency proof: ${diff.consistency_proof.length} hashes (plant log prove --from ${from} --tree-size ${to})`);
    });
};
