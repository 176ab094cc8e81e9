import type { EntityKind, EntityRecord, SkillContent } from '../entity.ts';
import type { Actor } from '../ports/ledger.ts';
import { certify } from './certification.ts';
import { createAgent, createIndustry, createJobRole, createSkill, createTeam } from './create.ts';
import type { WriteDeps } from './deps.ts';

/** The authority that certifies the demo catalog. */
export const GENESIS_ACTOR: Actor = { subject: 'genesis', roles: ['admin'] };

/** A catalog to load: industries, skills, roles (by name), agents and how many teams. */
export interface CatalogIndustry {
  name: string;
  description: string;
}

export interface CatalogSkill {
  name: string;
  category: 'technical' | 'soft_skill' | 'domain_expertise';
  description: string;
}

export interface CatalogRole {
  name: string;
  industry: string;
  seniority: 'junior' | 'mid' | 'senior';
  skills: string[];
  description: string;
}

export interface CatalogAgent {
  name: string;
  role: string;
  skill: string;
  /** Index of the team (0-based) this agent joins, or null. */
  team: number | null;
}

export interface Catalog {
  industries: readonly CatalogIndustry[];
  skills: readonly CatalogSkill[];
  roles: readonly CatalogRole[];
  agents: readonly CatalogAgent[];
  /** The first `teamCount` roles each get a team of the agents marked for it. */
  teamCount: number;
}

export interface SeedResult {
  created: Record<EntityKind, number>;
  certified: number;
  existing: number;
  total: number;
}

/** What the catalog itself holds, per kind (not what the database holds: it may hold more). */
export const catalogCounts = (catalog: Catalog): Record<EntityKind, number> => ({
  Industry: catalog.industries.length,
  Skill: catalog.skills.length,
  JobRole: catalog.roles.length,
  Agent: catalog.agents.length,
  Team: catalog.teamCount,
});

const ZERO = (): Record<EntityKind, number> => ({ Industry: 0, Skill: 0, JobRole: 0, Agent: 0, Team: 0 });

/** One step per record, plus one per certification of a skill or role. */
const seedSteps = (c: Catalog): number => c.industries.length + 2 * c.skills.length + 2 * c.roles.length + c.agents.length + c.teamCount;

/**
 * Loads the demo catalog through the same use cases as the API, so every record is validated,
 * signed and chained. Idempotent and resumable: whatever exists (by kind and name) is reused, a
 * skill or role left uncertified by an interrupted run is certified, nothing is written twice.
 */
export const seedDemoCatalog = async (
  deps: WriteDeps,
  catalog: Catalog,
  onStep: (done: number, total: number) => void = () => undefined,
  actor: Actor = GENESIS_ACTOR,
): Promise<SeedResult> => {
  const total = seedSteps(catalog);
  const result: SeedResult = { created: ZERO(), certified: 0, existing: 0, total };
  let done = 0;
  const step = (): void => {
    onStep(++done, total);
  };
  const ensure = async <K extends EntityKind>(kind: K, name: string, create: () => Promise<EntityRecord<K>>): Promise<EntityRecord<K>> => {
    const found = await deps.store.findByName(kind, name);
    step();
    if (found !== undefined) {
      result.existing++;
      return found as EntityRecord<K>;
    }
    result.created[kind]++;
    return create();
  };
  const ensureCertified = async (kind: 'Skill' | 'JobRole', record: EntityRecord): Promise<EntityRecord> => {
    step();
    if ((record.content as SkillContent).certification.certified) return record;
    result.certified++;
    return certify(deps, actor, kind, record.id, { reason: 'Genesis certification of the demo catalog' });
  };

  const industries = new Map<string, EntityRecord>();
  for (const i of catalog.industries) {
    industries.set(i.name, await ensure('Industry', i.name, () => createIndustry(deps, actor, { name: i.name, description: i.description, tags: [i.name.toLowerCase()] })));
  }
  const skills = new Map<string, EntityRecord>();
  for (const s of catalog.skills) {
    const skill = await ensure('Skill', s.name, () => createSkill(deps, actor, { name: s.name, description: s.description, category: s.category, tags: [s.category] }));
    skills.set(s.name, await ensureCertified('Skill', skill));
  }
  const roles = new Map<string, EntityRecord>();
  for (const r of catalog.roles) {
    const role = await ensure('JobRole', r.name, () =>
      createJobRole(deps, actor, {
        name: r.name,
        description: r.description,
        required_skills: r.skills.map((s) => skills.get(s)?.id ?? ''),
        seniority_level: r.seniority,
        industry_id: industries.get(r.industry)?.id ?? null,
        tags: ['role'],
      }),
    );
    roles.set(r.name, await ensureCertified('JobRole', role));
  }
  const teamMembers = new Map<number, string[]>();
  for (const a of catalog.agents) {
    const role = catalog.roles.find((r) => r.name === a.role);
    const agent = await ensure('Agent', a.name, () =>
      createAgent(deps, actor, {
        name: a.name,
        skill_id: skills.get(a.skill)?.id ?? '',
        job_role_id: roles.get(a.role)?.id ?? '',
        industry_id: industries.get(role?.industry ?? '')?.id ?? '',
        tags: ['agent'],
      }),
    );
    if (a.team !== null) teamMembers.set(a.team, [...(teamMembers.get(a.team) ?? []), agent.id]);
  }
  for (let t = 0; t < catalog.teamCount; t++) {
    const role = catalog.roles[t];
    if (role === undefined) break;
    await ensure('Team', `Team ${t + 1}`, () =>
      createTeam(deps, actor, {
        name: `Team ${t + 1}`,
        description: `Specialized team for ${role.name}: ${role.description}`,
        job_role_id: roles.get(role.name)?.id ?? '',
        industry_id: industries.get(role.industry)?.id ?? null,
        agents: teamMembers.get(t) ?? [],
        tags: ['team'],
      }),
    );
  }
  return result;
};

export const changedAnything = (r: SeedResult): boolean => r.certified > 0 || Object.values(r.created).some((n) => n > 0);

/** What a seed run reports: what it did, what the catalog holds, what the database holds after it. */
export interface SeedReport extends SeedResult {
  changed: boolean;
  catalog: Record<EntityKind, number>;
  counts: Record<string, number>;
  /** The key every record created by this run was signed with. */
  signing_key: string;
}

/** Seeds, then reads back the counts, so the CLI and the API report one run the same way. */
export const seedWithReport = async (
  deps: WriteDeps,
  catalog: Catalog,
  onStep?: (done: number, total: number) => void,
): Promise<SeedReport> => {
  const result = await seedDemoCatalog(deps, catalog, onStep);
  return { changed: changedAnything(result), ...result, catalog: catalogCounts(catalog), counts: await deps.store.countByKind(), signing_key: deps.signer.keyId };
};
