import type { Command } from 'commander';
import { search, searchStatuses } from '../../core/use-cases/search.ts';
import { answer, serverFor } from '../server.ts';
import { CommandFailure, print, printJson, table, withContext } from '../shared.ts';
import { STATUSES, type Status, SEARCHABLE_KINDS, type SearchableKind } from '../../core/entity.ts';
import { searchView } from '../../presentation.ts';

interface Options {
  kind?: string;
  status?: string;
  industry?: string;
  certifiedOnly?: boolean;
  limit: string;
  json?: boolean;
  url?: string;
  token?: string;
}

type View = ReturnType<typeof searchView>;

const render = (view: View): string => {
  if (view.hits.length === 0) return `No matches for "${view.query}".`;
  return [
    ...(view.degraded === undefined ? [] : [`note: ${view.degraded}`, '']),
    table(
      ['#', 'KIND', 'NAME', 'SCORE', 'WHY'],
      view.hits.map((h, i) => [i + 1, h.kind, h.name, h.scores.fused.toFixed(4), h.why.join('; ')]),
    ),
  ].join('\n');
};

export const registerSearch = (program: Command): void => {
  program
    .command('search')
    .description('Find skills, job roles, industries and agents by meaning and by text')
    .argument('<query>', 'what you are looking for, in your own words')
    .option('-k, --kind <kind>', `only one kind (${SEARCHABLE_KINDS.join(', ')})`)
    .option('--status <status>', "status to search (default active; 'any' = all but deleted)")
    .option('--industry <id>', 'only entities of this industry')
    .option('--certified-only', 'only certified skills and roles, and agents built from them')
    .option('-n, --limit <n>', 'how many hits (1-100)', '10')
    .option('--json', 'print the hits as JSON')
    .option('--url <url>', 'search through a running server instead of the database')
    .option('--token <token>', 'bearer token for --url (default: $PLANT_TOKEN)')
    .action(async (query: string, options: Options) => {
      const limit = Number(options.limit);
      if (!Number.isInteger(limit) || limit < 1 || limit > 100) throw new CommandFailure('--limit must be an integer from 1 to 100');
      if (options.kind !== undefined && !(SEARCHABLE_KINDS as readonly string[]).includes(options.kind)) {
        throw new CommandFailure(`--kind must be one of ${SEARCHABLE_KINDS.join(', ')}`);
      }
      if (options.status !== undefined && options.status !== 'any' && !(STATUSES as readonly string[]).includes(options.status)) {
        throw new CommandFailure(`--status must be 'any' or one of ${STATUSES.join(', ')}`);
      }
      let view: View;
      const server = await serverFor(options, ['reader']);
      if (server !== undefined) {
        const params = {
          q: query,
          limit,
          ...(options.kind === undefined ? {} : { kind: options.kind as SearchableKind }),
          ...(options.status === undefined ? {} : { status: options.status as Status | 'any' }),
          ...(options.industry === undefined ? {} : { industry_id: options.industry }),
          ...(options.certifiedOnly === true ? { certified_only: true } : {}),
        };
        view = await answer(server.api.GET('/api/v1/search', { params: { query: params } }));
      } else {
        view = await withContext(async ({ embeddings }) => {
          const result = await search(
              { index: embeddings.index, embedder: embeddings.embedder },
              query,
              {
                kinds: options.kind === undefined ? SEARCHABLE_KINDS : [options.kind as SearchableKind],
                statuses: searchStatuses(options.status as Status | 'any' | undefined),
                industryId: options.industry,
                certifiedOnly: options.certifiedOnly === true,
              },
              limit,
            );
          return searchView(query, result);
        });
      }
      if (options.json === true) printJson(view);
      else print(render(view));
    });
};
