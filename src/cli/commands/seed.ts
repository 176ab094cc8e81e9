import type { Command } from 'commander';
import { DEMO_CATALOG } from '../../catalog/demo-catalog.ts';
import { catalogCounts, changedAnything, seedDemoCatalog } from '../../core/use-cases/seed-catalog.ts';
import { progress } from '../progress.ts';
import { print, printJson, withContext } from '../shared.ts';

export const registerSeed = (program: Command): void => {
  program
    .command('seed')
    .description('Load the demo catalog (3 industries, 19 skills, 10 job roles, 6 teams, 50 agents); idempotent')
    .option('--json', 'print the result as JSON')
    .action(async (options: { json?: boolean }) => {
      await withContext(async (ctx) => {
        const bar = progress('Seeding');
        const result = await seedDemoCatalog(ctx.write, DEMO_CATALOG, bar.update);
        bar.stop();
        const counts = await ctx.store.countByKind();
        const catalog = catalogCounts(DEMO_CATALOG);
        const sum = (c: Record<string, number>): number => Object.values(c).reduce((a, b) => a + b, 0);
        if (options.json === true) printJson({ changed: changedAnything(result), ...result, catalog, counts });
        else {
          print(
            changedAnything(result)
              ? `Demo catalog loaded: ${sum(result.created)} of its ${sum(catalog)} records created (${summary(result.created)}), every one signed by key ${ctx.signingKey.keyId}.`
              : `Demo catalog already loaded (${summary(catalog)}); nothing changed.`,
          );
          print(`The database holds ${summary(counts)} in all.`);
        }
      }, { migrate: true });
    });
};

const LABELS: Record<string, string> = { Industry: 'industries', Skill: 'skills', JobRole: 'job roles', Team: 'teams', Agent: 'agents' };

/** "3 industries, 19 skills, 10 job roles, 6 teams, 50 agents" */
export const summary = (counts: Record<string, number>): string =>
  Object.entries(LABELS)
    .map(([kind, label]) => `${counts[kind] ?? 0} ${label}`)
    .join(', ');
