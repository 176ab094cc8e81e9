/**
 * Reciprocal-rank fusion (Cormack, Clarke & Büttcher, 2009): each list adds 1 / (k + rank) for
 * the items it ranks. Rank-based, so a cosine and a text rank need no common scale. k = 60 is the
 * paper's constant; it keeps one list's top hit from outweighing agreement between lists.
 */
export const RRF_K = 60;

export interface Ranked {
  id: string;
  /** 1-based. */
  rank: number;
}

export const fuse = (lists: readonly (readonly Ranked[])[], k = RRF_K): Map<string, number> => {
  const scores = new Map<string, number>();
  for (const list of lists) {
    for (const { id, rank } of list) scores.set(id, (scores.get(id) ?? 0) + 1 / (k + rank));
  }
  return scores;
};
