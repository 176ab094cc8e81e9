import type { EntityRecord } from './entity.ts';

/** The flat public representation of an entity: the seven envelope sections and its own fields. */
export const entityView = (record: EntityRecord): Record<string, unknown> => ({
  ...record.content,
  id: record.id,
  entity_type: record.entity_type,
  created_at: record.created_at,
  updated_at: record.updated_at,
  deleted_at: record.deleted_at,
  version: record.version,
  version_hash: record.version_hash,
  l0_compliance_status: record.l0_compliance_status,
  l1_compliance_status: record.l1_compliance_status,
  drift_detector: record.drift_detector,
  append_only: true,
  hash_chain_head: record.hash_chain_head,
  amendment_count: record.amendment_count,
  tamper_proof: record.tamper_proof,
});
