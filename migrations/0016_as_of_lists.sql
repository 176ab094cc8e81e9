-- Lists as of a tree size (issue 15) walk one kind's entities in id order, whatever their status
-- today (the status that counts is the one signed then); each takes one backward step of
-- log_leaves_entity_leaf (0014) to its head below the size.
CREATE INDEX entities_kind_id ON entities (entity_type, id);
