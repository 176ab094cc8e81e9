import { describe, expect, it } from 'vitest';
import {
  uncertified,
  type AgentContent,
  type EntityRecord,
  type JobRoleContent,
  type SkillContent,
  type TeamContent,
  type IndustryContent,
  type EntityKind,
  type AnyContent,
} from '../../src/core/entity.ts';
import { validateEntity, type L0Facts, type RefLookup } from '../../src/core/rules/index.ts';
import { commonContent } from '../../src/core/use-cases/common-fields.ts';

const OK_L0: L0Facts = { governanceAgentId: 'genesis', history: true, appendOnly: true, chain: true, exportable: true };
const none: RefLookup = () => undefined;

const skillContent = (over: Partial<SkillContent> = {}): SkillContent => ({
  ...commonContent('SEO', {}),
  description: 'Search engine optimisation',
  category: 'technical',
  certification: uncertified(),
  ...over,
});

const record = <K extends EntityKind>(id: string, kind: K, content: AnyContent): EntityRecord<K> =>
  ({
    id, entity_type: kind, version: 1, version_hash: 'h', hash_chain_head: 'h', amendment_count: 1, created_at: '', updated_at: '',
    deleted_at: null, l0_compliance_status: {}, l1_compliance_status: {}, drift_detector: {}, tamper_proof: true, content,
  }) as EntityRecord<K>;

const certifiedSkill = (id: string, over: Partial<SkillContent> = {}): EntityRecord =>
  record(id, 'Skill', skillContent({ certification: { ...uncertified(), certified: true }, ...over }));

const messages = (kind: EntityKind, content: AnyContent, opts: { l0?: L0Facts; refs?: RefLookup; previous?: AnyContent } = {}): string[] =>
  validateEntity({ kind, content, previous: opts.previous ?? null, l0: opts.l0 ?? OK_L0, refs: opts.refs ?? none, graph: true }).violations.map(
    (v) => v.message,
  );

describe('L0 rules', () => {
  it('pass when every fact holds', () => {
    expect(messages('Skill', skillContent())).toEqual([]);
  });

  it.each([
    ['L0-01', { governanceAgentId: '' }, 'L0-01: governance_agent_id missing'],
    ['L0-01', { governanceAgentId: null }, 'L0-01: governance_agent_id missing'],
    ['L0-02', { history: 'gap at v3' }, 'L0-02: amendment_history not tracked (gap at v3)'],
    ['L0-03', { appendOnly: 'hash mismatch at 1' }, 'L0-03: append-only not enforced (hash mismatch at 1)'],
    ['L0-04', { chain: 'no amendments recorded' }, 'L0-04: hash_chain_sha256 not initialized (no amendments recorded)'],
    ['L0-05', { exportable: 'unknown key' }, 'L0-05: version_hash not set (unknown key)'],
  ] as const)('%s fails with its seed string', (code, facts, text) => {
    const result = validateEntity({ kind: 'Industry', content: { ...commonContent('Retail', {}), description: 'x' }, previous: null, refs: none, graph: true, l0: { ...OK_L0, ...facts } });
    expect(result.violations).toEqual([{ code, message: text }]);
    expect(result.l0[code.toLowerCase().replace('-', '_')]).toBe(false);
  });
});

