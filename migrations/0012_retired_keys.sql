-- A retired signing key still verifies the amendments it signed, but signs no new ones: the
-- database refuses an amendment under a key retired before it is written, whichever process
-- (a replica with stale configuration, a forgotten worker) tries.
-- Schema-qualified and fixed search_path: a temporary table named signing_keys cannot stand in.
CREATE FUNCTION plant_refuse_retired_key() RETURNS trigger LANGUAGE plpgsql
  SET search_path = pg_catalog, pg_temp AS $$
BEGIN
  IF EXISTS (SELECT 1 FROM public.signing_keys WHERE key_id = NEW.key_id AND retired_at IS NOT NULL) THEN
    RAISE EXCEPTION 'plant: signing key % is retired; it verifies old amendments but signs no new ones', NEW.key_id
      USING ERRCODE = 'PL010';
  END IF;
  RETURN NEW;
END;
$$;

CREATE TRIGGER amendments_no_retired_key BEFORE INSERT ON amendments
  FOR EACH ROW EXECUTE FUNCTION plant_refuse_retired_key();
