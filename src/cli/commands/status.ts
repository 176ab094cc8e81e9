import type { Command } from 'commander';
import { statusReport } from '../../core/use-cases/status.ts';
import { answer, serverFor } from '../server.ts';
import { print, printJson, table, withContext } from '../shared.ts';

export const registerStatus = (program: Command): void => {
  program
    .command('status')
    .description('Database, migrations, entity counts per kind and signing keys')
    .option('--json', 'print as JSON')
    .option('--url <url>', 'the status of a running server')
    .option('--token <token>', 'bearer token for --url (default: $PLANT_TOKEN)')
    .action(async (options: { json?: boolean; url?: string; token?: string }) => {
      const server = await serverFor(options, ['reader']);
      const status =
        server === undefined
          ? await withContext(async (ctx, config) => {
              const report = await statusReport({ health: ctx.api.health, store: ctx.store, keys: ctx.keys, signingKeyId: ctx.signingKey.keyId });
              return { ...report, database: { ...report.database, location: ctx.db.engine === 'pglite' ? config.PLANT_DATA_DIR : 'DATABASE_URL' } };
            })
          : await answer(server.api.GET('/api/v1/status')).then((report) => ({ ...report, database: { ...report.database, location: server.url } }));
      if (options.json === true) {
        printJson(status);
        return;
      }
      const { migrations, counts } = status;
      print(
        [
          `Database   ${status.database.engine} (${status.database.location}), reachable`,
          `Migrations ${migrations.applied}/${migrations.expected} applied${migrations.current ? ', current' : ', NOT CURRENT: run `plant migrate`'}`,
          `Signing    ${status.signing_key.key_id} (${String(status.signing_key.algorithm)}); ${status.published_keys.length} published key(s)`,
          '',
          table(['KIND', 'ENTITIES'], ['Industry', 'Skill', 'JobRole', 'Agent', 'Team'].map((k) => [k, counts[k] ?? 0])),
        ].join('\n'),
      );
    });
};
