import { Gauge } from 'prom-client';
import { QualityRunSchema } from './schemas/quality.ts';
import { createHash } from 'node:crypto';
import cors from '@fastify/cors';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { LogController, type FastifyInstance } from 'fastify';
import { TransportError } from '../core/errors.ts';
import { registerAuth } from './auth/guard.ts';
import { DEFAULT_HOLD_LIMIT_MS, type ApiDeps, type HttpOptions } from './deps.ts';
import { registerBodyParsing } from './body-parsing.ts';
import { clientErrorHandler, frameworkErrors } from './connection-errors.ts';
import { registerErrorHandling } from './errors.ts';
import { registerObservability, registerRequestIdEcho, requestId } from './observability.ts';
import { registerRoutes } from './routes/index.ts';
import { consoleFallback, registerConsole } from './console.ts';
import { ProblemSchema } from './schemas/common.ts';
import { EntitySchema } from './schemas/entity.ts';
import { AuditReportSchema } from './schemas/audit-report.ts';
import { registerValidation } from './validation.ts';
import { sharedSerializers } from './serializers.ts';
import { CONSISTENCY_HEADER, registerReadRouting } from './read-routing.ts';

export const API_VERSION = '1.0.0';

/** Builds the app without listening, so tests drive it with inject() and the CLI with listen(). */
export const buildApp = async (deps: ApiDeps, options: HttpOptions, logStream?: NodeJS.WritableStream): Promise<FastifyInstance> => {
  const app = Fastify({
    logger: {
      level: options.logLevel,
      ...(logStream === undefined ? {} : { stream: logStream }),
      redact: { paths: ['req.headers.authorization', 'req.headers.cookie', 'body.client_secret'], remove: true },
    },
    // Fastify's two lines per request are replaced by one structured line (observability.ts).
    logController: new LogController({ disableRequestLogging: true, requestIdLogLabel: 'request_id' }),
    genReqId: requestId,
    bodyLimit: options.bodyLimitBytes,
    frameworkErrors,
    clientErrorHandler,
    schemaController: { compilersFactory: { buildSerializer: sharedSerializers(options.eagerSchemas === true) } },
  });

  registerRequestIdEcho(app);
  registerValidation(app, options.eagerSchemas === true);
  const build = options.console ?? null;
  registerErrorHandling(app, build === null ? undefined : consoleFallback(build));
  registerAuth(app, deps.tokens, {
    publicRead: options.publicRead,
    publicVerification: options.publicVerification ?? true,
    publicFile: (url) => build?.urls.has(url) === true,
  });
  const registry = registerObservability(app);
  registerReadRouting(app, deps.routing, registry);
  new Gauge({
    name: 'plant_embedding_jobs',
    help: 'Embedding jobs waiting (queued, including in flight) and dead-lettered',
    labelNames: ['state'],
    registers: [registry],
    async collect() {
      const counts = await deps.embeddings.jobCounts();
      this.set({ state: 'queued' }, counts.queued);
      this.set({ state: 'dead' }, counts.dead);
    },
  });

  registerBodyParsing(app);

  await app.register(cors, {
    // Only listed origins; credentials only ever with an explicit list, never with a wildcard.
    origin: options.corsOrigins.length === 0 ? false : [...options.corsOrigins],
    credentials: options.corsOrigins.length > 0,
    exposedHeaders: ['x-request-id', 'x-next-cursor', 'x-as-of-tree-size', 'retry-after', CONSISTENCY_HEADER],
  });
  await app.register(rateLimit, {
    max: options.rateLimitPerMinute,
    timeWindow: 60_000,
    ...(options.rateLimitStore === undefined ? {} : { store: options.rateLimitStore }),
    // Per client: the token when there is one (hashed, never kept), else the address.
    keyGenerator: (request) => {
      const auth = request.headers.authorization;
      return typeof auth === 'string' ? createHash('sha256').update(auth).digest('hex').slice(0, 32) : request.ip;
    },
    allowList: (request) => request.url === '/health' || request.url === '/health/ready' || request.url === '/metrics',
    errorResponseBuilder: (_request, context) =>
      new TransportError('RATE_LIMITED', `Rate limit of ${context.max} requests per minute exceeded; retry in ${Math.ceil(context.ttl / 1000)} s`),
  });

  for (const schema of [ProblemSchema, EntitySchema, AuditReportSchema, QualityRunSchema]) app.addSchema(schema);

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Plant API',
        version: API_VERSION,
        description:
          'The governed registry of AI-agent definitions. Every write is validated (L0/L1), recorded as a signed, hash-chained amendment, and enforced again by the database. Errors are RFC 9457 problem details (application/problem+json). Where the server reads from replicas, a successful write answers with an X-Plant-Consistency header; sending it back on later requests guarantees they see that write.',
      },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } } },
    },
    refResolver: { buildLocalReference: (json, _baseUri, _fragment, i) => (typeof json.$id === 'string' ? json.$id : `def-${i}`) },
    transform: ({ schema, url, route }) => {
      const access = (route.config as { access?: unknown } | undefined)?.access;
      const secured = access !== undefined && access !== 'public';
      // Verification material takes a token but needs none by default (PUBLIC_VERIFICATION).
      const security = access === 'verification' ? [{ bearer: [] }, {}] : [{ bearer: [] }];
      return { schema: secured ? { ...schema, security } : schema, url };
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
  app.get('/openapi.json', { config: { access: 'public' }, schema: { hide: true } }, () => app.swagger());

  registerRoutes(app, deps, options.holdLimitMs ?? DEFAULT_HOLD_LIMIT_MS, { devTokens: options.devTokens === true, oidc: options.oidc ?? null });
  if (build !== null) await registerConsole(app, build);
  return app;
};
