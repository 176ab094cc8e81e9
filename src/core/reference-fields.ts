import type { EntityKind } from './entity.ts';

/**
 * The one table of which content fields name other entities. Graph rules (what a write loads and
 * share-locks), reference checks (422 REFERENCE_NOT_FOUND), dependents (who is flagged for review
 * when an entity changes) and the SQL search trigger's dependents all follow it; a test checks the
 * trigger against it.
 */
export interface ReferenceField {
  /** The content member holding the id (or ids). */
  field: string;
  /** The kind every id in it must name. */
  target: EntityKind;
  /** An array of ids rather than one. */
  many: boolean;
  /** The L1 graph rules read the target's record. */
  rules: boolean;
  /** The holder depends on the target: a change to the target may flag the holder for review. */
  dependent: boolean;
}

const one = (field: string, target: EntityKind, flags: Partial<Pick<ReferenceField, 'rules' | 'dependent'>> = {}): ReferenceField => ({
  field,
  target,
  many: false,
  rules: flags.rules ?? true,
  dependent: flags.dependent ?? true,
});
const many = (field: string, target: EntityKind): ReferenceField => ({ field, target, many: true, rules: true, dependent: true });

export const REFERENCE_FIELDS: Readonly<Record<EntityKind, readonly ReferenceField[]>> = {
  Skill: [],
  Industry: [],
  // A role's industry is checked to exist but no rule reads it; the role still depends on it.
  JobRole: [many('required_skills', 'Skill'), one('industry_id', 'Industry', { rules: false })],
  // An agent's team is where it works, not what it is made of: no rule reads it, and a change to
  // the team never puts the agent under review (the team depends on its agents instead).
  Agent: [one('skill_id', 'Skill'), one('job_role_id', 'JobRole'), one('industry_id', 'Industry'), one('team_id', 'Team', { rules: false, dependent: false })],
  Team: [one('job_role_id', 'JobRole'), many('agents', 'Agent'), one('industry_id', 'Industry', { rules: false })],
};

/** One id a content field names, with the JSON-pointer-like path an error reports it at. */
export interface Reference {
  path: string;
  id: string;
  target: EntityKind;
  field: ReferenceField;
}

/**
 * The ids `content` (or a partial change of it) names through the kind's reference fields, in
 * table order; null and absent fields name nothing. `prefix` is prepended to each path.
 */
export const referencesOf = (kind: EntityKind, content: object, prefix = ''): Reference[] =>
  REFERENCE_FIELDS[kind].flatMap((field): Reference[] => {
    const value = (content as Readonly<Record<string, unknown>>)[field.field];
    if (field.many) {
      return Array.isArray(value) ? value.map((id, i) => ({ path: `${prefix}${field.field}/${i}`, id: String(id), target: field.target, field })) : [];
    }
    return typeof value === 'string' ? [{ path: `${prefix}${field.field}`, id: value, target: field.target, field }] : [];
  });

/** Kinds and fields by which an entity of `target` kind can be depended on. */
export const dependentFields = (): { kind: EntityKind; field: ReferenceField }[] =>
  (Object.entries(REFERENCE_FIELDS) as [EntityKind, readonly ReferenceField[]][]).flatMap(([kind, fields]) =>
    fields.filter((f) => f.dependent).map((field) => ({ kind, field })),
  );
