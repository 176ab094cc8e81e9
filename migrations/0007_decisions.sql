-- Governance decisions as precedents: listed newest first and searched by their reasons.
-- The predicate is the store's (ledger-store.ts, DECISION_PREDICATE), so these partial indexes serve it.
CREATE INDEX amendments_decisions_time ON amendments ((payload ->> 'timestamp') DESC, hash DESC)
  WHERE operation IN ('certification_approval', 'certify', 'certification_rejected', 'decertify', 'review');
CREATE INDEX amendments_decisions_reason ON amendments USING gin (to_tsvector('english', coalesce(payload ->> 'reason', '')))
  WHERE operation IN ('certification_approval', 'certify', 'certification_rejected', 'decertify', 'review');
CREATE INDEX amendments_actor ON amendments (actor);
