import { describe, expect, it } from 'vitest';
import { diffContent } from '../../web/src/diff.ts';

describe("the console's content diff", () => {
  it('names every added, removed and changed leaf by path, sorted', () => {
    const before = { name: 'A', tags: ['x', 'y'], certification: { certified: false, by: null }, custom: {} };
    const after = { name: 'B', tags: ['x'], certification: { certified: true, by: 'alice' }, custom: { k: 1 }, extra: [] };
    expect(diffContent(before, after)).toEqual([
      { path: 'certification/by', kind: 'changed', before: 'null', after: '"alice"' },
      { path: 'certification/certified', kind: 'changed', before: 'false', after: 'true' },
      { path: 'custom', kind: 'removed', before: '{}' },
      { path: 'custom/k', kind: 'added', after: '1' },
      { path: 'extra', kind: 'added', after: '[]' },
      { path: 'name', kind: 'changed', before: '"A"', after: '"B"' },
      { path: 'tags/1', kind: 'removed', before: '"y"' },
    ]);
  });

  it('is empty for equal content and treats a missing version as empty', () => {
    expect(diffContent({ a: [1, { b: 2 }] }, { a: [1, { b: 2 }] })).toEqual([]);
    expect(diffContent(null, { a: 1 })).toEqual([{ path: '', kind: 'removed', before: 'null' }, { path: 'a', kind: 'added', after: '1' }]);
  });
});
