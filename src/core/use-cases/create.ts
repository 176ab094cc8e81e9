import type { EntityRecord, IndustryContent, JobRoleContent, SkillContent, AgentContent, TeamContent } from '../entity.ts';
import { uncertified } from '../entity.ts';
import { DomainError } from '../errors.ts';
import type { Actor } from '../ports/ledger.ts';
import { appendAmendment } from '../writer.ts';
import { assertStorable, commonContent, type CommonInput } from './common-fields.ts';
import type { WriteDeps } from './deps.ts';
import { referencesOf } from '../reference-fields.ts';
import { requireRefs } from './references.ts';
import { joinTeam, moveMembersInto } from './team-membership.ts';

export interface CreateSkillInput extends CommonInput {
  name: string;
  description: string;
  category: string;
}

export interface CreateJobRoleInput extends CommonInput {
  name: string;
  description: string;
  required_skills: string[];
  seniority_level?: string | undefined;
  industry_id?: string | null | undefined;
}

export interface CreateIndustryInput extends CommonInput {
  name: string;
  description: string;
}

export interface CreateAgentInput extends CommonInput {
  name: string;
  skill_id: string;
  job_role_id: string;
  industry_id: string;
  team_id?: string | null | undefined;
}

export interface CreateTeamInput extends CommonInput {
  name: string;
  description: string;
  job_role_id: string;
  industry_id?: string | null | undefined;
  agents: string[];
}

export const createSkill = async (deps: WriteDeps, actor: Actor, input: CreateSkillInput): Promise<EntityRecord<'Skill'>> => {
  assertStorable({ ...input });
  const content: SkillContent = {
    ...commonContent(input.name, input),
    description: input.description,
    category: input.category,
    certification: uncertified(),
  };
  const id = deps.ids.next();
  return deps.store.write(actor, async (tx) =>
    (await appendAmendment(deps, { tx, actor, id, kind: 'Skill', current: null, content, operation: 'create', reason: null })) as EntityRecord<'Skill'>,
  );
};

export const createIndustry = async (
  deps: WriteDeps,
  actor: Actor,
  input: CreateIndustryInput,
): Promise<EntityRecord<'Industry'>> => {
  assertStorable({ ...input });
  const content: IndustryContent = { ...commonContent(input.name, input), description: input.description };
  const id = deps.ids.next();
  return deps.store.write(actor, async (tx) =>
    (await appendAmendment(deps, { tx, actor, id, kind: 'Industry', current: null, content, operation: 'create', reason: null })) as EntityRecord<'Industry'>,
  );
};

export const createJobRole = async (
  deps: WriteDeps,
  actor: Actor,
  input: CreateJobRoleInput,
): Promise<EntityRecord<'JobRole'>> => {
  assertStorable({ ...input });
  const content: JobRoleContent = {
    ...commonContent(input.name, input),
    description: input.description,
    required_skills: input.required_skills,
    seniority_level: input.seniority_level ?? 'mid',
    industry_id: input.industry_id ?? null,
    certification: uncertified(),
  };
  const id = deps.ids.next();
  return deps.store.write(actor, async (tx) => {
    const known = await requireRefs(tx, referencesOf('JobRole', content));
    return (await appendAmendment(deps, { tx, actor, id, kind: 'JobRole', current: null, content, operation: 'create', reason: null, known })) as EntityRecord<'JobRole'>;
  });
};

/** Agent birth: born only from a certified skill of a certified role, in the role's industry (L1-AGENT-04…06). */
export const createAgent = async (deps: WriteDeps, actor: Actor, input: CreateAgentInput): Promise<EntityRecord<'Agent'>> => {
  assertStorable({ ...input });
  const content: AgentContent = {
    ...commonContent(input.name, input),
    skill_id: input.skill_id,
    job_role_id: input.job_role_id,
    industry_id: input.industry_id,
    team_id: null,
  };
  const id = deps.ids.next();
  const teamId = input.team_id ?? null;
  return deps.store.write(actor, async (tx) => {
    // The team is checked now; the agent joins it by a second amendment below.
    const known = await requireRefs(tx, referencesOf('Agent', { ...content, team_id: teamId }));
    const born = (await appendAmendment(deps, {
      tx, actor, id, kind: 'Agent', current: null, content, operation: 'create', reason: null, known,
    })) as EntityRecord<'Agent'>;
    if (teamId === null) return born;
    // Joining a team at birth is a second amendment (assign_team), so history says how it happened.
    return joinTeam(deps, tx, actor, born, teamId, null);
  });
};

export const createTeam = async (deps: WriteDeps, actor: Actor, input: CreateTeamInput): Promise<EntityRecord<'Team'>> => {
  assertStorable({ ...input });
  const members = [...new Set(input.agents)];
  if (members.length !== input.agents.length) {
    throw new DomainError('VALIDATION_ERROR', 'agents must not repeat', { errors: [{ field: 'agents', message: 'must not contain duplicates' }] });
  }
  const content: TeamContent = {
    ...commonContent(input.name, input),
    description: input.description,
    job_role_id: input.job_role_id,
    industry_id: input.industry_id ?? null,
    agents: members,
  };
  const id = deps.ids.next();
  return deps.store.write(actor, async (tx) => {
    // Members are amended too (their team_id), so they are locked, not merely shared.
    const locked = await tx.lock(members);
    const known = await requireRefs(tx, referencesOf('Team', content), locked);
    const team = (await appendAmendment(deps, {
      tx, actor, id, kind: 'Team', current: null, content, operation: 'create', reason: null, known,
    })) as EntityRecord<'Team'>;
    const agents = members.map((m) => known.get(m)).filter((r): r is EntityRecord => r !== undefined);
    await moveMembersInto(deps, tx, actor, team, agents as EntityRecord<'Agent'>[], known);
    return team;
  });
};
