-- Service accounts for the client-credentials token endpoint. Secrets are stored only as
-- argon2id hashes; accounts are disabled, never deleted, so past tokens stay attributable.

CREATE TABLE service_accounts (
  client_id   text PRIMARY KEY CHECK (client_id ~ '^[a-z0-9][a-z0-9._-]{2,63}$'),
  secret_hash text NOT NULL CHECK (secret_hash LIKE '$argon2id$%'),
  roles       text[] NOT NULL CHECK (roles <@ ARRAY['reader', 'operator', 'governance', 'auditor', 'admin']::text[]),
  description text,
  created_by  text NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  disabled_at timestamptz
);

CREATE TRIGGER service_accounts_no_delete BEFORE DELETE ON service_accounts
  FOR EACH ROW EXECUTE FUNCTION plant_reject_change();

ALTER TABLE service_accounts ENABLE ROW LEVEL SECURITY;
ALTER TABLE service_accounts FORCE ROW LEVEL SECURITY;
-- Reading is needed before anyone is authenticated (the token endpoint checks the secret).
CREATE POLICY service_accounts_read ON service_accounts FOR SELECT USING (true);
CREATE POLICY service_accounts_insert ON service_accounts FOR INSERT
  WITH CHECK (plant_has_role('admin') AND created_by = plant_actor());
CREATE POLICY service_accounts_update ON service_accounts FOR UPDATE
  USING (plant_has_role('admin')) WITH CHECK (plant_has_role('admin'));

REVOKE ALL ON service_accounts FROM PUBLIC;
GRANT SELECT, INSERT ON service_accounts TO plant_service;
GRANT UPDATE (disabled_at) ON service_accounts TO plant_service;
