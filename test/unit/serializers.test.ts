import { describe, expect, it } from 'vitest';
import { sharedSerializers } from '../../src/http/serializers.ts';

const route = (schema: unknown, url = '/x'): { method: string; url: string; httpStatus: string; schema: unknown } => ({ method: 'GET', url, httpStatus: '200', schema });
const entity = { type: 'object', properties: { id: { type: 'string' }, version: { type: 'integer' } } };
// fast-json-stringify refuses a $ref it cannot resolve.
const broken = { type: 'object', properties: { a: { $ref: 'Nowhere#' } } };

describe('shared response serializers', () => {
  it('routes with equal schemas share one serializer, and it writes what the schema says', () => {
    const compile = sharedSerializers(false)({}, {});
    const a = compile(route(entity, '/a'));
    const b = compile(route(structuredClone(entity), '/b'));
    expect(a).toBe(b);
    expect(a({ id: 'e1', version: 3, secret: 'dropped' })).toBe('{"id":"e1","version":3}');
    expect(compile(route({ type: 'object', properties: { id: { type: 'string' } } }))).not.toBe(a);
  });

  it('lazily, a schema is compiled at its first use; eagerly (the OpenAPI build), at start-up', () => {
    const lazy = sharedSerializers(false)({}, {})(route(broken));
    expect(() => lazy({ a: 1 })).toThrow();
    expect(() => sharedSerializers(true)({}, {})(route(broken))).toThrow();
  });
});
