import { AsOfSchema } from './as-of.ts';
import { Type } from 'typebox';
import { entityView } from '../../core/entity-view.ts';
import { Uuid } from './common.ts';

const nullable = <T extends ReturnType<typeof Type.String>>(schema: T) => Type.Union([schema, Type.Null()]);
const Json = Type.Record(Type.String(), Type.Unknown());

const Certification = Type.Object({
  certified: Type.Boolean(),
  certified_by: nullable(Type.String()),
  certified_at: nullable(Type.String({ format: 'date-time' })),
  certification_reason: nullable(Type.String()),
  revoked_by: nullable(Type.String()),
  revoked_at: nullable(Type.String({ format: 'date-time' })),
  revocation_reason: nullable(Type.String()),
  approved_by: Type.Optional(Type.Array(Type.String(), { description: 'The distinct governance actors whose approvals the certification counted' })),
  request: Type.Optional(
    Type.Union([
      Type.Object(
        {
          opened_at: Type.String({ format: 'date-time' }),
          expires_at: Type.String({ format: 'date-time' }),
          approvals: Type.Array(Type.Object({ actor: Type.String(), at: Type.String(), reason: nullable(Type.String()) })),
          waiting_for_gate_since: Type.Optional(nullable(Type.String())),
        },
        { description: 'An open request to certify, waiting for the quorum (CERTIFICATION_QUORUM)' },
      ),
      Type.Null(),
    ]),
  ),
  gate: Type.Optional(
    Type.Union([
      Type.Object(
        { verdict: Type.Union([Type.Literal('approve'), Type.Literal('deny')]), reason: nullable(Type.String()), response_hash: Type.String() },
        { description: "The constitutional gate's verdict on the last request" },
      ),
      Type.Null(),
    ]),
  ),
});

/**
 * One flat view for every kind: the seven envelope sections plus the kind's own fields (absent
 * for other kinds). Field names are the seed's, in snake_case.
 */
export const EntitySchema = Type.Object(
  {
    // identity
    id: Uuid,
    entity_type: Type.String(),
    external_id: nullable(Type.String()),
    // lifecycle
    status: Type.String(),
    created_at: Type.String({ format: 'date-time' }),
    updated_at: Type.String({ format: 'date-time' }),
    deleted_at: nullable(Type.String({ format: 'date-time' })),
    // versioning
    version: Type.Integer(),
    version_hash: Type.String(),
    supersedes: nullable(Type.String()),
    superseded_by: nullable(Type.String()),
    // constitutional alignment
    l0_compliance_status: Type.Record(Type.String(), Type.Boolean()),
    l1_compliance_status: Type.Record(Type.String(), Type.Boolean()),
    amendment_alignment: Type.String(),
    drift_detector: Json,
    // audit
    append_only: Type.Boolean(),
    hash_chain_head: Type.String(),
    amendment_count: Type.Integer(),
    tamper_proof: Type.Boolean(),
    // metadata
    tags: Type.Array(Type.String()),
    custom_attributes: Json,
    governance_notes: nullable(Type.String()),
    // relationships
    parent_id: nullable(Type.String()),
    child_ids: Type.Array(Type.String()),
    governance_agent_id: Type.String(),
    // kind-specific
    name: Type.String(),
    description: Type.Optional(Type.String()),
    category: Type.Optional(Type.String()),
    certification: Type.Optional(Certification),
    required_skills: Type.Optional(Type.Array(Type.String())),
    seniority_level: Type.Optional(Type.String()),
    industry_id: Type.Optional(nullable(Type.String())),
    skill_id: Type.Optional(Type.String()),
    job_role_id: Type.Optional(Type.String()),
    team_id: Type.Optional(nullable(Type.String())),
    agents: Type.Optional(Type.Array(Type.String())),
    // point in time
    as_of: Type.Optional(AsOfSchema),
  },
  { $id: 'Entity', description: 'An entity of any kind: the seven envelope sections and its own fields' },
);

export const entityRef = Type.Ref('Entity');
export const entityListRef = Type.Array(Type.Ref('Entity'));

/** The HTTP representation is the core's entity view. */
export const toView = entityView;
