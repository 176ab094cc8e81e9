import type { Command } from 'commander';
import { loadConfig } from '../../composition/config.ts';
import { configuredPublicKey } from '../../composition/keys.ts';
import { openDatabase, publishKeyAsOwner } from '../../composition/resources.ts';

export const registerMigrate = (program: Command): void => {
  program
    .command('migrate')
    .description(
      'Apply pending database migrations (DATABASE_URL for a server, else the embedded database in PLANT_DATA_DIR), then publish the signing key ' +
        'given by SIGNING_PUBLIC_KEY(_FILE) or SIGNING_KEY(_FILE): only the owner may publish keys',
    )
    .option('--json', 'print the result as JSON')
    .action(async (options: { json?: boolean }) => {
      const config = loadConfig(process.env, { signs: false });
      const { db, migration } = await openDatabase(config, { migrate: true });
      let published: string | null = null;
      try {
        const key = await configuredPublicKey(config);
        if (key !== null) {
          await publishKeyAsOwner(config, db, key);
          published = key.keyId;
        }
      } finally {
        await db.close();
      }
      const result = { engine: db.engine, applied: migration?.applied ?? [], current_version: migration?.current ?? 0, published_key: published };
      if (options.json === true) process.stdout.write(`${JSON.stringify(result)}\n`);
      else {
        process.stdout.write(
          result.applied.length === 0
            ? `Database is up to date (version ${result.current_version}, ${result.engine}).\n`
            : `Applied ${result.applied.join(', ')} (now at version ${result.current_version}, ${result.engine}).\n`,
        );
        if (published !== null) process.stdout.write(`Signing key ${published} is published.\n`);
      }
    });
};
