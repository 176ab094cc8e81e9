-- Four-eyes certification. A governance actor's POST …/certify records a signed
-- `certification_approval`; the `certify` amendment comes when enough distinct actors agree, and
-- `certification_rejected` closes a request. The quorum lives here too, so a `certify` written
-- by any path (raw SQL as the service role included) needs the approvals in its own chain.
ALTER TABLE amendments DROP CONSTRAINT amendments_operation_check;
ALTER TABLE amendments ADD CONSTRAINT amendments_operation_check
  CHECK (operation IN ('create', 'evolve', 'certify', 'decertify', 'assign_team', 'deprecate', 'supersede',
                       'archive', 'delete', 'require_review', 'review', 'certification_approval', 'certification_rejected'));

DROP POLICY amendments_insert ON amendments;
CREATE POLICY amendments_insert ON amendments FOR INSERT
  WITH CHECK (
    actor = plant_actor()
    AND CASE
      WHEN operation IN ('certify', 'decertify', 'review', 'certification_approval', 'certification_rejected') THEN plant_has_role('governance')
      WHEN operation = 'require_review' THEN plant_has_role('governance', 'operator')
      WHEN entity_type IN ('Skill', 'JobRole', 'Industry') THEN plant_has_role('governance')
      ELSE plant_has_role('operator')
    END
  );

-- Settings the database enforces; only the owner (plant migrate) writes them.
CREATE TABLE plant_settings (
  key   text PRIMARY KEY,
  value jsonb NOT NULL
);
INSERT INTO plant_settings (key, value) VALUES ('certification_quorum', '1');
REVOKE ALL ON plant_settings FROM PUBLIC;
GRANT SELECT ON plant_settings TO plant_service;

-- A certify counts its own actor and the distinct approvers since the entity's last
-- certification event (certify, decertify or rejection).
CREATE FUNCTION plant_certify_quorum() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
DECLARE
  quorum integer;
  agreed integer;
BEGIN
  IF NEW.operation <> 'certify' THEN
    RETURN NEW;
  END IF;
  SELECT COALESCE((SELECT (value #>> '{}')::integer FROM plant_settings WHERE key = 'certification_quorum'), 1) INTO quorum;
  SELECT count(DISTINCT actor) INTO agreed FROM (
    SELECT a.actor FROM amendments a
     WHERE a.entity_id = NEW.entity_id AND a.operation = 'certification_approval'
       AND a.version > COALESCE((SELECT max(b.version) FROM amendments b
                                  WHERE b.entity_id = NEW.entity_id AND b.operation IN ('certify', 'decertify', 'certification_rejected')), 0)
    UNION SELECT NEW.actor
  ) approvers;
  IF agreed < quorum THEN
    RAISE EXCEPTION 'plant: certifying % needs % distinct governance approvals, it has %', NEW.entity_id, quorum, agreed
      USING ERRCODE = 'PL006';
  END IF;
  RETURN NEW;
END
$$;
CREATE TRIGGER amendments_certify_quorum BEFORE INSERT ON amendments FOR EACH ROW EXECUTE FUNCTION plant_certify_quorum();

-- The governance queue also shows open certification requests.
DROP INDEX entities_flagged;
CREATE INDEX entities_waiting ON entities (updated_at, id)
  WHERE status <> 'deleted' AND (content ->> 'amendment_alignment' IN ('requires_review', 'drifted') OR drift_detector ->> 'drifted' = 'true'
                                 OR jsonb_typeof(content #> '{certification,request}') = 'object');
