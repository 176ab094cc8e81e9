-- Transparency log: every amendment, in commit order, is a leaf of one global Merkle tree
-- (RFC 6962). Leaf data = the 32 bytes of the amendment's hash; leaf hash = SHA-256(0x00 ‖ data).
-- The append happens inside the amendment's own transaction, under the row lock of log_state,
-- so leaf indexes are gap-free, assigned once, and follow commit order: a writer holds the
-- lock from its append until it commits, and the next writer takes the next index.

CREATE TABLE log_state (
  id   boolean PRIMARY KEY DEFAULT true CHECK (id),
  size bigint NOT NULL CHECK (size >= 0)
);
INSERT INTO log_state (id, size) VALUES (true, 0);

CREATE TABLE log_leaves (
  leaf_index     bigint PRIMARY KEY CHECK (leaf_index >= 0),
  entity_id      uuid NOT NULL,
  version        integer NOT NULL,
  amendment_hash text NOT NULL UNIQUE,
  leaf_hash      bytea NOT NULL CHECK (octet_length(leaf_hash) = 32),
  UNIQUE (entity_id, version)
);

-- Every perfect subtree: (level, idx) covers leaves [idx·2^level, (idx+1)·2^level). Level 0 are
-- the leaf hashes. With these stored, any root or proof needs O(log n) lookups.
CREATE TABLE log_nodes (
  level smallint NOT NULL CHECK (level >= 0 AND level < 63),
  idx   bigint NOT NULL CHECK (idx >= 0),
  hash  bytea NOT NULL CHECK (octet_length(hash) = 32),
  PRIMARY KEY (level, idx)
);

-- Signed checkpoints (C2SP tlog-checkpoint in a C2SP signed note), kept forever.
CREATE TABLE log_checkpoints (
  tree_size  bigint PRIMARY KEY CHECK (tree_size >= 0),
  root_hash  bytea NOT NULL CHECK (octet_length(root_hash) = 32),
  note       text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE FUNCTION plant_log_append(p_entity uuid, p_version integer, p_hash text) RETURNS bigint
  LANGUAGE plpgsql
  SECURITY INVOKER
  AS $$
DECLARE
  leaf_at bigint;
  h bytea;
  left_hash bytea;
  lvl integer := 0;
  i bigint;
BEGIN
  UPDATE log_state SET size = size + 1 WHERE id RETURNING size - 1 INTO leaf_at;
  h := sha256('\x00'::bytea || decode(p_hash, 'hex'));
  INSERT INTO log_leaves (leaf_index, entity_id, version, amendment_hash, leaf_hash) VALUES (leaf_at, p_entity, p_version, p_hash, h);
  INSERT INTO log_nodes (level, idx, hash) VALUES (0, leaf_at, h);
  i := leaf_at;
  -- A right child completes its parent: store every perfect subtree this leaf completes.
  WHILE i % 2 = 1 LOOP
    SELECT hash INTO STRICT left_hash FROM log_nodes WHERE level = lvl AND idx = i - 1;
    h := sha256('\x01'::bytea || left_hash || h);
    lvl := lvl + 1;
    i := i / 2;
    INSERT INTO log_nodes (level, idx, hash) VALUES (lvl, i, h);
  END LOOP;
  RETURN leaf_at;
END
$$;

-- plant_append now also logs the amendments, in the same transaction. The leaves are appended
-- after every amendment and projection of the batch is written, so the log's row lock (which
-- serializes all writers) is held only for the appends and the commit.
CREATE OR REPLACE FUNCTION plant_append(actor text, roles text, entries jsonb) RETURNS void
  LANGUAGE plpgsql
  SECURITY INVOKER
  AS $$
DECLARE
  entry jsonb;
