import type { Violation } from '../errors.ts';
import {
  isCertified,
  type AgentContent,
  type AnyContent,
  type EntityKind,
  type EntityRecord,
  type JobRoleContent,
  type TeamContent,
} from '../entity.ts';
import { referencesOf } from '../reference-fields.ts';
import { violation } from './violation.ts';

export const L1_GRAPH_CODES: Record<EntityKind, readonly string[]> = {
  Skill: [],
  JobRole: ['L1-JOBROLE-04'],
  Team: ['L1-TEAM-03'],
  Agent: ['L1-AGENT-04', 'L1-AGENT-05', 'L1-AGENT-06', 'L1-AGENT-07'],
  Industry: [],
};

/** Entities the graph rules may consult, loaded (and share-locked) by the caller. */
export type RefLookup = (id: string) => EntityRecord | undefined;

export interface GraphInput {
  kind: EntityKind;
  content: AnyContent;
  /** The content before this write, for rules about what may never change (industry lock). */
  previous: AnyContent | null;
  refs: RefLookup;
}

const live = (record: EntityRecord | undefined): record is EntityRecord =>
  record !== undefined && record.content.status !== 'deleted';

/** Why a reference is not a live entity of the kind: deleted entities are named as such. */
const absent = (record: EntityRecord | undefined, kind: EntityKind): string =>
  record?.entity_type === kind && record.content.status === 'deleted' ? 'is deleted' : 'does not exist';

const jobRole = (c: JobRoleContent, refs: RefLookup): Violation[] => {
  const out: Violation[] = [];
  const seen = new Set<string>();
  for (const id of c.required_skills) {
    if (seen.has(id)) {
      out.push(violation('L1-JOBROLE-04', `required skill ${id} is listed more than once`));
      continue;
    }
    seen.add(id);
    const skill = refs(id);
    if (!live(skill) || skill.entity_type !== 'Skill') {
      out.push(violation('L1-JOBROLE-04', `required skill ${id} ${absent(skill, 'Skill')}`));
    } else if (!isCertified(skill)) {
      out.push(violation('L1-JOBROLE-04', `required skill ${id} is not certified`));
    }
  }
  return out;
};

const agent = (c: AgentContent, previous: AgentContent | null, refs: RefLookup): Violation[] => {
  const out: Violation[] = [];
  const role = refs(c.job_role_id);
  const skill = refs(c.skill_id);
  const roleContent = live(role) && role.entity_type === 'JobRole' ? (role.content as JobRoleContent) : null;
  if (roleContent && !roleContent.required_skills.includes(c.skill_id)) {
    out.push(violation('L1-AGENT-04', `skill ${c.skill_id} is not one of job role ${c.job_role_id}'s required skills`));
  }
  if (roleContent?.industry_id != null && roleContent.industry_id !== c.industry_id) {
    out.push(
      violation('L1-AGENT-05', `industry_id ${c.industry_id} does not match the job role's industry ${roleContent.industry_id}`),
    );
  }
  if (!live(role) || role.entity_type !== 'JobRole') {
    out.push(violation('L1-AGENT-06', `job role ${c.job_role_id} ${absent(role, 'JobRole')}`));
  } else if (!isCertified(role)) {
    out.push(violation('L1-AGENT-06', `job role ${c.job_role_id} is not certified`));
  }
  if (!live(skill) || skill.entity_type !== 'Skill') {
    out.push(violation('L1-AGENT-06', `skill ${c.skill_id} ${absent(skill, 'Skill')}`));
  } else if (!isCertified(skill)) {
    out.push(violation('L1-AGENT-06', `skill ${c.skill_id} is not certified`));
  }
  if (previous !== null && previous.industry_id !== c.industry_id) {
    out.push(
      violation('L1-AGENT-07', `industry_id is locked at birth (${previous.industry_id}) and cannot change to ${c.industry_id}`),
    );
  }
  return out;
};

const team = (c: TeamContent, refs: RefLookup): Violation[] => {
  const out: Violation[] = [];
  for (const id of c.agents) {
    const member = refs(id);
    if (!live(member) || member.entity_type !== 'Agent') {
      out.push(violation('L1-TEAM-03', `agent ${id} ${absent(member, 'Agent')}`));
    } else if (member.content.status !== 'active') {
      out.push(violation('L1-TEAM-03', `agent ${id} is not active`));
    } else if ((member.content as AgentContent).job_role_id !== c.job_role_id) {
      out.push(violation('L1-TEAM-03', `agent ${id} does not hold the team's job role ${c.job_role_id}`));
    }
  }
  return out;
};

/** Rules over relations between entities (spec §2), evaluated against the referenced records. */
export const checkGraph = ({ kind, content, previous, refs }: GraphInput): Violation[] => {
  switch (kind) {
    case 'JobRole':
      return jobRole(content as JobRoleContent, refs);
    case 'Agent':
      return agent(content as AgentContent, previous as AgentContent | null, refs);
    case 'Team':
      return team(content as TeamContent, refs);
    case 'Skill':
    case 'Industry':
      return [];
  }
};

/** Ids a kind's graph rules consult (REFERENCE_FIELDS marked `rules`); the caller loads exactly these. */
export const referencedIds = (kind: EntityKind, content: AnyContent): string[] =>
  referencesOf(kind, content)
    .filter((r) => r.field.rules)
    .map((r) => r.id);
