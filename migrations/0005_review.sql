-- Governance reviews: a signed `review` amendment clears a requires_review flag (or goes with a
-- decertification). Only governance may sign one; the rest of the policy is unchanged.
ALTER TABLE amendments DROP CONSTRAINT amendments_operation_check;
ALTER TABLE amendments ADD CONSTRAINT amendments_operation_check
  CHECK (operation IN ('create', 'evolve', 'certify', 'decertify', 'assign_team', 'deprecate', 'supersede',
                       'archive', 'delete', 'require_review', 'review'));

DROP POLICY amendments_insert ON amendments;
CREATE POLICY amendments_insert ON amendments FOR INSERT
  WITH CHECK (
    actor = plant_actor()
    AND CASE
      WHEN operation IN ('certify', 'decertify', 'review') THEN plant_has_role('governance')
      WHEN operation = 'require_review' THEN plant_has_role('governance', 'operator')
      WHEN entity_type IN ('Skill', 'JobRole', 'Industry') THEN plant_has_role('governance')
      ELSE plant_has_role('operator')
    END
  );

-- The governance queue reads flagged entities oldest first.
CREATE INDEX entities_flagged ON entities (updated_at, id)
  WHERE status <> 'deleted' AND (content ->> 'amendment_alignment' IN ('requires_review', 'drifted') OR drift_detector ->> 'drifted' = 'true');
