import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES, isTransportOnly, type ErrorCode } from '../../src/core/errors.ts';
import { STATUS_BY_CODE } from '../../src/http/errors.ts';
import { generateOpenApi } from '../../src/http/openapi.ts';

const root = new URL('../../', import.meta.url);

describe('contract artifacts', () => {
  it('every error code is mapped to a status and documented with that status', () => {
    const doc = readFileSync(new URL('docs/errors.md', root), 'utf8');
    const rows = [...doc.matchAll(/^\| `([A-Z_]+)` \| (\d{3}) \| (domain|transport) \|/gm)];
    const documented = new Map(rows.map((m) => [m[1], Number(m[2])]));
    const raisedBy = new Map(rows.map((m) => [m[1], m[3]]));
    for (const code of Object.keys(ERROR_CODES) as ErrorCode[]) {
      expect(STATUS_BY_CODE[code], `status for ${code}`).toBeTypeOf('number');
      expect(documented.get(code), `docs/errors.md row for ${code}`).toBe(STATUS_BY_CODE[code]);
      expect(raisedBy.get(code), `docs/errors.md "raised by" for ${code}`).toBe(isTransportOnly(code) ? 'transport' : 'domain');
    }
    expect([...documented.keys()].sort()).toEqual(Object.keys(ERROR_CODES).sort());
  });

  it('the committed openapi.json is what the routes generate (run `npm run openapi` after changing a route)', async () => {
    const committed = readFileSync(new URL('openapi.json', root), 'utf8');
    expect(await generateOpenApi()).toBe(committed);
  });

  it('is OpenAPI 3.1 with every route of the contract, secured except health, docs, the token endpoint and the console sign-in offer', () => {
    const doc = JSON.parse(readFileSync(new URL('openapi.json', root), 'utf8')) as {
      openapi: string;
      paths: Record<string, Record<string, { security?: unknown }>>;
    };
    expect(doc.openapi).toBe('3.1.0');
    const operations = Object.entries(doc.paths).flatMap(([path, ops]) => Object.entries(ops).map(([method, op]) => ({ path, method, op })));
    expect(operations.length).toBeGreaterThanOrEqual(33);
    for (const { path, op } of operations) {
      // The console's sign-in offer is read before anyone has a token.
      const isPublic = path.startsWith('/health') || path === '/api/v1/auth/token' || path === '/api/v1/auth/sign-in';
      expect(op.security === undefined, `${path} security`).toBe(isPublic);
    }
  });
});
