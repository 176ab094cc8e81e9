import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApi, type TestApi } from '../support/api.ts';

/**
 * Generated bad input from the committed OpenAPI document: wrong types, missing and extra
 * fields, huge strings, awkward unicode, invalid UUIDs, out-of-range numbers. Every response
 * must be < 500 and, when an error, the problem envelope; a rejected request must leave the
 * database exactly as it was. `npm run fuzz` runs 10,000+.
 */
const TOTAL = Number(process.env.FUZZ_REQUESTS ?? 2400);

type Schema = {
  type?: string | string[];
  format?: string;
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  anyOf?: Schema[];
  const?: unknown;
  enum?: unknown[];
  minimum?: number;
  maximum?: number;
};
interface Operation {
  method: string;
  path: string;
  body?: Schema | undefined;
  params: { name: string; in: string; schema: Schema; required?: boolean }[];
}

// Deterministic PRNG (mulberry32), so a failure is reproducible from its index.
const rng = (seed: number) => () => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};

const NASTY: unknown[] = [
  '', ' ', 'x'.repeat(300), 'y'.repeat(20_000), 'Ω≈ç√∫', '🧪🚀👩‍💻', 'مرحبا', '\u202Egnp.exe', 'a\u0000b', '\ud800', '\udfff',
  "' OR '1'='1", '<script>alert(1)</script>', '../../etc/passwd', '%00', 'null', '0190a000-0000-7000-8000-00000000zzzz',
  '00000000-0000-0000-0000-000000000000', -1, 0, 1.5, -1e308, 1e308, 2 ** 53 + 1, true, false, null, [], [null], {}, { $ref: '#' },
  [1, 'a', {}], { nested: { deeper: ['\u0000'] } },
];

const pick = <T,>(r: () => number, list: readonly T[]): T => list[Math.floor(r() * list.length)] as T;

const valid = (schema: Schema | undefined, r: () => number): unknown => {
  if (schema === undefined) return 'x';
  if (schema.const !== undefined) return schema.const;
  if (schema.anyOf !== undefined) return valid(pick(r, schema.anyOf), r);
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  switch (type) {
    case 'object':
      return Object.fromEntries(Object.entries(schema.properties ?? {}).filter(([k]) => schema.required?.includes(k) || r() < 0.5).map(([k, s]) => [k, valid(s, r)]));
    case 'array':
      return r() < 0.5 ? [] : [valid(schema.items, r)];
    case 'integer':
      return schema.minimum ?? 1;
    case 'number':
      return 1;
    case 'boolean':
      return true;
    case 'null':
      return null;
    case 'string':
    case undefined:
    default:
      return schema.format === 'uuid' ? crypto.randomUUID() : `fuzz ${Math.floor(r() * 1e9)}`;
  }
};

/** One mutation of a valid body: a wrong value somewhere, a missing field, or an extra one. */
const mutate = (body: unknown, schema: Schema | undefined, r: () => number): unknown => {
  if (body === null || typeof body !== 'object' || Array.isArray(body) || r() < 0.1) return pick(r, NASTY);
  const copy = { ...(body as Record<string, unknown>) };
  const keys = Object.keys(schema?.properties ?? {});
  const roll = r();
  if (roll < 0.15 && keys.length > 0) {
    const drop = pick(r, keys);
    return Object.fromEntries(Object.entries(copy).filter(([k]) => k !== drop));
  }
  if (roll < 0.25) copy[`extra_${Math.floor(r() * 100)}`] = pick(r, NASTY);
  else if (keys.length > 0) {
    const key = pick(r, keys);
    const inner = schema?.properties?.[key];
    copy[key] = r() < 0.3 && inner?.type === 'object' ? mutate(valid(inner, r), inner, r) : pick(r, NASTY);
  }
  return copy;
};

