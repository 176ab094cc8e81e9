import type { Command } from 'commander';
import { print, printJson, table, withContext } from '../shared.ts';

export const registerStatus = (program: Command): void => {
  program
    .command('status')
    .description('Database, migrations, entity counts per kind and signing keys')
    .option('--json', 'print as JSON')
    .action(async (options: { json?: boolean }) => {
      await withContext(async (ctx, config) => {
        const migrations = await ctx.api.health.migrations();
        const counts = await ctx.store.countByKind();
        const keys = await ctx.keys.list();
        const status = {
          database: { engine: ctx.db.engine, location: ctx.db.engine === 'pglite' ? config.PLANT_DATA_DIR : 'DATABASE_URL', reachable: true },
          migrations,
          counts,
          signing_key: { key_id: ctx.signingKey.keyId, algorithm: ctx.signingKey.algorithm },
          published_keys: keys.map((k) => ({ key_id: k.keyId, algorithm: k.algorithm, retired_at: k.retiredAt })),
        };
        if (options.json === true) {
          printJson(status);
          return;
        }
        print(
          [
            `Database   ${status.database.engine} (${status.database.location}), reachable`,
            `Migrations ${migrations.applied}/${migrations.expected} applied${migrations.current ? ', current' : ', NOT CURRENT: run `plant migrate`'}`,
            `Signing    ${status.signing_key.key_id} (${status.signing_key.algorithm}); ${keys.length} published key(s)`,
            '',
            table(['KIND', 'ENTITIES'], ['Industry', 'Skill', 'JobRole', 'Agent', 'Team'].map((k) => [k, counts[k] ?? 0])),
          ].join('\n'),
        );
      });
    });
};