describe('L1 intrinsic rules (seed codes and strings)', () => {
  it.each([
    ['name', { name: '  ' }, 'L1-SKILL-01: name is required and cannot be empty'],
    ['description', { description: '' }, 'L1-SKILL-02: description is required'],
    ['category', { category: 'marketing' }, "L1-SKILL-03: category must be one of ['technical', 'soft_skill', 'domain_expertise', 'certification']"],
  ])('Skill %s', (_field, over, text) => {
    expect(messages('Skill', skillContent(over))).toEqual([text]);
  });

  it.each(['technical', 'soft_skill', 'domain_expertise', 'certification'])('accepts skill category %s', (category) => {
    expect(messages('Skill', skillContent({ category }))).toEqual([]);
  });

  const role = (over: Partial<JobRoleContent> = {}): JobRoleContent => ({
    ...commonContent('SDR', {}),
    description: 'd',
    required_skills: ['s1'],
    seniority_level: 'mid',
    industry_id: null,
    certification: uncertified(),
    ...over,
  });
  const skills: RefLookup = (id) => (id === 's1' || id === 's2' ? certifiedSkill(id) : undefined);

  it.each([
    [{ required_skills: [] }, 'L1-JOBROLE-01: required_skills cannot be empty'],
    [{ seniority_level: 'principal' }, "L1-JOBROLE-02: seniority_level must be one of ['junior', 'mid', 'senior']"],
    [{ name: '' }, 'L1-JOBROLE-03: name is required'],
  ])('JobRole %j', (over, text) => {
    expect(messages('JobRole', role(over), { refs: skills })).toEqual([text]);
  });

  it.each(['junior', 'mid', 'senior'])('accepts seniority %s', (seniority_level) => {
    expect(messages('JobRole', role({ seniority_level }), { refs: skills })).toEqual([]);
  });

  it('JobRole rules come in the seed order', () => {
    expect(messages('JobRole', role({ required_skills: [], seniority_level: 'x', name: '' })).map((m) => m.slice(0, 13))).toEqual([
      'L1-JOBROLE-01',
      'L1-JOBROLE-02',
      'L1-JOBROLE-03',
    ]);
  });

  const agent = (over: Partial<AgentContent> = {}): AgentContent => ({
    ...commonContent('Ava Flux', {}),
    skill_id: 's1',
    job_role_id: 'r1',
    industry_id: 'i1',
    team_id: null,
    ...over,
  });

  it.each([
    [{ skill_id: '' }, 'L1-AGENT-01: skill_id must be set'],
    [{ job_role_id: '' }, 'L1-AGENT-02: job_role_id must be set'],
    [{ industry_id: '' }, 'L1-AGENT-03: industry_id must be set'],
  ])('Agent %j', (over, text) => {
    const result = validateEntity({ kind: 'Agent', content: agent(over), previous: null, l0: OK_L0, refs: none, graph: false });
    expect(result.violations.map((v) => v.message)).toEqual([text]);
  });

  it('Team needs agents and a job role', () => {
    const team: TeamContent = { ...commonContent('Team 1', {}), description: 'd', job_role_id: '', industry_id: null, agents: [] };
    expect(validateEntity({ kind: 'Team', content: team, previous: null, l0: OK_L0, refs: none, graph: false }).violations.map((v) => v.message)).toEqual([
      'L1-TEAM-01: team must have at least one agent',
      'L1-TEAM-02: job_role_id must be set',
    ]);
  });

  it('Industry needs a name', () => {
    const content: IndustryContent = { ...commonContent(' ', {}), description: '' };
    expect(messages('Industry', content)).toEqual(['L1-INDUSTRY-01: name is required']);
    expect(messages('Industry', { ...content, name: 'Retail' })).toEqual([]);
  });
});

