-- What the database checks by itself, so that the service role (what the server connects as,
-- and what an attacker who took the server would hold) can do no more than docs/security.md
-- says. Everything here runs as the owner.

-- 1. Keys. Only the owner publishes a key (`plant migrate`/the server's owner connection, or the
-- embedded database's own superuser); a published key is a well-formed public JWK whose kid is
-- its RFC 7638 thumbprint's shape, and never carries private members.
REVOKE INSERT ON signing_keys FROM plant_service;
ALTER TABLE signing_keys ADD CONSTRAINT signing_keys_public_jwk CHECK (coalesce(
  key_id ~ '^[A-Za-z0-9_-]{43}$'
  AND jsonb_typeof(public_jwk) = 'object'
  AND public_jwk ->> 'kid' = key_id
  AND public_jwk ->> 'use' = 'sig'
  AND NOT (public_jwk ?| ARRAY['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'])
  AND CASE alg
        WHEN 'Ed25519' THEN public_jwk ->> 'kty' = 'OKP' AND public_jwk ->> 'crv' = 'Ed25519'
                            AND public_jwk ->> 'alg' = 'EdDSA' AND public_jwk ->> 'x' ~ '^[A-Za-z0-9_-]{43}$'
        WHEN 'RSA-PSS-SHA256' THEN public_jwk ->> 'kty' = 'RSA' AND public_jwk ->> 'alg' = 'PS256'
                            AND public_jwk ->> 'e' ~ '^[A-Za-z0-9_-]{1,8}$' AND public_jwk ->> 'n' ~ '^[A-Za-z0-9_-]+$'
                            AND length(public_jwk ->> 'n') >= 342 -- 2048 bits and up
        ELSE false
      END, false));

-- 2. Identity. Row-level security trusts plant.actor/plant.roles only when plant_set_identity
-- set them in this transaction: it stores a MAC over (actor, roles, transaction id) under a key
-- the service role cannot read, so `SET LOCAL plant.roles = 'governance'` alone grants nothing.
-- (The service role can still call plant_set_identity with any roles: see docs/security.md.)
CREATE TABLE plant_identity_key (
  singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
  key       bytea NOT NULL CHECK (length(key) = 32)
);
-- gen_random_uuid() draws from the server's strong random source; two give 244 random bits.
INSERT INTO plant_identity_key (key)
  SELECT decode(replace(gen_random_uuid()::text || gen_random_uuid()::text, '-', ''), 'hex');
REVOKE ALL ON plant_identity_key FROM PUBLIC;

CREATE FUNCTION plant_identity_mac(actor text, roles text) RETURNS text
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
  AS $$
    SELECT encode(sha256(k.key || convert_to(actor || chr(10) || roles || chr(10) || txid_current()::text, 'UTF8') || k.key), 'hex')
      FROM public.plant_identity_key k
  $$;
REVOKE ALL ON FUNCTION plant_identity_mac(text, text) FROM PUBLIC;

-- No SET clause here: a function's SET clause would undo the set_config(..., true) calls on exit.
-- Every name is schema-qualified instead, so the caller's search_path cannot redirect them.
CREATE FUNCTION plant_set_identity(actor text, roles text) RETURNS void
  LANGUAGE plpgsql VOLATILE SECURITY DEFINER
  AS $$
BEGIN
  IF actor IS NULL OR actor = '' THEN
    RAISE EXCEPTION 'plant: an identity needs an actor' USING ERRCODE = 'PL008';
  END IF;
  IF EXISTS (SELECT 1 FROM pg_catalog.unnest(pg_catalog.string_to_array(NULLIF(roles, ''), ',')) AS r(role)
              WHERE r.role NOT IN ('reader', 'operator', 'governance', 'auditor', 'admin')) THEN
    RAISE EXCEPTION 'plant: unknown role in %', roles USING ERRCODE = 'PL008';
  END IF;
  PERFORM pg_catalog.set_config('plant.actor', actor, true), pg_catalog.set_config('plant.roles', coalesce(roles, ''), true),
          pg_catalog.set_config('plant.identity', public.plant_identity_mac(actor, coalesce(roles, '')), true);
END
$$;
REVOKE ALL ON FUNCTION plant_set_identity(text, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION plant_set_identity(text, text) TO plant_service;

-- Row-level security calls this for every checked row, so it is PL/pgSQL (its plan is cached per
-- session; an SQL function run as its owner is re-planned per call, about 4x the cost) and has no
-- SET clause (names are schema-qualified instead).
CREATE FUNCTION plant_identity_valid() RETURNS boolean
  LANGUAGE plpgsql STABLE SECURITY DEFINER
  AS $$
DECLARE
  k bytea;
BEGIN
  SELECT key INTO k FROM public.plant_identity_key;
  RETURN coalesce(pg_catalog.current_setting('plant.identity', true)
                  = pg_catalog.encode(pg_catalog.sha256(k || pg_catalog.convert_to(
                      coalesce(pg_catalog.current_setting('plant.actor', true), '') || pg_catalog.chr(10)
                      || coalesce(pg_catalog.current_setting('plant.roles', true), '') || pg_catalog.chr(10)
                      || pg_catalog.txid_current()::text, 'UTF8') || k), 'hex'), false);
END
$$;

CREATE OR REPLACE FUNCTION plant_actor() RETURNS text
  LANGUAGE sql STABLE
  AS $$ SELECT CASE WHEN plant_identity_valid() THEN nullif(current_setting('plant.actor', true), '') END $$;

CREATE OR REPLACE FUNCTION plant_roles() RETURNS text[]
  LANGUAGE sql STABLE
  AS $$
    SELECT CASE WHEN plant_identity_valid()
                THEN coalesce(string_to_array(nullif(current_setting('plant.roles', true), ''), ','), '{}'::text[])
                ELSE '{}'::text[] END
  $$;

-- plant_append sets the identity through plant_set_identity; otherwise as in 0003.
CREATE OR REPLACE FUNCTION plant_append(actor text, roles text, entries jsonb) RETURNS void
  LANGUAGE plpgsql
  SECURITY INVOKER
  AS $$
DECLARE
  entry jsonb;
BEGIN
  PERFORM plant_set_identity(actor, roles);
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

-- 3. The chain. An amendment extends the entity's current head: version = head + 1 and
-- prev_hash = the head's hash (the predecessor check of 0001 stays). And by commit, the entity's
-- projection has caught up with it, so no amendment can be slipped in beside its entity.
CREATE OR REPLACE FUNCTION plant_amendment_link() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
BEGIN
  IF NEW.version = 1 THEN
    IF NEW.prev_hash <> repeat('0', 64) THEN
      RAISE EXCEPTION 'plant: version 1 of % must link to the genesis hash', NEW.entity_id USING ERRCODE = 'PL002';
    END IF;
  ELSIF NOT EXISTS (SELECT 1 FROM amendments
                     WHERE entity_id = NEW.entity_id AND version = NEW.version - 1 AND hash = NEW.prev_hash) THEN
    RAISE EXCEPTION 'plant: amendment % v% does not link to v%', NEW.entity_id, NEW.version, NEW.version - 1
      USING ERRCODE = 'PL002';
  ELSIF NOT EXISTS (SELECT 1 FROM entities
                     WHERE id = NEW.entity_id AND version = NEW.version - 1 AND version_hash = NEW.prev_hash) THEN
    -- Its own code: for the service this means another writer advanced the entity first.
    RAISE EXCEPTION 'plant: amendment % v% does not extend the entity''s head', NEW.entity_id, NEW.version
      USING ERRCODE = 'PL009';
  END IF;
  RETURN NEW;
END
$$;

CREATE FUNCTION plant_amendment_projected() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM entities e
                  WHERE e.id = NEW.entity_id AND (e.version > NEW.version OR (e.version = NEW.version AND e.version_hash = NEW.hash))) THEN
    RAISE EXCEPTION 'plant: amendment % v% was written without its entity''s projection', NEW.entity_id, NEW.version
      USING ERRCODE = 'PL007';
  END IF;
  RETURN NULL;
END
$$;
CREATE CONSTRAINT TRIGGER amendments_projected AFTER INSERT ON amendments
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION plant_amendment_projected();

-- 4. Search documents are derived data: only the sync trigger writes them, and the embedding job
-- stores vectors through one function that attaches a vector only to the text it was made from.
REVOKE INSERT, UPDATE ON search_documents FROM plant_service;
ALTER FUNCTION plant_search_sync() SECURITY DEFINER SET search_path = public, pg_catalog, pg_temp;
-- Callable directly it would accept a made-up entities row; only the trigger calls it now.
REVOKE ALL ON FUNCTION plant_search_refresh(entities) FROM PUBLIC;

-- Reindex: every document rebuilt from the stored entities (takes no row, so it cannot be fed one).
CREATE FUNCTION plant_search_rebuild() RETURNS void
  LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = public, pg_catalog, pg_temp
  AS $$ SELECT count(plant_search_refresh(e)) FROM entities e WHERE e.entity_type <> 'Team' $$;
REVOKE ALL ON FUNCTION plant_search_rebuild() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION plant_search_rebuild() TO plant_service;

-- The job's result: stored only while the worker holds the job's lease and the text is unchanged.
CREATE FUNCTION plant_store_embeddings(items jsonb, model text, worker text) RETURNS SETOF uuid
  LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = public, pg_catalog, pg_temp
  AS $$
    UPDATE search_documents d
       SET embedding = v.embedding::vector, embedding_model = model, embedded_body = v.body, embedded_at = now()
      FROM jsonb_to_recordset(items) AS v(entity_id uuid, body text, embedding text), embedding_jobs j
     WHERE d.entity_id = v.entity_id AND d.body = v.body AND j.entity_id = v.entity_id AND j.locked_by = worker
    RETURNING d.entity_id
  $$;
REVOKE ALL ON FUNCTION plant_store_embeddings(jsonb, text, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION plant_store_embeddings(jsonb, text, text) TO plant_service;

-- A quality run's regenerated vector: stored only for the text the document was embedded from.
CREATE FUNCTION plant_store_regenerated(items jsonb, model text) RETURNS void
  LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = public, pg_catalog, pg_temp
  AS $$
    UPDATE search_documents d
       SET embedding = r.embedding::vector, embedding_model = model, embedded_body = r.body, embedded_at = now()
      FROM jsonb_to_recordset(items) AS r(entity_id uuid, body text, embedding text)
     WHERE d.entity_id = r.entity_id AND coalesce(d.embedded_body, d.body) = r.body
  $$;
REVOKE ALL ON FUNCTION plant_store_regenerated(jsonb, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION plant_store_regenerated(jsonb, text) TO plant_service;
