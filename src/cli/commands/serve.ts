import type { Command } from 'commander';
import { loadConfig } from '../../composition/config.ts';
import { createContext } from '../../composition/context.ts';
import { apiDeps, httpOptions } from '../../composition/http.ts';
import { createEmbeddings } from '../../composition/embeddings.ts';
import { startCheckpointer } from '../../composition/log.ts';
import { startBackgroundWork } from './worker.ts';
import { changedAnything, seedDemoCatalog } from '../../core/use-cases/seed-catalog.ts';
import { buildApp } from '../../http/app.ts';
import { summary } from './seed.ts';

export const registerServe = (program: Command): void => {
  program
    .command('serve')
    .description('Start the HTTP service (embedded database unless DATABASE_URL is set)')
    .action(async () => {
      const config = loadConfig();
      const ctx = await createContext(config, { migrate: config.MIGRATE_ON_START });
      // The first start of an empty embedded database loads the demo catalog, so a newcomer
      // sees a living registry; a server database is never seeded implicitly.
      let seeded = '';
      if (ctx.db.engine === 'pglite' && config.PLANT_SEED && Object.keys(await ctx.store.countByKind()).length === 0) {
        const result = await seedDemoCatalog(ctx.write);
        if (changedAnything(result)) seeded = `  demo catalog loaded: ${summary(await ctx.store.countByKind())}\n`;
      }
      // Redis may report an error before the app (and its logger) exists: hold it until then.
      let warnCache = (error: unknown): void => {
        process.stderr.write(`plant: embedding cache (Redis) unavailable, continuing without it: ${String(error)}\n`);
      };
      const embeddings = createEmbeddings(config, ctx.db, (error) => {
        warnCache(error);
      });
      const app = await buildApp(apiDeps(ctx, embeddings), httpOptions(config));
      warnCache = (error) => {
        app.log.warn({ err: error }, 'embedding cache (Redis) unavailable: continuing without it');
      };
      const stopCheckpointer = startCheckpointer(ctx.log, config.CHECKPOINT_INTERVAL, (error) => {
        app.log.error({ err: error }, 'checkpoint failed');
      });
      const stopBackground = config.EMBEDDINGS_WORKER ? startBackgroundWork(embeddings, config, app.log) : () => Promise.resolve();
      const address = await app.listen({ host: config.HOST, port: config.PORT });
      const counts = await ctx.store.countByKind();
      process.stdout.write(
        `Plant is listening on ${address} (${ctx.db.engine}${ctx.db.engine === 'pglite' ? `, data in ${config.PLANT_DATA_DIR}` : ''})\n` +
          `  signing key ${ctx.signingKey.keyId} (${ctx.signingKey.algorithm})${ctx.keyCreated ? ', newly generated' : ''}\n` +
          (seeded !== '' ? seeded : `  catalog: ${summary(counts)}\n`) +
          `  API docs: ${address}/docs   OpenAPI: ${address}/openapi.json   readiness: ${address}/health/ready\n` +
          `  search: ${address}/api/v1/search?q=… (embeddings: ${config.EMBEDDINGS_PROVIDER} provider, model ${embeddings.embedder.model}, ` +
          `cache ${embeddings.embedder.cache.kind}, ${config.EMBEDDINGS_WORKER ? 'worker in this process' : 'worker: run `plant worker`'})\n` +
          `  get a token: npx plant token --role governance   (roles: reader, operator, governance, auditor, admin)\n`,
      );
      let closing = false;
      const shutdown = (signal: string): void => {
        if (closing) return;
        closing = true;
        app.log.info({ signal }, 'shutting down: finishing in-flight requests');
        // close() stops accepting connections and waits for in-flight requests before resolving.
        void app
          .close()
          .then(() => stopCheckpointer())
          .then(() => stopBackground())
          .then(() => embeddings.close())
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
