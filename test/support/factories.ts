import type { EntityRecord } from '../../src/core/entity.ts';
import { certify } from '../../src/core/use-cases/certification.ts';
import { createAgent, createIndustry, createJobRole, createSkill, createTeam } from '../../src/core/use-cases/create.ts';
import type { WriteDeps } from '../../src/core/use-cases/deps.ts';
import { GOVERNANCE, OPERATOR } from './ledger.ts';

let counter = 0;
const unique = (prefix: string): string => `${prefix} ${++counter}-${Math.random().toString(36).slice(2, 8)}`;

export const industry = (deps: WriteDeps, name = unique('Industry')): Promise<EntityRecord<'Industry'>> =>
  createIndustry(deps, GOVERNANCE, { name, description: `${name} businesses` });

export const skill = async (deps: WriteDeps, opts: { certified?: boolean; name?: string } = {}): Promise<EntityRecord<'Skill'>> => {
  const created = await createSkill(deps, GOVERNANCE, {
    name: opts.name ?? unique('Skill'),
    description: 'Writes and ships campaigns',
    category: 'technical',
  });
  if (opts.certified === false) return created;
  return (await certify(deps, GOVERNANCE, 'Skill', created.id, { reason: 'meets the bar' })) as EntityRecord<'Skill'>;
};

export const jobRole = async (
  deps: WriteDeps,
  skills: string[],
  opts: { industryId?: string | null; certified?: boolean } = {},
): Promise<EntityRecord<'JobRole'>> => {
  const created = await createJobRole(deps, GOVERNANCE, {
    name: unique('Role'),
    description: 'A role',
    required_skills: skills,
    industry_id: opts.industryId ?? null,
  });
  if (opts.certified === false) return created;
  return (await certify(deps, GOVERNANCE, 'JobRole', created.id, { reason: 'approved' })) as EntityRecord<'JobRole'>;
};

export interface Graph {
  industry: EntityRecord<'Industry'>;
  skill: EntityRecord<'Skill'>;
  role: EntityRecord<'JobRole'>;
}

/** An industry, a certified skill and a certified role of that industry requiring the skill. */
export const graph = async (deps: WriteDeps): Promise<Graph> => {
  const ind = await industry(deps);
  const sk = await skill(deps);
  const role = await jobRole(deps, [sk.id], { industryId: ind.id });
  return { industry: ind, skill: sk, role };
};

export const agent = (deps: WriteDeps, g: Graph, name = unique('Agent')): Promise<EntityRecord<'Agent'>> =>
  createAgent(deps, OPERATOR, { name, skill_id: g.skill.id, job_role_id: g.role.id, industry_id: g.industry.id });

export const team = (deps: WriteDeps, g: Graph, agents: string[]): Promise<EntityRecord<'Team'>> =>
  createTeam(deps, OPERATOR, { name: unique('Team'), description: 'A team', job_role_id: g.role.id, agents });
