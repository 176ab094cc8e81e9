import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SEARCHABLE_KINDS, type EntityKind } from '../../src/core/entity.ts';
import { REFERENCE_FIELDS } from '../../src/core/reference-fields.ts';

const sql = readFileSync(path.resolve(import.meta.dirname, '../../migrations/0004_search.sql'), 'utf8');

/** Fields each kind's branch of plant_search_fields follows into other entities' rows. */
const followedBySearch = (): Map<string, string[]> => {
  const recipe = sql.slice(sql.indexOf('CREATE FUNCTION plant_search_fields'), sql.indexOf('CREATE TABLE search_documents'));
  const out = new Map<string, string[]>();
  for (const branch of recipe.split(/ELS?IF kind = |IF kind = /).slice(1)) {
    const kind = /^'(\w+)'/.exec(branch)?.[1] ?? '';
    const fields = [...branch.matchAll(/plant_try_uuid\(c ->> '(\w+)'\)|coalesce\(c -> '(\w+)', '\[\]'\)\) AS x/g)].map((m) => m[1] ?? m[2] ?? '');
    out.set(kind, [...new Set(fields)].sort());
  }
  return out;
};

describe('the reference table', () => {
  it('is what the SQL search recipe follows: every searchable field naming a searchable kind, and nothing else', () => {
    const searchable = new Set<string>(SEARCHABLE_KINDS);
    const expected = new Map(
      (Object.entries(REFERENCE_FIELDS) as [EntityKind, (typeof REFERENCE_FIELDS)[EntityKind]][])
        .filter(([kind]) => searchable.has(kind))
        .map(([kind, fields]) => [kind, fields.filter((f) => searchable.has(f.target)).map((f) => f.field).sort()]),
    );
    const found = followedBySearch();
    for (const kind of SEARCHABLE_KINDS) expect(found.get(kind) ?? [], kind).toEqual(expected.get(kind) ?? []);
  });

  it('the trigger refreshes dependents only of the kinds others depend on for their text', () => {
    const sync = sql.slice(sql.indexOf('CREATE FUNCTION plant_search_sync'), sql.indexOf('CREATE TRIGGER entities_search'));
    const targets = /NEW\.entity_type IN \(([^)]*)\)/.exec(sync)?.[1]?.match(/'(\w+)'/g)?.map((s) => s.slice(1, -1)).sort();
    const searchable = new Set<string>(SEARCHABLE_KINDS);
    const expected = [
      ...new Set(
        Object.entries(REFERENCE_FIELDS)
          .filter(([kind]) => searchable.has(kind))
          .flatMap(([, fields]) => fields.filter((f) => f.dependent && searchable.has(f.target)).map((f) => f.target)),
      ),
    ].sort();
    expect(targets).toEqual(expected);
  });
});
