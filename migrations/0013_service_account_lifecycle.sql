-- Service accounts over their whole life: a secret can be rotated (the old one stops working at
-- once) and an account revoked (disabled_at, final: its tokens are refused from then on). Rows
-- are still never deleted, so past tokens and writes stay attributable.
ALTER TABLE service_accounts ADD COLUMN secret_rotated_at timestamptz;

GRANT UPDATE (secret_hash, secret_rotated_at) ON service_accounts TO plant_service;

-- A revoked account stays revoked: re-enabling would bring back tokens an operator meant dead.
CREATE FUNCTION plant_service_account_guard() RETURNS trigger LANGUAGE plpgsql
  SET search_path = pg_catalog, pg_temp AS $$
BEGIN
  IF OLD.disabled_at IS NOT NULL AND (NEW.disabled_at IS DISTINCT FROM OLD.disabled_at OR NEW.secret_hash IS DISTINCT FROM OLD.secret_hash) THEN
    RAISE EXCEPTION 'plant: service account % is revoked', OLD.client_id USING ERRCODE = 'PL011';
  END IF;
  RETURN NEW;
END;
$$;

CREATE TRIGGER service_accounts_guard BEFORE UPDATE ON service_accounts
  FOR EACH ROW EXECUTE FUNCTION plant_service_account_guard();
