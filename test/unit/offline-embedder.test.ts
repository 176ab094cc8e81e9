import { describe, expect, it } from 'vitest';
import { embedOffline, stem, tokens } from '../../src/core/embeddings/offline-embedder.ts';
import { cosine, EMBEDDING_DIMENSIONS } from '../../src/core/embeddings/vector.ts';

describe('the offline embedder', () => {
  it('is deterministic, 384-dimensional and unit length', () => {
    const a = embedOffline('Runs Instagram ads for small businesses');
    expect(a).toHaveLength(EMBEDDING_DIMENSIONS);
    expect(embedOffline('Runs Instagram ads for small businesses')).toEqual(a);
    expect(Math.hypot(...a)).toBeCloseTo(1, 10);
  });

  it('answers a zero vector for text with no words (cosine 0 with anything)', () => {
    const empty = embedOffline(' !? ');
    expect(empty.every((x) => x === 0)).toBe(true);
    expect(cosine(empty, embedOffline('maths'))).toBe(0);
  });

  it('folds plurals and verb forms, drops stopwords', () => {
    expect(stem('tutoring')).toBe('tutor');
    expect(stem('campaigns')).toBe('campaign');
    expect(stem('studies')).toBe('study');
    expect(tokens('Someone to help with the homework')).toEqual(['homework']);
  });

  it('puts related everyday words nearer than unrelated ones', () => {
    const kid = embedOffline('tutor for my kid');
    expect(cosine(kid, embedOffline('teaches school students'))).toBeGreaterThan(cosine(kid, embedOffline('closes B2B deals')));
    const ads = embedOffline('run our ads');
    expect(cosine(ads, embedOffline('PPC advertising campaigns'))).toBeGreaterThan(cosine(ads, embedOffline('algebra practice')));
    // The lexicon: "kid" and "student" share a concept though not a letter.
    expect(cosine(embedOffline('kid'), embedOffline('student'))).toBeGreaterThan(0.3);
  });
});
