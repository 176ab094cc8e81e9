-- Witness cosignatures (issue 15): C2SP tlog-cosignature lines that witnesses returned for a
-- checkpoint, kept beside it and served with it. One per witness key and checkpoint; like the
-- checkpoints they are never changed or removed.
CREATE TABLE log_cosignatures (
  tree_size    bigint NOT NULL REFERENCES log_checkpoints (tree_size),
  witness_key  text NOT NULL CHECK (length(witness_key) BETWEEN 1 AND 1024),
  witness_name text NOT NULL CHECK (length(witness_name) BETWEEN 1 AND 255),
  signed_at    timestamptz NOT NULL,
  line         text NOT NULL CHECK (line LIKE '— %' AND position(E'\n' IN line) = 0),
  received_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tree_size, witness_key)
);
-- "What did this witness cosign last" picks the old size of the next request.
CREATE INDEX log_cosignatures_witness ON log_cosignatures (witness_key, tree_size);

CREATE TRIGGER log_cosignatures_append_only BEFORE UPDATE OR DELETE ON log_cosignatures FOR EACH ROW EXECUTE FUNCTION plant_reject_change();
CREATE TRIGGER log_cosignatures_no_truncate BEFORE TRUNCATE ON log_cosignatures FOR EACH STATEMENT EXECUTE FUNCTION plant_reject_change();

REVOKE ALL ON log_cosignatures FROM PUBLIC;
GRANT SELECT, INSERT ON log_cosignatures TO plant_service;
