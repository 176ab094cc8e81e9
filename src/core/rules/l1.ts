import type { Violation } from '../errors.ts';
import {
  SENIORITY_LEVELS,
  SKILL_CATEGORIES,
  type AgentContent,
  type AnyContent,
  type EntityKind,
  type IndustryContent,
  type JobRoleContent,
  type SkillContent,
  type TeamContent,
} from '../entity.ts';
import { isBlank, violation } from './violation.ts';

/** Python-style list rendering, because the seed's violation strings quote the list that way. */
const pyList = (values: readonly string[]): string => `[${values.map((v) => `'${v}'`).join(', ')}]`;

export const L1_INTRINSIC_CODES: Record<EntityKind, readonly string[]> = {
  Skill: ['L1-SKILL-01', 'L1-SKILL-02', 'L1-SKILL-03'],
  JobRole: ['L1-JOBROLE-01', 'L1-JOBROLE-02', 'L1-JOBROLE-03'],
  Team: ['L1-TEAM-01', 'L1-TEAM-02'],
  Agent: ['L1-AGENT-01', 'L1-AGENT-02', 'L1-AGENT-03'],
  Industry: ['L1-INDUSTRY-01'],
};

const skill = (c: SkillContent): Violation[] => {
  const out: Violation[] = [];
  if (isBlank(c.name)) out.push(violation('L1-SKILL-01', 'name is required and cannot be empty'));
  if (isBlank(c.description)) out.push(violation('L1-SKILL-02', 'description is required'));
  if (!(SKILL_CATEGORIES as readonly string[]).includes(c.category)) {
    out.push(violation('L1-SKILL-03', `category must be one of ${pyList(SKILL_CATEGORIES)}`));
  }
  return out;
};

const jobRole = (c: JobRoleContent): Violation[] => {
  const out: Violation[] = [];
  if (c.required_skills.length === 0) out.push(violation('L1-JOBROLE-01', 'required_skills cannot be empty'));
  if (!(SENIORITY_LEVELS as readonly string[]).includes(c.seniority_level)) {
    out.push(violation('L1-JOBROLE-02', `seniority_level must be one of ${pyList(SENIORITY_LEVELS)}`));
  }
  if (isBlank(c.name)) out.push(violation('L1-JOBROLE-03', 'name is required'));
  return out;
};

const team = (c: TeamContent): Violation[] => {
  const out: Violation[] = [];
  if (c.agents.length === 0) out.push(violation('L1-TEAM-01', 'team must have at least one agent'));
  if (isBlank(c.job_role_id)) out.push(violation('L1-TEAM-02', 'job_role_id must be set'));
  return out;
};

const agent = (c: AgentContent): Violation[] => {
  const out: Violation[] = [];
  if (isBlank(c.skill_id)) out.push(violation('L1-AGENT-01', 'skill_id must be set'));
  if (isBlank(c.job_role_id)) out.push(violation('L1-AGENT-02', 'job_role_id must be set'));
  if (isBlank(c.industry_id)) out.push(violation('L1-AGENT-03', 'industry_id must be set'));
  return out;
};

const industry = (c: IndustryContent): Violation[] =>
  isBlank(c.name) ? [violation('L1-INDUSTRY-01', 'name is required')] : [];

/** The seed's per-kind field rules, in the seed's order. */
export const checkL1Intrinsic = (kind: EntityKind, content: AnyContent): Violation[] => {
  switch (kind) {
    case 'Skill':
      return skill(content as SkillContent);
    case 'JobRole':
      return jobRole(content as JobRoleContent);
    case 'Team':
      return team(content as TeamContent);
    case 'Agent':
      return agent(content as AgentContent);
    case 'Industry':
      return industry(content as IndustryContent);
  }
};
