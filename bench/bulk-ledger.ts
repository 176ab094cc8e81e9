import { uncertified } from '../src/core/entity.ts';
import { commonContent } from '../src/core/use-cases/common-fields.ts';

export const entityId = (e: number): string => `0190b000-0000-7000-8000-${e.toString().padStart(12, '0')}`;

/**
 * `entities` skills of `versions` amendments each, built set-wise in SQL with the triggers off. The log
 * interleaves them (leaf (v−1)·entities + e is entity e's version v), so a past tree holds every
 * entity at an older version, the case `as_of` has to find its way through. With `search`, each
 * skill also gets the search document the sync trigger would write (text only: no embeddings).
 */
export const buildLedger = async (owner: { exec(sql: string): Promise<void> }, entities: number, versions: number, search = false): Promise<number> => {
  const leaves = entities * versions;
  const id = `('0190b000-0000-7000-8000-' || lpad(e::text, 12, '0'))::uuid`;
  const hash = `encode(sha256(convert_to(e::text || ':' || v::text, 'UTF8')), 'hex')`;
  // A skill's whole content as the writer makes it; each row sets its own name and description.
  const template = JSON.stringify({ ...commonContent('Skill', {}), description: '', category: 'technical', certification: uncertified() }).replaceAll("'", "''");
  const content = (v: string): string => `'${template}'::jsonb || jsonb_build_object('name', 'Skill ' || e, 'description', 'version ' || ${v})`;
  await owner.exec(`
    ALTER TABLE entities DISABLE TRIGGER USER; ALTER TABLE amendments DISABLE TRIGGER USER;
    ALTER TABLE log_leaves DISABLE TRIGGER USER; ALTER TABLE log_nodes DISABLE TRIGGER USER; ALTER TABLE log_state DISABLE TRIGGER USER;
    INSERT INTO entities (id, entity_type, version, version_hash, hash_chain_head, amendment_count, created_at, updated_at, content)
      SELECT ${id}, 'Skill', ${versions}, ${hash.replace('v::text', `'${versions}'`)}, ${hash.replace('v::text', `'${versions}'`)}, ${versions}, now(), now(), ${content(`'${versions}'`)}
        FROM generate_series(0, ${entities - 1}) AS e;
    INSERT INTO amendments (entity_id, version, entity_type, operation, actor, prev_hash, hash, signature, key_id, alg, payload)
      SELECT ${id}, v, 'Skill', CASE WHEN v = 1 THEN 'create' ELSE 'evolve' END, 'bench',
             CASE WHEN v = 1 THEN repeat('0', 64) ELSE encode(sha256(convert_to(e::text || ':' || (v - 1)::text, 'UTF8')), 'hex') END,
             ${hash}, 'bench', 'bench', 'Ed25519',
             jsonb_build_object('format', 'plant.amendment/v1', 'entity_id', ${id}, 'entity_type', 'Skill', 'version', v, 'operation', CASE WHEN v = 1 THEN 'create' ELSE 'evolve' END,
                                'actor', 'bench', 'reason', null, 'timestamp', to_char(timestamp '2026-01-01' + (((v - 1) * ${entities} + e) || ' seconds')::interval, 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
                                'key_id', 'bench', 'alg', 'Ed25519', 'content', ${content('v')})
        FROM generate_series(0, ${entities - 1}) AS e, generate_series(1, ${versions}) AS v;
    INSERT INTO log_leaves (leaf_index, entity_id, version, amendment_hash, leaf_hash)
      SELECT (v - 1) * ${entities} + e, ${id}, v, ${hash}, sha256('\\x00'::bytea || decode(${hash}, 'hex'))
        FROM generate_series(0, ${entities - 1}) AS e, generate_series(1, ${versions}) AS v;
    INSERT INTO log_nodes SELECT 0, leaf_index, leaf_hash FROM log_leaves;`);
  for (let level = 1; 2 ** level <= leaves; level++) {
    await owner.exec(
      `INSERT INTO log_nodes SELECT ${level}::smallint, l.idx / 2, sha256('\\x01'::bytea || l.hash || r.hash)
         FROM log_nodes l JOIN log_nodes r ON r.level = l.level AND r.idx = l.idx + 1
        WHERE l.level = ${level - 1} AND l.idx % 2 = 0`,
    );
  }
  if (search) {
    await owner.exec(`
      ALTER TABLE search_documents DISABLE TRIGGER USER;
      INSERT INTO search_documents (entity_id, entity_type, name, status, industry_id, certified, body)
        SELECT id, 'Skill', content ->> 'name', 'active', NULL, false, concat_ws('. ', content ->> 'name', 'technical skill', content ->> 'description')
          FROM entities;`);
  }
  await owner.exec(`UPDATE log_state SET size = ${leaves}; ANALYZE;`);
  return leaves;
};
