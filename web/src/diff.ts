/** One difference between two versions of an entity's content, at a path like `required_skills/1`. */
export interface Change {
  path: string;
  kind: 'added' | 'removed' | 'changed';
  before?: string;
  after?: string;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Leaves of a JSON value by path; an empty object or array is a leaf of its own. */
const leaves = (value: unknown, path: string, out: Map<string, string>): Map<string, string> => {
  if (Array.isArray(value) && value.length > 0) value.forEach((v, i) => leaves(v, path === '' ? String(i) : `${path}/${i}`, out));
  else if (isObject(value) && Object.keys(value).length > 0) {
    for (const [k, v] of Object.entries(value)) leaves(v, path === '' ? k : `${path}/${k}`, out);
  } else out.set(path, JSON.stringify(value));
  return out;
};

/** What changed from `before` to `after`, sorted by path. */
export const diffContent = (before: unknown, after: unknown): Change[] => {
  const a = leaves(before, '', new Map());
  const b = leaves(after, '', new Map());
  const changes: Change[] = [];
  for (const [path, value] of a) {
    const next = b.get(path);
    if (next === undefined) changes.push({ path, kind: 'removed', before: value });
    else if (next !== value) changes.push({ path, kind: 'changed', before: value, after: next });
  }
  for (const [path, value] of b) if (!a.has(path)) changes.push({ path, kind: 'added', after: value });
  return changes.sort((x, y) => (x.path < y.path ? -1 : x.path > y.path ? 1 : 0));
};