describe('graph rules', () => {
  const role = (over: Partial<JobRoleContent> = {}): JobRoleContent => ({
    ...commonContent('SDR', {}),
    description: 'd',
    required_skills: ['s1'],
    seniority_level: 'mid',
    industry_id: 'i1',
    certification: { ...uncertified(), certified: true },
    ...over,
  });

  it('L1-JOBROLE-04: skills must exist, be certified, and not repeat', () => {
    const refs: RefLookup = (id) =>
      id === 's1' ? certifiedSkill('s1') : id === 's2' ? record('s2', 'Skill', skillContent()) : id === 's3' ? certifiedSkill('s3', { status: 'deleted' }) : undefined;
    expect(messages('JobRole', role({ required_skills: ['s1', 's2', 's1', 's3', 'nope'] }), { refs })).toEqual([
      'L1-JOBROLE-04: required skill s2 is not certified',
      'L1-JOBROLE-04: required skill s1 is listed more than once',
      'L1-JOBROLE-04: required skill s3 is deleted',
      'L1-JOBROLE-04: required skill nope does not exist',
    ]);
    expect(messages('JobRole', role(), { refs })).toEqual([]);
  });

  const agent = (over: Partial<AgentContent> = {}): AgentContent => ({
    ...commonContent('Ava Flux', {}),
    skill_id: 's1',
    job_role_id: 'r1',
    industry_id: 'i1',
    team_id: null,
    ...over,
  });
  const world = (roleOver: Partial<JobRoleContent> = {}, skillOver: Partial<SkillContent> = {}): RefLookup => (id) =>
    id === 'r1' ? record('r1', 'JobRole', role(roleOver)) : id === 's1' || id === 's9' ? certifiedSkill(id, skillOver) : undefined;

  it('a consistent agent passes every graph rule', () => {
    expect(messages('Agent', agent(), { refs: world() })).toEqual([]);
  });

  it("L1-AGENT-04: the skill must be one of the role's", () => {
    expect(messages('Agent', agent({ skill_id: 's9' }), { refs: world() })).toEqual([
      "L1-AGENT-04: skill s9 is not one of job role r1's required skills",
    ]);
  });

  it("L1-AGENT-05: the industry must match the role's when it has one", () => {
    expect(messages('Agent', agent({ industry_id: 'i2' }), { refs: world() })).toEqual([
      "L1-AGENT-05: industry_id i2 does not match the job role's industry i1",
    ]);
    expect(messages('Agent', agent({ industry_id: 'i2' }), { refs: world({ industry_id: null }) })).toEqual([]);
  });

  it('L1-AGENT-06: role and skill must be certified', () => {
    expect(messages('Agent', agent(), { refs: world({ certification: uncertified() }) })).toEqual([
      'L1-AGENT-06: job role r1 is not certified',
    ]);
    expect(messages('Agent', agent(), { refs: world({}, { certification: uncertified() }) })).toEqual([
      'L1-AGENT-06: skill s1 is not certified',
    ]);
  });

  it('L1-AGENT-07: the industry is locked at birth', () => {
    expect(messages('Agent', agent({ industry_id: 'i2' }), { refs: world({ industry_id: null }), previous: agent() })).toEqual([
      'L1-AGENT-07: industry_id is locked at birth (i1) and cannot change to i2',
    ]);
  });

  it('L1-TEAM-03: members exist, are active and hold the role', () => {
    const team: TeamContent = { ...commonContent('Team 1', {}), description: 'd', job_role_id: 'r1', industry_id: null, agents: ['a1', 'a2', 'a3', 'a4', 'a5'] };
    const refs: RefLookup = (id) =>
      id === 'a1' ? record('a1', 'Agent', agent()) :
      id === 'a5' ? record('a5', 'Agent', agent({ status: 'deleted' })) :
      id === 'a2' ? record('a2', 'Agent', agent({ status: 'archived' })) :
      id === 'a3' ? record('a3', 'Agent', agent({ job_role_id: 'r2' })) : undefined;
    expect(messages('Team', team, { refs })).toEqual([
      'L1-TEAM-03: agent a2 is not active',
      "L1-TEAM-03: agent a3 does not hold the team's job role r1",
      'L1-TEAM-03: agent a4 does not exist',
      'L1-TEAM-03: agent a5 is deleted',
    ]);
  });

  it('lifecycle writes report relational failures in the map without enforcing them', () => {
    const result = validateEntity({ kind: 'Agent', content: agent(), previous: null, l0: OK_L0, refs: world({ certification: uncertified() }), graph: false });
    expect(result.compliant).toBe(true);
    expect(result.l1.l1_agent_06).toBe(false);
    expect(result.l1.l1_agent_04).toBe(true);
  });
});
