-- Plant ledger schema: entities (a projection of their latest amendment), append-only
-- amendments, and the published signing keys. Kept within PostgreSQL 15 (PGlite runs 18).
-- Everything here runs as the migrating owner; the service connects as a member of
-- plant_service, which owns nothing and holds only the grants at the end of this file.

CREATE EXTENSION IF NOT EXISTS vector;

DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'plant_service') THEN
    CREATE ROLE plant_service NOLOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS;
  END IF;
END
$$;

-- Per-transaction identity, set by the service with set_config(..., true) at the start of each
-- write. Row-level security reads these, so the database enforces what the route enforces.
CREATE FUNCTION plant_actor() RETURNS text
  LANGUAGE sql STABLE
  AS $$ SELECT nullif(current_setting('plant.actor', true), '') $$;

CREATE FUNCTION plant_roles() RETURNS text[]
  LANGUAGE sql STABLE
  AS $$ SELECT coalesce(string_to_array(nullif(current_setting('plant.roles', true), ''), ','), '{}'::text[]) $$;

-- admin implies every role.
CREATE FUNCTION plant_has_role(VARIADIC wanted text[]) RETURNS boolean
  LANGUAGE sql STABLE
  AS $$ SELECT plant_roles() && (wanted || ARRAY['admin']) $$;

CREATE FUNCTION plant_reject_change() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
BEGIN
  RAISE EXCEPTION 'plant: % on % is not allowed: the ledger is append-only', TG_OP, TG_TABLE_NAME
    USING ERRCODE = 'PL001';
END
$$;

CREATE TABLE entities (
  id                   uuid PRIMARY KEY,
  entity_type          text NOT NULL CHECK (entity_type IN ('Skill', 'JobRole', 'Industry', 'Agent', 'Team')),
  version              integer NOT NULL CHECK (version >= 1),
  version_hash         text NOT NULL CHECK (version_hash ~ '^[0-9a-f]{64}$'),
  hash_chain_head      text NOT NULL,
  amendment_count      integer NOT NULL,
  append_only          boolean NOT NULL DEFAULT true CHECK (append_only),
  created_at           timestamptz NOT NULL,
  updated_at           timestamptz NOT NULL,
  deleted_at           timestamptz,
  l0_compliance_status jsonb NOT NULL DEFAULT '{}',
  l1_compliance_status jsonb NOT NULL DEFAULT '{}',
  drift_detector       jsonb NOT NULL DEFAULT '{}',
  tamper_proof         boolean NOT NULL DEFAULT true,
  last_audited_at      timestamptz,
  -- The governed content exactly as the latest amendment signed it; the columns below are
  -- derived from it so they can never disagree with what was signed.
  content              jsonb NOT NULL CHECK (jsonb_typeof(content) = 'object'),
  name                 text GENERATED ALWAYS AS (content ->> 'name') STORED,
  status               text GENERATED ALWAYS AS (content ->> 'status') STORED,
  external_id          text GENERATED ALWAYS AS (content ->> 'external_id') STORED,
  category             text GENERATED ALWAYS AS (content ->> 'category') STORED,
  seniority_level      text GENERATED ALWAYS AS (content ->> 'seniority_level') STORED,
  industry_id          text GENERATED ALWAYS AS (content ->> 'industry_id') STORED,
  skill_id             text GENERATED ALWAYS AS (content ->> 'skill_id') STORED,
  job_role_id          text GENERATED ALWAYS AS (content ->> 'job_role_id') STORED,
  team_id              text GENERATED ALWAYS AS (content ->> 'team_id') STORED,
  CHECK (status IN ('draft', 'active', 'deprecated', 'archived', 'deleted')),
  CHECK (hash_chain_head = version_hash AND amendment_count = version)
);

