-- Search: one document per skill, job role, industry and agent, kept in step with the ledger by
-- a trigger (so no write path can forget it), with a full-text vector and an embedding; and the
-- durable queue that fills the embeddings after the write commits. All of it is derived data:
-- it is not signed, and `plant embeddings reindex` can rebuild it from the entities at any time.

-- A text that is a UUID becomes one; anything else becomes NULL (never a cast error mid-write).
CREATE FUNCTION plant_try_uuid(t text) RETURNS uuid
  LANGUAGE sql IMMUTABLE
  AS $$ SELECT CASE WHEN t ~* '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' THEN t::uuid END $$;

-- The text recipe (docs/search.md): what an entity is, in words a person would search with. An
-- agent has no description of its own, so its text is its role's and its skill's; a job role
-- names its industry and skills. Sentences are joined with '. ' and empty parts are dropped.
CREATE FUNCTION plant_search_fields(kind text, c jsonb, OUT body text, OUT certified boolean, OUT industry text)
  LANGUAGE plpgsql STABLE
  AS $$
DECLARE
  tags text := (SELECT string_agg(t, ', ') FROM jsonb_array_elements_text(coalesce(c -> 'tags', '[]')) AS t);
  role entities%ROWTYPE;
  skill entities%ROWTYPE;
  ind text;
  skills text;
BEGIN
  industry := c ->> 'industry_id';
  certified := false;
  IF kind = 'Skill' THEN
    body := concat_ws('. ', c ->> 'name', replace(c ->> 'category', '_', ' ') || ' skill', c ->> 'description', tags);
    certified := coalesce((c -> 'certification' ->> 'certified')::boolean, false);
  ELSIF kind = 'JobRole' THEN
    SELECT string_agg(s.name, ', ' ORDER BY s.name) INTO skills
      FROM entities s
     WHERE s.id IN (SELECT plant_try_uuid(x) FROM jsonb_array_elements_text(coalesce(c -> 'required_skills', '[]')) AS x);
    SELECT i.name INTO ind FROM entities i WHERE i.id = plant_try_uuid(c ->> 'industry_id');
    body := concat_ws('. ', c ->> 'name', concat_ws(' ', c ->> 'seniority_level', 'job role', 'in ' || ind), c ->> 'description',
                      'Skills: ' || skills, tags);
    certified := coalesce((c -> 'certification' ->> 'certified')::boolean, false);
  ELSIF kind = 'Industry' THEN
    body := concat_ws('. ', c ->> 'name', 'industry', c ->> 'description', tags);
  ELSIF kind = 'Agent' THEN
    SELECT * INTO role FROM entities WHERE id = plant_try_uuid(c ->> 'job_role_id');
    SELECT * INTO skill FROM entities WHERE id = plant_try_uuid(c ->> 'skill_id');
    SELECT i.name INTO ind FROM entities i WHERE i.id = plant_try_uuid(c ->> 'industry_id');
    body := concat_ws('. ', c ->> 'name', 'AI agent working as ' || role.name, role.content ->> 'description',
                      'Skill: ' || skill.name, skill.content ->> 'description', 'Industry: ' || ind, tags);
    certified := coalesce((role.content -> 'certification' ->> 'certified')::boolean, false)
             AND coalesce((skill.content -> 'certification' ->> 'certified')::boolean, false);
  END IF;
END
$$;

