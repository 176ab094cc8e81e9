import { SerializerSelector, type SerializerFactory } from '@fastify/fast-json-stringify-compiler';

/**
 * Fastify's own response serializers (fast-json-stringify), compiled once per distinct schema
 * instead of once per route and status (517 compilations were 226 schemas), and by default only
 * when a route first answers with that status: compiling them all was most of the time the app
 * took to get ready. A serializer is a pure function of its schema and the context's shared
 * schemas, so routes of one context with equal schemas share it. `eager` compiles at start-up,
 * as Fastify does; the OpenAPI generation (and so the contract test) uses it, so a schema that
 * does not compile still fails the build rather than a first request.
 */
export const sharedSerializers = (eager: boolean): SerializerFactory => {
  const base = SerializerSelector();
  return (externalSchemas, options) => {
    const compile = base(externalSchemas, options);
    const compiled = new Map<string, ReturnType<typeof compile>>();
    return (route) => {
      const key = JSON.stringify(route.schema);
      let serializer = compiled.get(key);
      if (serializer === undefined) {
        let fn = eager ? compile(route) : undefined;
        serializer = (doc) => (fn ??= compile(route))(doc);
        compiled.set(key, serializer);
      }
      return serializer;
    };
  };
};