const operations = (): Operation[] => {
  const doc = JSON.parse(readFileSync(new URL('../../openapi.json', import.meta.url), 'utf8')) as {
    paths: Record<string, Record<string, { requestBody?: { content?: Record<string, { schema: Schema }> }; parameters?: Operation['params'] }>>;
  };
  return Object.entries(doc.paths).flatMap(([path, ops]) =>
    Object.entries(ops).map(([method, op]) => ({
      method: method.toUpperCase(),
      path,
      body: op.requestBody?.content?.['application/json']?.schema,
      params: op.parameters ?? [],
    })),
  );
};

const queryValue = (schema: Schema, r: () => number): string => {
  const options = ['-1', '0', '201', '99999999999999999999', '1e3', 'abc', '', '%00', '%F0%9F%A7%AA', 'not-a-uuid', "'; DROP TABLE entities;--", 'deleted', 'Skill'];
  return r() < 0.3 ? encodeURIComponent(String(valid(schema, r))) : pick(r, options);
};

describe(`fuzzing every operation from openapi.json (${TOTAL} requests)`, () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await createTestApi('pglite', { rateLimitPerMinute: 10_000_000 });
  });
  afterAll(async () => {
    await api.close();
  });

  const snapshot = async (): Promise<string> =>
    JSON.stringify(
      (
        await api.t.owner.query(
          `SELECT (SELECT count(*) FROM amendments) AS a, (SELECT count(*) FROM entities) AS e,
                  (SELECT coalesce(max(updated_at)::text, '') FROM entities) AS u, (SELECT count(*) FROM service_accounts) AS s`,
        )
      ).rows,
    );

  it('never answers 5xx, always answers errors in the envelope, and never half-writes', async () => {
    const ops = operations().filter((o) => !o.path.startsWith('/health'));
    expect(ops.length).toBeGreaterThan(30);
    const headers = { ...(await api.auth(['admin'], 'fuzzer')), 'content-type': 'application/json' };
    const r = rng(20261122);
    const statuses = new Map<number, number>();
    for (let i = 0; i < TOTAL; i++) {
      const op = ops[i % ops.length] as Operation;
      let path = op.path.replace('{id}', r() < 0.7 ? crypto.randomUUID() : pick(r, ['nope', '%00', '1', 'ÿ', '0190a000-0000-7000-8000-00000000zzzz']));
      const query = op.params.filter((p) => p.in === 'query' && r() < 0.6).map((p) => `${p.name}=${queryValue(p.schema, r)}`);
      if (query.length > 0) path += `?${query.join('&')}`;
      const body = op.body === undefined ? undefined : r() < 0.05 ? undefined : mutate(valid(op.body, r), op.body, r);
      const before = await snapshot();
      const res = await api.app.inject({
        method: op.method as 'POST',
        url: path,
        headers,
        ...(body === undefined || op.method === 'GET' || op.method === 'DELETE' ? {} : { payload: JSON.stringify(body) }),
      });
      const where = `#${i} ${op.method} ${path} ${JSON.stringify(body)?.slice(0, 300)} → ${res.statusCode} ${res.body.slice(0, 300)}`;
      statuses.set(res.statusCode, (statuses.get(res.statusCode) ?? 0) + 1);
      expect(res.statusCode, where).toBeLessThan(500);
      if (res.statusCode >= 400) {
        expect(res.headers['content-type'], where).toContain('application/problem+json');
        const problem = res.json<{ error_code: string; request_id: string; status: number }>();
        expect(problem.status, where).toBe(res.statusCode);
        expect(problem.error_code, where).toMatch(/^[A-Z_]+$/);
        expect(problem.request_id, where).toBe(res.headers['x-request-id']);
        expect(await snapshot(), `database changed by rejected request ${where}`).toBe(before);
      }
    }
    // The mix must actually exercise both paths: many rejections, and some accepted writes.
    expect(statuses.get(422) ?? 0).toBeGreaterThan(TOTAL / 4);
    expect([...statuses.keys()].some((s) => s < 300)).toBe(true);
    // 2,400 requests, each followed by a database comparison: about a minute when the suite loads
    // both cores, so its hang guard is sized for the work rather than the default 60 s.
  }, 240_000);
});
