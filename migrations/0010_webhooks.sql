-- Webhooks: subscriptions, and an outbox of events written by the amendment's own transaction.
-- Each leaf of the log becomes one event per matching subscription as it is appended, so an
-- acknowledged write has its events, and a write that rolls back has none. Delivery is in leaf
-- order per subscription; a worker leases a whole subscription (locked_by/locked_until), so two
-- workers never deliver to one subscription at the same time.

CREATE TABLE webhook_subscriptions (
  id                   uuid PRIMARY KEY,
  url                  text NOT NULL UNIQUE CHECK (length(url) <= 2048),
  -- Empty means every kind (every operation).
  kinds                text[] NOT NULL DEFAULT '{}',
  operations           text[] NOT NULL DEFAULT '{}',
  description          text CHECK (length(description) <= 500),
  -- The Standard Webhooks signing secret (whsec_…). It is symmetric, so it is kept to sign with;
  -- it is returned once, at creation or rotation, and never listed.
  secret               text NOT NULL CHECK (secret LIKE 'whsec\_%'),
  enabled              boolean NOT NULL DEFAULT true,
  disabled_reason      text,
  created_by           text NOT NULL,
  created_at           timestamptz NOT NULL DEFAULT now(),
  updated_at           timestamptz NOT NULL DEFAULT now(),
  consecutive_failures integer NOT NULL DEFAULT 0 CHECK (consecutive_failures >= 0),
  next_attempt_at      timestamptz NOT NULL DEFAULT now(),
  locked_by            text,
  locked_until         timestamptz
);

CREATE TABLE webhook_events (
  subscription_id uuid NOT NULL REFERENCES webhook_subscriptions (id) ON DELETE CASCADE,
  leaf_index      bigint NOT NULL CHECK (leaf_index >= 0),
  state           text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'delivered', 'dead')),
  attempts        integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
  last_status     integer,
  last_error      text,
  last_attempt_at timestamptz,
  delivered_at    timestamptz,
  created_at      timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (subscription_id, leaf_index)
);
CREATE INDEX webhook_events_pending ON webhook_events (subscription_id, leaf_index) WHERE state = 'pending';

-- Runs under the log's row lock (inside plant_log_append's insert), so it stays one indexed
-- insert, and nothing at all while there are no subscriptions.
CREATE FUNCTION plant_webhook_outbox() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
BEGIN
  IF EXISTS (SELECT 1 FROM webhook_subscriptions) THEN
    INSERT INTO webhook_events (subscription_id, leaf_index)
    SELECT s.id, NEW.leaf_index
      FROM webhook_subscriptions s, amendments a
     WHERE a.entity_id = NEW.entity_id AND a.version = NEW.version
       AND (cardinality(s.kinds) = 0 OR a.entity_type = ANY (s.kinds))
       AND (cardinality(s.operations) = 0 OR a.operation = ANY (s.operations));
  END IF;
  RETURN NULL;
END
$$;
CREATE TRIGGER log_leaves_webhooks AFTER INSERT ON log_leaves FOR EACH ROW EXECUTE FUNCTION plant_webhook_outbox();

REVOKE ALL ON webhook_subscriptions, webhook_events FROM PUBLIC;
GRANT SELECT, INSERT, UPDATE, DELETE ON webhook_subscriptions TO plant_service;
GRANT SELECT, INSERT, UPDATE ON webhook_events TO plant_service;
