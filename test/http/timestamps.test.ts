import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as f from '../support/factories.ts';
import { createTestApi, type TestApi } from '../support/api.ts';

/** RFC 3339 in UTC, as every timestamp Plant answers with: `2026-12-03T05:52:22.572Z`. */
const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?Z$/;
const TIME_NAME = /(_at|^timestamp|^updatedAt|^since)$/;

interface Schema {
  $ref?: string;
  type?: string | string[];
  format?: string;
  properties?: Record<string, Schema>;
  additionalProperties?: Schema | boolean;
  items?: Schema;
  anyOf?: Schema[];
  oneOf?: Schema[];
  allOf?: Schema[];
}
interface Spec {
  paths: Record<string, Record<string, { parameters?: { in: string; name: string; required?: boolean }[]; responses: Record<string, { content?: Record<string, { schema: Schema }> }> }>>;
  components: { schemas: Record<string, Schema> };
}

describe('every timestamp in every response is ISO 8601 UTC', () => {
  let api: TestApi;
  let spec: Spec;
  beforeAll(async () => {
    api = await createTestApi('pglite');
    spec = api.app.swagger() as unknown as Spec;
  });
  afterAll(async () => {
    await api.close();
  });

  const resolve = (schema: Schema): Schema => (schema.$ref === undefined ? schema : resolve(spec.components.schemas[schema.$ref.replace('#/components/schemas/', '')] ?? {}));

  /** Every value at a date-time position of `schema`, with where it sits. */
  const timestamps = (schema: Schema, value: unknown, at: string, out: [string, unknown][] = []): [string, unknown][] => {
    const s = resolve(schema);
    if (s.format === 'date-time' && typeof value === 'string') out.push([at, value]);
    for (const branch of [...(s.anyOf ?? []), ...(s.oneOf ?? []), ...(s.allOf ?? [])]) timestamps(branch, value, at, out);
    if (Array.isArray(value) && s.items !== undefined) value.forEach((v, i) => timestamps(s.items as Schema, v, `${at}[${i}]`, out));
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
      for (const [k, v] of Object.entries(value)) {
        const child = s.properties?.[k] ?? (typeof s.additionalProperties === 'object' ? s.additionalProperties : undefined);
        if (child !== undefined) timestamps(child, v, `${at}.${k}`, out);
      }
    }
    return out;
  };

  /** Names that are times but whose schema does not say so (a client cannot know to parse them). */
  const undeclared = (schema: Schema, at: string, name: string | null, out: Set<string>, seen = new Set<Schema>()): Set<string> => {
    const s = resolve(schema);
    if (seen.has(s)) return out;
    seen.add(s);
    const branches = [...(s.anyOf ?? []), ...(s.oneOf ?? []), ...(s.allOf ?? [])].map(resolve);
    if (name !== null && TIME_NAME.test(name) && s.format !== 'date-time' && !branches.some((b) => b.format === 'date-time')) out.add(`${at}.${name}`);
    for (const [k, v] of Object.entries(s.properties ?? {})) undeclared(v, at, k, out, seen);
    if (s.items !== undefined) undeclared(s.items, at, null, out, seen);
    if (typeof s.additionalProperties === 'object') undeclared(s.additionalProperties, at, null, out, seen);
    for (const b of branches) undeclared(b, at, null, out, seen);
    return out;
  };

  it('every response schema declares its time fields as date-time', () => {
    const missing = new Set<string>();
    for (const [path, operations] of Object.entries(spec.paths)) {
      for (const [method, op] of Object.entries(operations)) {
        for (const [status, response] of Object.entries(op.responses)) {
          const schema = response.content?.['application/json']?.schema;
          if (status.startsWith('2') && schema !== undefined) undeclared(schema, `${method} ${path} ${status}`, null, missing);
        }
      }
    }
    expect([...missing]).toEqual([]);
  });

  it('every GET route, called on a populated catalog, answers its date-time fields in UTC with a Z', async () => {
    const admin = await api.auth(['admin']);
    const g = await f.graph(api.t.write);
    const agent = await f.agent(api.t.write, g);
    const team = await f.team(api.t.write, g, [agent.id]);
    const post = async (url: string, payload: unknown): Promise<Record<string, unknown>> => {
      const res = await api.app.inject({ method: 'POST', url, headers: admin, payload: payload as Record<string, unknown> });
      expect(res.statusCode, `${url}: ${res.body}`).toBeLessThan(300);
      return res.json();
    };
    const hook = await post('/api/v1/webhooks', { url: 'https://portal.example.com/hooks/plant' });
    const created = [
      ['POST /api/v1/embeddings/quality', await post('/api/v1/embeddings/quality', {})],
      ['POST /api/v1/auth/service-accounts', await post('/api/v1/auth/service-accounts', { client_id: 'timestamps-test', roles: ['reader'] })],
    ] as const;
    await post('/api/v1/audit/run', {});
    const ids: Record<string, string> = {
      '/api/v1/genesis/skills/{id}': g.skill.id,
      '/api/v1/genesis/job-roles/{id}': g.role.id,
      '/api/v1/genesis/industries/{id}': g.industry.id,
      '/api/v1/agents/{id}': agent.id,
      '/api/v1/agents/{id}/card': agent.id,
      '/api/v1/teams/{id}': team.id,
      '/api/v1/webhooks/{id}': String(hook.id),
      '/api/v1/webhooks/{id}/deliveries': String(hook.id),
      '/api/v1/amendments/{hash}': agent.hash_chain_head,
      '/api/v1/auth/service-accounts/{client_id}': 'timestamps-test',
    };
    const queries: Record<string, string> = {
      '/api/v1/search': 'q=agent',
      '/api/v1/log/proof/inclusion': 'leaf_index=0',
      '/api/v1/log/proof/consistency': 'first=1&second=2',
      '/api/v1/entities/{id}/diff': 'from=1&to=1',
      '/api/v1/log/diff': 'from=1&to=2',
      '/api/v1/changes': 'limit=5',
      '/api/v1/log/entries': 'start=0&end=3',
    };
    const seen: [string, unknown][] = [];
    for (const [path, operations] of Object.entries(spec.paths)) {
      const op = operations.get;
      const schema = op?.responses['200']?.content?.['application/json']?.schema;
      if (op === undefined || schema === undefined || path.endsWith('/stream')) continue;
      const url = path.replace(/\{\w+\}/, ids[path] ?? (path.includes('{') ? g.skill.id : ''));
      const res = await api.app.inject({ method: 'GET', url: `${url}${queries[path] === undefined ? '' : `?${queries[path]}`}`, headers: admin });
      expect(res.statusCode, `GET ${url}: ${res.body.slice(0, 300)}`).toBe(200);
      seen.push(...timestamps(schema, res.json(), `GET ${path}`));
    }
    for (const [route, body] of created) {
      const [method, path] = route.split(' ') as [string, string];
      const responses = Object.entries(spec.paths[path]?.[method.toLowerCase()]?.responses ?? {});
      const schema = responses.find(([status, r]) => status.startsWith('2') && r.content?.['application/json'] !== undefined)?.[1].content?.['application/json']?.schema;
      expect(schema, route).toBeDefined();
      seen.push(...timestamps(schema as Schema, body, route));
    }
    const bad = seen.filter(([, v]) => !ISO_UTC.test(String(v)));
    expect(bad).toEqual([]);
    // The walk reached the fields the issue named, and many more.
    const where = seen.map(([at]) => at).join('\n');
    expect(where).toMatch(/started_at/);
    expect(where).toMatch(/GET \/api\/v1\/log\/checkpoint\.created_at/);
    expect(seen.length).toBeGreaterThan(40);
  });
});
