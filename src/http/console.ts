import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/**
 * The console's pages allow nothing from elsewhere: scripts and styles from this origin only, no
 * inline script, no framing, API calls to this origin.
 */
/** The console's CSP; `connect` adds origins its scripts may call (the OpenID issuer's). */
export const consoleCsp = (connect: readonly string[] = []): string =>
  [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    ["connect-src 'self'", ...connect].join(' '),
    "font-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');

/** The built console (web/dist), read once: its files' URLs, and index.html for client routes. */
export interface ConsoleBuild {
  dir: string;
  urls: ReadonlySet<string>;
  index: Buffer;
  csp: string;
}

const walk = (dir: string, base = ''): string[] =>
  readdirSync(dir).flatMap((name) => {
    const rel = `${base}/${name}`;
    return statSync(path.join(dir, name)).isDirectory() ? walk(path.join(dir, name), rel) : [rel];
  });

/** The console built in `dir`, or null when it was not built (the API still serves). */
export const loadConsole = (dir: string, connect: readonly string[] = []): ConsoleBuild | null => {
  const index = path.join(dir, 'index.html');
  if (!existsSync(index)) return null;
  return { dir, urls: new Set(['/', ...walk(dir)]), index: readFileSync(index), csp: consoleCsp(connect) };
};

const pageHeaders = (reply: FastifyReply, build: ConsoleBuild): FastifyReply =>
  reply.header('content-security-policy', build.csp).header('x-content-type-options', 'nosniff').header('referrer-policy', 'no-referrer');

// Paths that are the API's or the server's own: a miss there is a 404 problem, never the console.
const SERVER_PATHS = /^\/(api|docs|openapi\.json|metrics|health|\.well-known)(\/|$)/;

/** A browser navigating to a client route (/search, /entities/…) gets index.html; the console routes it. */
export const consoleFallback = (build: ConsoleBuild) => (request: FastifyRequest, reply: FastifyReply): boolean => {
  const url = request.url.split('?')[0] ?? '';
  if ((request.method !== 'GET' && request.method !== 'HEAD') || SERVER_PATHS.test(url)) return false;
  if (!(request.headers.accept ?? '').includes('text/html')) return false;
  void pageHeaders(reply, build).code(200).header('cache-control', 'no-cache').type('text/html; charset=utf-8').send(build.index);
  return true;
};

/**
 * Serves the built files: hashed assets cached for a year (their names change with their
 * content), everything else revalidated on each load so a new deployment is picked up.
 */
export const registerConsole = async (app: FastifyInstance, build: ConsoleBuild): Promise<void> => {
  await app.register(fastifyStatic, {
    root: build.dir,
    prefix: '/',
    wildcard: false,
    index: ['index.html'],
    cacheControl: false,
    setHeaders: (reply, file) => {
      const immutable = file.includes(`${path.sep}assets${path.sep}`);
      reply.header('cache-control', immutable ? 'public, max-age=31536000, immutable' : 'no-cache');
      reply.header('content-security-policy', build.csp);
      reply.header('x-content-type-options', 'nosniff');
      reply.header('referrer-policy', 'no-referrer');
    },
  });
};
