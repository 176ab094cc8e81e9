import type { Command } from 'commander';
import { DEMO_CATALOG } from '../../catalog/demo-catalog.ts';
import { seedWithReport, type SeedReport } from '../../core/use-cases/seed-catalog.ts';
import { progress } from '../progress.ts';
import { answer, serverFor } from '../server.ts';
import { print, printJson, withContext } from '../shared.ts';

export const registerSeed = (program: Command): void => {
  program
    .command('seed')
    .description('Load the demo catalog (3 industries, 19 skills, 10 job roles, 6 teams, 50 agents); idempotent')
    .option('--json', 'print the result as JSON')
    .option('--url <url>', 'seed through a running server (admin token in --token or $PLANT_TOKEN)')
    .option('--token <token>', 'bearer token for --url (default: $PLANT_TOKEN)')
    .action(async (options: { json?: boolean; url?: string; token?: string }) => {
      const server = await serverFor(options, ['admin']);
      const report: SeedReport =
        server === undefined
          ? await withContext(async (ctx) => {
              const bar = progress('Seeding');
              const seeded = await seedWithReport(ctx.write, DEMO_CATALOG, bar.update);
              bar.stop();
              return seeded;
            }, { migrate: true })
          : await answer(server.api.POST('/api/v1/demo-catalog', { body: {} }));
      if (options.json === true) printJson(report);
      else {
        const sum = (c: Record<string, number>): number => Object.values(c).reduce((a, b) => a + b, 0);
        print(
          report.changed
            ? `Demo catalog loaded: ${sum(report.created)} of its ${sum(report.catalog)} records created (${summary(report.created)}), every one signed by key ${report.signing_key}.`
            : `Demo catalog already loaded (${summary(report.catalog)}); nothing changed.`,
        );
        print(`The database holds ${summary(report.counts)} in all.`);
      }
    });
};

const LABELS: Record<string, string> = { Industry: 'industries', Skill: 'skills', JobRole: 'job roles', Team: 'teams', Agent: 'agents' };

/** "3 industries, 19 skills, 10 job roles, 6 teams, 50 agents" */
export const summary = (counts: Record<string, number>): string =>
  Object.entries(LABELS)
    .map(([kind, label]) => `${counts[kind] ?? 0} ${label}`)
    .join(', ');
