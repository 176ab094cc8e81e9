import type { Command } from 'commander';
import { loadConfig } from '../../composition/config.ts';
import { startServer } from '../../composition/server.ts';
import { summary } from './seed.ts';

export const registerServe = (program: Command): void => {
  program
    .command('serve')
    .description('Start the HTTP service (embedded database unless DATABASE_URL is set)')
    .action(async () => {
      const config = loadConfig();
      const server = await startServer(config);
      const { deps, address } = server;
      const counts = summary(await deps.store.countByKind());
      const worker = server.jobs.includes('embedding-worker');
      process.stdout.write(
        `Plant is listening on ${address} (${deps.db.engine}${deps.db.engine === 'pglite' ? `, data in ${config.PLANT_DATA_DIR}` : ''})\n` +
          `  signing key ${deps.signingKey.keyId} (${deps.signingKey.algorithm})${server.keyCreated ? ', newly generated' : ''}\n` +
          (server.seeded ? `  demo catalog loaded: ${counts}\n` : `  catalog: ${counts}\n`) +
          (server.console
            ? `  console: ${address}/${server.devSignIn ? '   (development sign-in for this machine)' : ''}\n`
            : '  console: not built (npm run build)\n') +
          `  API docs: ${address}/docs   OpenAPI: ${address}/openapi.json   readiness: ${address}/health/ready\n` +
          `  search: ${address}/api/v1/search?q=… (embeddings: ${config.EMBEDDINGS_PROVIDER} provider, model ${deps.embeddings.embedder.model}, ` +
          `cache ${deps.embeddings.embedder.cache.kind}, ${worker ? 'worker in this process' : 'worker: run `plant worker`'})\n` +
          `  get a token: npx plant token --role governance   (roles: reader, operator, governance, auditor, admin)\n`,
      );
      let closing = false;
      const shutdown = (signal: string): void => {
        if (closing) return;
        closing = true;
        server.app.log.info({ signal }, 'shutting down: finishing in-flight requests');
        void server
          .close()
          .then(() => process.exit(0))
          .catch((error: unknown) => {
            server.app.log.error({ err: error }, 'shutdown failed');
            process.exit(1);
          });
      };
      process.once('SIGINT', () => { shutdown('SIGINT'); });
      process.once('SIGTERM', () => { shutdown('SIGTERM'); });
    });
};
