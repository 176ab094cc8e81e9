/**
 * Writes migrations/0009_name_skeletons.sql: the database's copy of the confusables table that
 * src/core/names.ts uses (the unhomoglyph package's data, from Unicode's confusables.txt), so the
 * database computes the same skeletons. Applied migrations never change: after upgrading
 * unhomoglyph, write the new table in a new migration (test/unit/names.test.ts notices the drift).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const data = JSON.parse(readFileSync(require.resolve('unhomoglyph/data.json'), 'utf8')) as Record<string, string>;
const json = JSON.stringify(data);
if (json.includes('$confusables$') || json.includes('\\u0000')) throw new Error('the confusables data cannot be quoted as is');
const version = (JSON.parse(readFileSync(require.resolve('unhomoglyph/package.json'), 'utf8')) as { version: string }).version;

const sql = `-- Names are unique by their UTS #39 skeleton (src/core/names.ts says why). The confusables table
-- is unhomoglyph ${version}'s (Unicode confusables.txt), written here by scripts/generate-name-skeletons.ts.
CREATE TABLE plant_confusables (
  source    text PRIMARY KEY,
  prototype text NOT NULL
);
INSERT INTO plant_confusables (source, prototype)
  SELECT key, value FROM jsonb_each_text($confusables$${json}$confusables$::jsonb);
REVOKE ALL ON plant_confusables FROM PUBLIC;
GRANT SELECT ON plant_confusables TO plant_service;

-- NFKC, case-folded, decomposed, every character replaced by its prototype, decomposed again:
-- the same steps as nameSkeleton() in src/core/names.ts. One primary-key lookup per character
-- (a join would hash the whole table on every call: 50x slower).
CREATE FUNCTION plant_name_skeleton(name text) RETURNS text
  LANGUAGE sql STABLE
  AS $$
    SELECT coalesce(lower(normalize(string_agg(coalesce((SELECT c.prototype FROM plant_confusables c WHERE c.source = ch.c), ch.c), '' ORDER BY ch.i), NFD)), '')
      FROM regexp_split_to_table(normalize(lower(normalize(name, NFKC)), NFD), '') WITH ORDINALITY AS ch(c, i)
  $$;

-- The skeleton is the database's to compute: a trigger sets it from the signed name, whatever
-- the writer sent.
ALTER TABLE entities ADD COLUMN name_skeleton text;
CREATE FUNCTION plant_entity_name_skeleton() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
BEGIN
  NEW.name_skeleton := plant_name_skeleton(NEW.content ->> 'name');
  RETURN NEW;
END
$$;
CREATE TRIGGER entities_name_skeleton BEFORE INSERT OR UPDATE OF content ON entities
  FOR EACH ROW EXECUTE FUNCTION plant_entity_name_skeleton();

-- Existing names: computed now (row-level security is lifted for this one owner statement).
-- Look-alikes that already exist keep working: the later ones get their id appended, so they
-- stay unique until they are next renamed or evolved.
ALTER TABLE entities NO FORCE ROW LEVEL SECURITY;
UPDATE entities SET name_skeleton = plant_name_skeleton(name);
UPDATE entities e SET name_skeleton = e.name_skeleton || ' ' || e.id::text
  FROM (SELECT id, row_number() OVER (PARTITION BY entity_type, name_skeleton ORDER BY created_at, id) AS n
          FROM entities WHERE status <> 'deleted') d
 WHERE e.id = d.id AND d.n > 1;
ALTER TABLE entities FORCE ROW LEVEL SECURITY;

DROP INDEX entities_name_unique;
CREATE UNIQUE INDEX entities_name_unique ON entities (entity_type, name_skeleton) WHERE status <> 'deleted';
`;

writeFileSync(new URL('../migrations/0009_name_skeletons.sql', import.meta.url), sql);
process.stdout.write(`wrote migrations/0009_name_skeletons.sql (${Object.keys(data).length} confusables)\n`);