CREATE TABLE search_documents (
  entity_id       uuid PRIMARY KEY REFERENCES entities (id),
  entity_type     text NOT NULL CHECK (entity_type IN ('Skill', 'JobRole', 'Industry', 'Agent')),
  name            text NOT NULL,
  status          text NOT NULL,
  industry_id     text,
  certified       boolean NOT NULL,
  body            text NOT NULL,
  -- The name weighs more than the rest of the text.
  tsv             tsvector GENERATED ALWAYS AS (setweight(to_tsvector('english'::regconfig, name), 'A')
                                                || setweight(to_tsvector('english'::regconfig, body), 'B')) STORED,
  embedding       vector(384),
  embedding_model text,
  -- The body the embedding was computed from; it differs from `body` while a job is pending.
  embedded_body   text,
  embedded_at     timestamptz,
  updated_at      timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX search_documents_tsv ON search_documents USING gin (tsv);
CREATE INDEX search_documents_embedding ON search_documents USING hnsw (embedding vector_cosine_ops);
CREATE INDEX search_documents_kind_status ON search_documents (entity_type, status);

-- One row per entity that needs (re-)embedding: a newer write re-queues rather than piling up.
-- A worker leases a job (locked_by/locked_until) with SKIP LOCKED; a crashed worker's lease
-- expires and the job is taken again. After max attempts it is 'dead' until retried.
CREATE TABLE embedding_jobs (
  entity_id    uuid PRIMARY KEY REFERENCES entities (id),
  state        text NOT NULL DEFAULT 'queued' CHECK (state IN ('queued', 'dead')),
  attempts     integer NOT NULL DEFAULT 0,
  run_at       timestamptz NOT NULL DEFAULT now(),
  locked_by    text,
  locked_until timestamptz,
  last_error   text,
  created_at   timestamptz NOT NULL DEFAULT now(),
  updated_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX embedding_jobs_due ON embedding_jobs (run_at) WHERE state = 'queued';

CREATE TABLE embedding_quality_runs (
  id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  -- The scheduled minute a run belongs to: unique, so of several servers exactly one runs it.
  slot         timestamptz UNIQUE,
  trigger      text NOT NULL CHECK (trigger IN ('schedule', 'manual')),
  requested_by text NOT NULL,
  model        text NOT NULL,
  threshold    double precision NOT NULL,
  state        text NOT NULL DEFAULT 'running' CHECK (state IN ('running', 'done', 'failed')),
  started_at   timestamptz NOT NULL DEFAULT now(),
  finished_at  timestamptz,
  report       jsonb
);

-- Brings one entity's document up to date; queues an embedding job when its text changed.
-- Returns whether anything a dependent's document is built from (text, certification) changed.
CREATE FUNCTION plant_search_refresh(e entities) RETURNS boolean
  LANGUAGE plpgsql
  AS $$
DECLARE
  f record;
  old search_documents%ROWTYPE;
BEGIN
  IF e.entity_type NOT IN ('Skill', 'JobRole', 'Industry', 'Agent') THEN
    RETURN false;
  END IF;
  f := plant_search_fields(e.entity_type, e.content);
  SELECT * INTO old FROM search_documents WHERE entity_id = e.id;
  INSERT INTO search_documents (entity_id, entity_type, name, status, industry_id, certified, body)
  VALUES (e.id, e.entity_type, e.name, e.status, f.industry, f.certified, f.body)
  ON CONFLICT (entity_id) DO UPDATE
     SET name = EXCLUDED.name, status = EXCLUDED.status, industry_id = EXCLUDED.industry_id,
         certified = EXCLUDED.certified, body = EXCLUDED.body, updated_at = now();
  IF old.body IS DISTINCT FROM f.body THEN
    INSERT INTO embedding_jobs AS j (entity_id) VALUES (e.id)
    ON CONFLICT (entity_id) DO UPDATE
       SET state = 'queued', attempts = 0, run_at = now(), last_error = NULL, updated_at = now();
  END IF;
  RETURN old.body IS DISTINCT FROM f.body OR old.certified IS DISTINCT FROM f.certified OR old.name IS DISTINCT FROM e.name;
END
$$;

CREATE FUNCTION plant_search_sync() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
DECLARE
  dependent entities%ROWTYPE;
BEGIN
  IF TG_OP = 'UPDATE' AND NEW.content IS NOT DISTINCT FROM OLD.content THEN
    RETURN NULL;
  END IF;
  -- A renamed or decertified skill, role or industry changes the documents built from it (one
  -- level: an agent's text names its role and skill, a role's names its skills and industry).
  -- A new entity has no dependents yet, so a create never looks for them.
  IF plant_search_refresh(NEW) AND TG_OP = 'UPDATE' AND NEW.entity_type IN ('Skill', 'JobRole', 'Industry') THEN
    FOR dependent IN
      SELECT * FROM entities
       WHERE status <> 'deleted' AND id <> NEW.id
         AND (skill_id = NEW.id::text OR job_role_id = NEW.id::text OR industry_id = NEW.id::text
              OR (entity_type = 'JobRole' AND content -> 'required_skills' @> jsonb_build_array(NEW.id::text)))
    LOOP
      PERFORM plant_search_refresh(dependent);
    END LOOP;
  END IF;
  RETURN NULL;
END
$$;

CREATE TRIGGER entities_search AFTER INSERT OR UPDATE OF content ON entities
  FOR EACH ROW WHEN (NEW.entity_type <> 'Team') EXECUTE FUNCTION plant_search_sync();

-- Entities written before search existed get their documents and jobs now.
DO $$
DECLARE
  e entities%ROWTYPE;
BEGIN
  FOR e IN SELECT * FROM entities WHERE entity_type <> 'Team' ORDER BY created_at, id LOOP
    PERFORM plant_search_refresh(e);
  END LOOP;
END
$$;

REVOKE ALL ON search_documents, embedding_jobs, embedding_quality_runs FROM PUBLIC;
GRANT SELECT, INSERT, UPDATE ON search_documents TO plant_service;
GRANT SELECT, INSERT, UPDATE, DELETE ON embedding_jobs TO plant_service;
GRANT SELECT, INSERT, UPDATE ON embedding_quality_runs TO plant_service;