-- Names are unique per kind among non-deleted entities, case-insensitively ("SEO" and "seo"
-- are the same skill to a person choosing one).
CREATE UNIQUE INDEX entities_name_unique ON entities (entity_type, lower(name)) WHERE status <> 'deleted';
CREATE UNIQUE INDEX entities_external_id_unique ON entities (external_id) WHERE external_id IS NOT NULL AND status <> 'deleted';
CREATE INDEX entities_kind_status_id ON entities (entity_type, status, id);
CREATE INDEX entities_industry ON entities (industry_id) WHERE industry_id IS NOT NULL;
CREATE INDEX entities_job_role ON entities (job_role_id) WHERE job_role_id IS NOT NULL;
CREATE INDEX entities_skill ON entities (skill_id) WHERE skill_id IS NOT NULL;
-- Reverse lookups for review flags ("which roles require this skill", "which teams hold this
-- agent"), indexed only where those arrays exist so other inserts pay nothing for them.
CREATE INDEX entities_required_skills ON entities USING gin ((content -> 'required_skills') jsonb_path_ops)
  WHERE entity_type = 'JobRole';
CREATE INDEX entities_team_agents ON entities USING gin ((content -> 'agents') jsonb_path_ops)
  WHERE entity_type = 'Team';

CREATE TABLE amendments (
  entity_id   uuid NOT NULL REFERENCES entities (id) DEFERRABLE INITIALLY DEFERRED,
  version     integer NOT NULL CHECK (version >= 1),
  entity_type text NOT NULL,
  operation   text NOT NULL CHECK (operation IN ('create', 'evolve', 'certify', 'decertify', 'assign_team',
                                                 'deprecate', 'supersede', 'archive', 'delete', 'require_review')),
  actor       text NOT NULL,
  prev_hash   text NOT NULL,
  hash        text NOT NULL UNIQUE CHECK (hash ~ '^[0-9a-f]{64}$'),
  signature   text NOT NULL,
  key_id      text NOT NULL,
  alg         text NOT NULL,
  -- The signed payload. Its canonical (RFC 8785) bytes hash to `hash`; the columns above are
  -- copies for indexing and policies, and the CHECK keeps them equal to the payload.
  payload     jsonb NOT NULL,
  recorded_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (entity_id, version),
  CHECK (payload ->> 'entity_id' = entity_id::text
     AND (payload ->> 'version')::integer = version
     AND payload ->> 'entity_type' = entity_type
     AND payload ->> 'operation' = operation
     AND payload ->> 'actor' = actor
     AND payload ->> 'prev_hash' = prev_hash
     AND payload ->> 'key_id' = key_id
     AND payload ->> 'alg' = alg)
);

CREATE TABLE signing_keys (
  key_id     text PRIMARY KEY,
  alg        text NOT NULL CHECK (alg IN ('RSA-PSS-SHA256', 'Ed25519')),
  public_jwk jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  retired_at timestamptz
);

-- An amendment must link to its predecessor: version 1 to the genesis value, version n to the
-- stored hash of version n-1. With the primary key this makes versions gap-free and forks
-- impossible, whatever the application does.
CREATE FUNCTION plant_amendment_link() RETURNS trigger
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
  END IF;
  RETURN NEW;
END
$$;

CREATE TRIGGER amendments_link BEFORE INSERT ON amendments
  FOR EACH ROW EXECUTE FUNCTION plant_amendment_link();
CREATE TRIGGER amendments_append_only BEFORE UPDATE OR DELETE ON amendments
  FOR EACH ROW EXECUTE FUNCTION plant_reject_change();
CREATE TRIGGER amendments_no_truncate BEFORE TRUNCATE ON amendments
  FOR EACH STATEMENT EXECUTE FUNCTION plant_reject_change();

-- The entity row is a projection: it may only take a state that its own amendment signed, one
-- version at a time. Identity and birth facts never change, and an agent's industry is locked.
CREATE FUNCTION plant_entity_guard() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
BEGIN
  IF TG_OP = 'UPDATE' THEN
    IF NEW.id IS DISTINCT FROM OLD.id OR NEW.entity_type IS DISTINCT FROM OLD.entity_type
       OR NEW.created_at IS DISTINCT FROM OLD.created_at THEN
      RAISE EXCEPTION 'plant: id, entity_type and created_at of % are immutable', OLD.id USING ERRCODE = 'PL003';
    END IF;
    IF OLD.entity_type = 'Agent' AND (NEW.content ->> 'industry_id') IS DISTINCT FROM (OLD.content ->> 'industry_id') THEN
      RAISE EXCEPTION 'plant: agent % industry_id is locked at birth', OLD.id USING ERRCODE = 'PL003';
    END IF;
    IF NEW.content IS NOT DISTINCT FROM OLD.content AND NEW.version = OLD.version
       AND NEW.version_hash = OLD.version_hash THEN
      RETURN NEW; -- operational columns only (audit verdicts, drift)
    END IF;
    IF NEW.version <> OLD.version + 1 THEN
      RAISE EXCEPTION 'plant: entity % must advance one version at a time', OLD.id USING ERRCODE = 'PL003';
    END IF;
  END IF;
  IF NOT EXISTS (SELECT 1 FROM amendments a
                  WHERE a.entity_id = NEW.id AND a.version = NEW.version AND a.hash = NEW.version_hash
                    AND a.entity_type = NEW.entity_type AND a.payload -> 'content' = NEW.content) THEN
    RAISE EXCEPTION 'plant: entity % v% has no matching amendment', NEW.id, NEW.version USING ERRCODE = 'PL003';
  END IF;
  RETURN NEW;
END
$$;

CREATE TRIGGER entities_guard BEFORE INSERT OR UPDATE ON entities
  FOR EACH ROW EXECUTE FUNCTION plant_entity_guard();
CREATE TRIGGER entities_no_delete BEFORE DELETE ON entities
  FOR EACH ROW EXECUTE FUNCTION plant_reject_change();
CREATE TRIGGER entities_no_truncate BEFORE TRUNCATE ON entities
  FOR EACH STATEMENT EXECUTE FUNCTION plant_reject_change();

CREATE FUNCTION plant_key_guard() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
BEGIN
  IF NEW.key_id IS DISTINCT FROM OLD.key_id OR NEW.alg IS DISTINCT FROM OLD.alg
     OR NEW.public_jwk IS DISTINCT FROM OLD.public_jwk OR OLD.retired_at IS NOT NULL THEN
    RAISE EXCEPTION 'plant: published key % can only be retired, once', OLD.key_id USING ERRCODE = 'PL004';
  END IF;
  RETURN NEW;
END
$$;

CREATE TRIGGER signing_keys_guard BEFORE UPDATE ON signing_keys
  FOR EACH ROW EXECUTE FUNCTION plant_key_guard();
CREATE TRIGGER signing_keys_no_delete BEFORE DELETE ON signing_keys
  FOR EACH ROW EXECUTE FUNCTION plant_reject_change();

-- Appends a batch of amendments in one statement, in order: sets the transaction's identity,
-- then for each entry appends the amendment (the entity guard trigger requires it first) and
-- writes the entity's projection (insert for a birth, update otherwise). SECURITY INVOKER, so
-- grants, row-level security and every trigger apply exactly as for separate statements. Run as
-- a single autocommit statement it is atomic on its own.
CREATE FUNCTION plant_append(actor text, roles text, entries jsonb) RETURNS void
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
END
$$;

-- Row-level security, forced so that even a non-superuser owner is subject to it.
ALTER TABLE entities ENABLE ROW LEVEL SECURITY;
ALTER TABLE entities FORCE ROW LEVEL SECURITY;
ALTER TABLE amendments ENABLE ROW LEVEL SECURITY;
ALTER TABLE amendments FORCE ROW LEVEL SECURITY;

CREATE POLICY entities_read ON entities FOR SELECT USING (true);
CREATE POLICY entities_insert ON entities FOR INSERT
  WITH CHECK (plant_actor() IS NOT NULL AND plant_has_role('operator', 'governance'));
CREATE POLICY entities_update ON entities FOR UPDATE
  USING (plant_actor() IS NOT NULL AND plant_has_role('operator', 'governance', 'auditor'))
  WITH CHECK (plant_actor() IS NOT NULL AND plant_has_role('operator', 'governance', 'auditor'));

CREATE POLICY amendments_read ON amendments FOR SELECT USING (true);
-- Who may sign what: certification only with the governance role; the catalog's governed
-- kinds only by governance; agents and teams by operators; review flags by either.
CREATE POLICY amendments_insert ON amendments FOR INSERT
  WITH CHECK (
    actor = plant_actor()
    AND CASE
      WHEN operation IN ('certify', 'decertify') THEN plant_has_role('governance')
      WHEN operation = 'require_review' THEN plant_has_role('governance', 'operator')
      WHEN entity_type IN ('Skill', 'JobRole', 'Industry') THEN plant_has_role('governance')
      ELSE plant_has_role('operator')
    END
  );

REVOKE ALL ON entities, amendments, signing_keys FROM PUBLIC;
GRANT USAGE ON SCHEMA public TO plant_service;
GRANT SELECT, INSERT ON entities TO plant_service;
GRANT UPDATE (version, version_hash, hash_chain_head, amendment_count, updated_at, deleted_at, content,
              l0_compliance_status, l1_compliance_status, drift_detector, tamper_proof, last_audited_at)
  ON entities TO plant_service;
GRANT SELECT, INSERT ON amendments TO plant_service;
GRANT SELECT, INSERT ON signing_keys TO plant_service;
GRANT UPDATE (retired_at) ON signing_keys TO plant_service;
