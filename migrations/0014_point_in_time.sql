-- Point-in-time reads (issue 15). "The entity as of tree size N" is its last leaf below N: with
-- (entity_id, leaf_index) indexed that is one backward index step per entity, however long its
-- chain or the log. "As of a time" is the last checkpoint signed at or before it.
CREATE INDEX log_leaves_entity_leaf ON log_leaves (entity_id, leaf_index);
CREATE INDEX log_checkpoints_created_at ON log_checkpoints (created_at, tree_size);
