/**
 * The five kinds and their shared seven-section envelope. `EntityContent` is the governed part:
 * exactly what an amendment records and what the hash and signature cover. `Entity` adds what is
 * derived from the chain (version, hashes, timestamps) and operational attestations (compliance
 * maps, tamper flag) that are recomputed, never signed.
 */
/** Entity ids are UUIDs (v7); anything else cannot name an entity. */
export const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const ENTITY_KINDS = ['Skill', 'JobRole', 'Industry', 'Agent', 'Team'] as const;
export type EntityKind = (typeof ENTITY_KINDS)[number];

/** Kinds that have a search document (teams are found through their members). */
export const SEARCHABLE_KINDS = ['Skill', 'JobRole', 'Industry', 'Agent'] as const satisfies readonly EntityKind[];
export type SearchableKind = (typeof SEARCHABLE_KINDS)[number];

export const STATUSES = ['draft', 'active', 'deprecated', 'archived', 'deleted'] as const;
export type Status = (typeof STATUSES)[number];

export const ALIGNMENTS = ['aligned', 'drifted', 'requires_review'] as const;
export type Alignment = (typeof ALIGNMENTS)[number];

export const SKILL_CATEGORIES = ['technical', 'soft_skill', 'domain_expertise', 'certification'] as const;
export const SENIORITY_LEVELS = ['junior', 'mid', 'senior'] as const;

export const OPERATIONS = [
  'create',
  'evolve',
  'certify',
  'decertify',
  'assign_team',
  'deprecate',
  'supersede',
  'archive',
  'delete',
  'require_review',
  'review',
  'certification_approval',
  'certification_rejected',
] as const;
export type Operation = (typeof OPERATIONS)[number];

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

export interface Certification {
  certified: boolean;
  certified_by: string | null;
  certified_at: string | null;
  certification_reason: string | null;
  revoked_by: string | null;
  revoked_at: string | null;
  revocation_reason: string | null;
  /** Every governance actor whose approval the certification counted (four-eyes). */
  approved_by?: string[];
  /** An open request: approvals so far, waiting for the quorum. */
  request?: CertificationRequest | null;
  /** The external gate's verdict, when one was asked (GENESIS_WEBHOOK_URL). */
  gate?: { verdict: 'approve' | 'deny'; reason: string | null; response_hash: string } | null;
}

export interface CertificationApproval {
  actor: string;
  at: string;
  reason: string | null;
}

export interface CertificationRequest {
  opened_at: string;
  expires_at: string;
  approvals: CertificationApproval[];
  /** Set when the quorum was reached and the external gate's verdict is awaited. */
  waiting_for_gate_since?: string | null;
}

/** Fields every kind carries in its governed content. */
export interface CommonContent {
  name: string;
  status: Status;
  external_id: string | null;
  governance_agent_id: string;
  amendment_alignment: Alignment;
  tags: string[];
  custom_attributes: JsonObject;
  governance_notes: string | null;
  parent_id: string | null;
  child_ids: string[];
  supersedes: string | null;
  superseded_by: string | null;
}

export interface SkillContent extends CommonContent {
  description: string;
  category: string;
  certification: Certification;
}

export interface JobRoleContent extends CommonContent {
  description: string;
  required_skills: string[];
  seniority_level: string;
  industry_id: string | null;
  certification: Certification;
}

export interface IndustryContent extends CommonContent {
  description: string;
}

export interface AgentContent extends CommonContent {
  skill_id: string;
  job_role_id: string;
  industry_id: string;
  team_id: string | null;
}

export interface TeamContent extends CommonContent {
  description: string;
  job_role_id: string;
  industry_id: string | null;
  agents: string[];
}

export interface ContentByKind {
  Skill: SkillContent;
  JobRole: JobRoleContent;
  Industry: IndustryContent;
  Agent: AgentContent;
  Team: TeamContent;
}

export type AnyContent = ContentByKind[EntityKind];

/** An entity as stored: identity, derived chain state, operational attestations, and content. */
export interface EntityRecord<K extends EntityKind = EntityKind> {
  id: string;
  entity_type: K;
  version: number;
  version_hash: string;
  hash_chain_head: string;
  amendment_count: number;
  created_at: string;
  updated_at: string;
  deleted_at: string | null;
  l0_compliance_status: Record<string, boolean>;
  l1_compliance_status: Record<string, boolean>;
  drift_detector: JsonObject;
  tamper_proof: boolean;
  content: ContentByKind[K];
}

export const isKind = (value: string): value is EntityKind => (ENTITY_KINDS as readonly string[]).includes(value);

export const uncertified = (): Certification => ({
  certified: false,
  certified_by: null,
  certified_at: null,
  certification_reason: null,
  revoked_by: null,
  revoked_at: null,
  revocation_reason: null,
});

/** The certification request the record holds (open or expired), if any. */
export const certificationRequest = (record: EntityRecord): CertificationRequest | null =>
  (record.content as Partial<SkillContent>).certification?.request ?? null;

export const isCertified = (record: EntityRecord): boolean => {
  const content = record.content as Partial<SkillContent>;
  return content.certification?.certified === true;
};
