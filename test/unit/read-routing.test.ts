import Fastify, { type FastifyInstance } from 'fastify';
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import type { ReadRouting } from '../../src/core/ports/read-routing.ts';
import { registerReadRouting } from '../../src/http/read-routing.ts';

/** A router that records the scopes it was asked for and whose token read can be made to fail. */
const fakeRouting = (token: () => Promise<string | null>): ReadRouting & { scopes: (string | undefined)[] } => {
  const scopes: (string | undefined)[] = [];
  return {
    enabled: true,
    scopes,
    readScope: (sent, work) => {
      scopes.push(sent);
      return work();
    },
    consistencyToken: token,
    replicas: () => [],
    routed: () => new Map(),
  };
};

const appWith = async (routing: ReadRouting): Promise<FastifyInstance> => {
  const app = Fastify({ logger: false });
  registerReadRouting(app, routing, new Registry());
  app.get('/read', () => ({ ok: true }));
  app.get('/signs', { config: { writes: true } }, () => ({ ok: true }));
  app.post('/write', () => ({ ok: true }));
  app.post('/refused', async (_request, reply) => reply.code(409).send({ ok: false }));
  app.options('/write', async (_request, reply) => reply.code(204).send());
  await app.ready();
  return app;
};

describe('read routing at the HTTP edge', () => {
  it('scopes reads with the token sent, leaves writes and signing GETs on the primary, and answers writes with a token', async () => {
    const routing = fakeRouting(() => Promise.resolve('0/3000148'));
    const app = await appWith(routing);
    await app.inject({ url: '/read', headers: { 'x-plant-consistency': '0/2A' } });
    await app.inject({ url: '/read' });
    await app.inject({ url: '/signs' });
    expect(routing.scopes).toEqual(['0/2A', undefined]);
    const write = await app.inject({ method: 'POST', url: '/write' });
    expect(write.headers['x-plant-consistency']).toBe('0/3000148');
    const refused = await app.inject({ method: 'POST', url: '/refused' });
    expect(refused.headers['x-plant-consistency']).toBeUndefined();
    const preflight = await app.inject({ method: 'OPTIONS', url: '/write' });
    expect(preflight.headers['x-plant-consistency']).toBeUndefined();
    await app.close();
  });

  it('a write whose token cannot be read still answers, without a token', async () => {
    const app = await appWith(fakeRouting(() => Promise.reject(new Error('primary gone'))));
    const write = await app.inject({ method: 'POST', url: '/write' });
    expect(write.statusCode).toBe(200);
    expect(write.headers['x-plant-consistency']).toBeUndefined();
    await app.close();
  });
});
