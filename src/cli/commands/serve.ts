import type { Command } from 'commander';
import { loadConfig } from '../../composition/config.ts';
import { createContext } from '../../composition/context.ts';
import { apiDeps, httpOptions } from '../../composition/http.ts';
import { buildApp } from '../../http/app.ts';

export const registerServe = (program: Command): void => {
  program
    .command('serve')
    .description('Start the HTTP service (embedded database unless DATABASE_URL is set)')
    .action(async () => {
      const config = loadConfig();
      const ctx = await createContext(config, { migrate: config.MIGRATE_ON_START });
      const app = await buildApp(apiDeps(ctx), httpOptions(config));
      const address = await app.listen({ host: config.HOST, port: config.PORT });
      process.stdout.write(
        `Plant is listening on ${address} (${ctx.db.engine}${ctx.db.engine === 'pglite' ? `, data in ${config.PLANT_DATA_DIR}` : ''})\n` +
          `  signing key ${ctx.signingKey.keyId} (${ctx.signingKey.algorithm})${ctx.keyCreated ? ', newly generated' : ''}\n` +
          `  API docs: ${address}/docs   OpenAPI: ${address}/openapi.json   readiness: ${address}/health/ready\n`,
      );
      let closing = false;
      const shutdown = (signal: string): void => {
        if (closing) return;
        closing = true;
        app.log.info({ signal }, 'shutting down: finishing in-flight requests');
        // close() stops accepting connections and waits for in-flight requests before resolving.
        void app
          .close()
          .then(() => ctx.close())
          .then(() => process.exit(0))
          .catch((error: unknown) => {
            app.log.error({ err: error }, 'shutdown failed');
            process.exit(1);
          });
      };
      process.once('SIGINT', () => { shutdown('SIGINT'); });
      process.once('SIGTERM', () => { shutdown('SIGTERM'); });
    });
};