BEGIN
  PERFORM set_config('plant.actor', actor, true), set_config('plant.roles', roles, true);
  FOR entry IN SELECT value FROM jsonb_array_elements(entries) LOOP
    INSERT INTO amendments (entity_id, version, entity_type, operation, actor, prev_hash, hash, signature, key_id, alg, payload)
    SELECT a.entity_id, a.version, a.entity_type, a.operation, a.actor, a.prev_hash, a.hash, a.signature, a.key_id, a.alg, a.payload
      FROM jsonb_populate_record(NULL::amendments, entry -> 'amendment') AS a;
    IF (entry ->> 'birth')::boolean THEN
      INSERT INTO entities (id, entity_type, version, version_hash, hash_chain_head, amendment_count, created_at, updated_at,
                            deleted_at, l0_compliance_status, l1_compliance_status, drift_detector, tamper_proof, content)
      SELECT e.id, e.entity_type, e.version, e.version_hash, e.hash_chain_head, e.amendment_count, e.created_at, e.updated_at,
             e.deleted_at, e.l0_compliance_status, e.l1_compliance_status, e.drift_detector, e.tamper_proof, e.content
        FROM jsonb_populate_record(NULL::entities, entry -> 'entity') AS e;
    ELSE
      UPDATE entities t
         SET version = e.version, version_hash = e.version_hash, hash_chain_head = e.hash_chain_head,
             amendment_count = e.amendment_count, updated_at = e.updated_at, deleted_at = e.deleted_at,
             l0_compliance_status = e.l0_compliance_status, l1_compliance_status = e.l1_compliance_status, content = e.content
        FROM jsonb_populate_record(NULL::entities, entry -> 'entity') AS e
       WHERE t.id = e.id;
    END IF;
  END LOOP;
  FOR entry IN SELECT value FROM jsonb_array_elements(entries) LOOP
    PERFORM plant_log_append((entry -> 'amendment' ->> 'entity_id')::uuid, (entry -> 'amendment' ->> 'version')::integer,
                             entry -> 'amendment' ->> 'hash');
  END LOOP;
END
$$;

-- Amendments written before the log existed become its first leaves, in commit order.
DO $$
DECLARE
  a record;
BEGIN
  FOR a IN SELECT entity_id, version, hash FROM amendments ORDER BY recorded_at, entity_id, version LOOP
    PERFORM plant_log_append(a.entity_id, a.version, a.hash);
  END LOOP;
END
$$;

CREATE TRIGGER log_leaves_append_only BEFORE UPDATE OR DELETE ON log_leaves FOR EACH ROW EXECUTE FUNCTION plant_reject_change();
CREATE TRIGGER log_leaves_no_truncate BEFORE TRUNCATE ON log_leaves FOR EACH STATEMENT EXECUTE FUNCTION plant_reject_change();
CREATE TRIGGER log_nodes_append_only BEFORE UPDATE OR DELETE ON log_nodes FOR EACH ROW EXECUTE FUNCTION plant_reject_change();
CREATE TRIGGER log_nodes_no_truncate BEFORE TRUNCATE ON log_nodes FOR EACH STATEMENT EXECUTE FUNCTION plant_reject_change();
CREATE TRIGGER log_checkpoints_append_only BEFORE UPDATE OR DELETE ON log_checkpoints FOR EACH ROW EXECUTE FUNCTION plant_reject_change();
CREATE TRIGGER log_checkpoints_no_truncate BEFORE TRUNCATE ON log_checkpoints FOR EACH STATEMENT EXECUTE FUNCTION plant_reject_change();
CREATE TRIGGER log_state_no_delete BEFORE DELETE ON log_state FOR EACH ROW EXECUTE FUNCTION plant_reject_change();

-- The size only ever grows by one.
CREATE FUNCTION plant_log_state_guard() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
BEGIN
  IF NEW.size <> OLD.size + 1 THEN
    RAISE EXCEPTION 'plant: the log grows one leaf at a time' USING ERRCODE = 'PL005';
  END IF;
  RETURN NEW;
END
$$;
CREATE TRIGGER log_state_grows BEFORE UPDATE ON log_state FOR EACH ROW EXECUTE FUNCTION plant_log_state_guard();

REVOKE ALL ON log_state, log_leaves, log_nodes, log_checkpoints FROM PUBLIC;
GRANT SELECT, UPDATE (size) ON log_state TO plant_service;
GRANT SELECT, INSERT ON log_leaves, log_nodes, log_checkpoints TO plant_service;
