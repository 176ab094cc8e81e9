-- Idempotency-Key on create routes: the key is recorded by the create's own transaction, with
-- the entity it made, so a retried request either finds the first result or makes it; never two.
CREATE TABLE idempotency_keys (
  subject     text NOT NULL,
  key         text NOT NULL CHECK (length(key) BETWEEN 1 AND 255),
  -- SHA-256 of the route and the canonical body: the same key with another body is refused.
  fingerprint text NOT NULL CHECK (fingerprint ~ '^[0-9a-f]{64}$'),
  entity_id   uuid NOT NULL REFERENCES entities (id) DEFERRABLE INITIALLY DEFERRED,
  created_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (subject, key)
);
CREATE INDEX idempotency_keys_created ON idempotency_keys (created_at);

REVOKE ALL ON idempotency_keys FROM PUBLIC;
GRANT SELECT, INSERT, DELETE ON idempotency_keys TO plant_service;
