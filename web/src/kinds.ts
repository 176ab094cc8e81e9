import type { ListPath } from '@plant/client';

export const KINDS = ['Skill', 'JobRole', 'Industry', 'Agent', 'Team'] as const;
export type EntityKind = (typeof KINDS)[number];

export const KIND_LABEL: Record<EntityKind, string> = { Skill: 'Skills', JobRole: 'Job roles', Industry: 'Industries', Agent: 'Agents', Team: 'Teams' };
export const KIND_ONE: Record<string, string> = { Skill: 'Skill', JobRole: 'Job role', Industry: 'Industry', Agent: 'Agent', Team: 'Team' };

export const LIST_PATH: Record<EntityKind, ListPath> = {
  Skill: '/api/v1/genesis/skills',
  JobRole: '/api/v1/genesis/job-roles',
  Industry: '/api/v1/genesis/industries',
  Agent: '/api/v1/agents',
  Team: '/api/v1/teams',
};

export const STATUSES = ['draft', 'active', 'deprecated', 'archived', 'deleted'] as const;

export const isKind = (v: string | null): v is EntityKind => v !== null && (KINDS as readonly string[]).includes(v);
