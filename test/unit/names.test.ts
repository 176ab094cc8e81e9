import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { PlantError } from '../../src/core/errors.ts';
import { nameSkeleton, normalizeName } from '../../src/core/names.ts';

const refusal = (raw: string): string => {
  try {
    normalizeName(raw);
  } catch (error) {
    if (error instanceof PlantError) return `${error.code} ${error.errors?.[0]?.field ?? ''}: ${error.message}`;
    throw error;
  }
  return 'accepted';
};

describe('names', () => {
  it('normalises to NFKC, trimmed, with single spaces', () => {
    expect(normalizeName('  Probe   Skill ')).toBe('Probe Skill');
    expect(normalizeName('\uff30\uff52\uff4f\uff42\uff45 Skill')).toBe('Probe Skill');
    expect(normalizeName('Probe\u00a0\u3000Skill')).toBe('Probe Skill');
    expect(normalizeName('Cafe\u0301')).toBe('Caf\u00e9');
    expect(normalizeName('Caf\u00e9 Cr\u00e8me')).toBe('Caf\u00e9 Cr\u00e8me');
  });

  it.each([
    ['zero-width space', 'Probe\u200bSkill', 'U+200B'],
    ['zero-width joiner', 'Probe\u200dSkill', 'U+200D'],
    ['right-to-left override', 'Probe \u202eSkill', 'U+202E'],
    ['left-to-right isolate', '\u2066Probe Skill', 'U+2066'],
    ['soft hyphen', 'Pro\u00adbe', 'U+00AD'],
    ['byte order mark', '\ufeffProbe', 'U+FEFF'],
    ['tab', 'Probe\tSkill', 'U+0009'],
    ['line separator', 'Probe\u2028Skill', 'U+2028'],
    ['private use', 'Probe \ue000', 'U+E000'],
  ])('refuses a %s with a 422 naming it', (_what, raw, cp) => {
    expect(refusal(raw)).toBe(`VALIDATION_ERROR body/name: name contains an invisible or control character (${cp})`);
  });

  it('gives look-alikes one skeleton and different names different ones', () => {
    const probe = nameSkeleton('Probe Skill');
    for (const alike of ['\u03a1robe Skill', 'Probe \u0405kill', 'Pr\u043ebe Skill', '\uff30robe Skill', 'PROBE SKILL', 'probe skill']) {
      expect(nameSkeleton(alike), alike).toBe(probe);
    }
    expect(nameSkeleton('modern')).toBe(nameSkeleton('rnodern'));
    expect(nameSkeleton('Probe Skills')).not.toBe(probe);
    expect(nameSkeleton('Data Analysis')).not.toBe(nameSkeleton('Data Analytics'));
  });

  it("the database's confusables table (migration 0009) is the one the core uses", () => {
    const require = createRequire(import.meta.url);
    const shipped = JSON.parse(readFileSync(require.resolve('unhomoglyph/data.json'), 'utf8')) as Record<string, string>;
    const sql = readFileSync(new URL('../../migrations/0009_name_skeletons.sql', import.meta.url), 'utf8');
    const embedded = /\$confusables\$(.*)\$confusables\$/s.exec(sql)?.[1];
    expect(embedded).toBeDefined();
    expect(JSON.parse(embedded ?? '{}')).toEqual(shipped);
  });
});
