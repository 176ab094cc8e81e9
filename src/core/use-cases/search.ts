import { STATUSES, type Status } from '../entity.ts';
import { fuse } from '../embeddings/fusion.ts';
import type { Vector } from '../embeddings/vector.ts';
import type { Embedder, SearchFilter, Candidate, SearchIndex } from '../ports/embeddings.ts';


/** Search's status option: one status, 'any' (every one but deleted), or unset (active only). */
export const searchStatuses = (status: Status | 'any' | undefined): Status[] =>
  status === undefined ? ['active'] : status === 'any' ? STATUSES.filter((s) => s !== 'deleted') : [status];

export interface SearchHit extends Candidate {
  scores: { fused: number; vector: number | null; vector_rank: number | null; text: number | null; text_rank: number | null };
  why: string[];
}

export interface SearchResult {
  /** 'hybrid', or 'text' when the query could not be embedded (the reason is in `degraded`). */
  mode: 'hybrid' | 'text';
  degraded?: string;
  model: string;
  hits: SearchHit[];
}

/** Below this cosine a vector neighbour is noise, not a match; it is not offered at all. */
export const MIN_SIMILARITY = 0.1;

const fmt = (x: number): string => x.toFixed(2);

/**
 * Hybrid search: nearest neighbours by meaning and full-text matches, fused by reciprocal rank.
 * Entities not yet embedded are still found by text, and when the embedding service is down the
 * search degrades to text alone instead of failing.
 */
export const search = async (
  deps: { index: SearchIndex; embedder: Embedder },
  query: string,
  filter: SearchFilter,
  limit: number,
): Promise<SearchResult> => {
  const pool = Math.max(50, limit * 4);
  let vector: Vector | undefined;
  let degraded: string | undefined;
  try {
    [vector] = await deps.embedder.embed([query]);
  } catch (error) {
    degraded = `the query could not be embedded, so results are by text only: ${error instanceof Error ? error.message : String(error)}`;
  }
  const [near, text] = await Promise.all([
    vector === undefined ? Promise.resolve([]) : deps.index.nearest(vector, deps.embedder.model, filter, pool),
    deps.index.matching(query, filter, pool),
  ]);
  const byMeaning = near.filter((c) => c.similarity >= MIN_SIMILARITY).sort((a, b) => b.similarity - a.similarity);
  const vectorRank = new Map(byMeaning.map((c, i) => [c.entityId, { rank: i + 1, c }]));
  const textRank = new Map(text.map((c, i) => [c.entityId, { rank: i + 1, c }]));
  const fused = fuse([
    [...vectorRank].map(([id, v]) => ({ id, rank: v.rank })),
    [...textRank].map(([id, t]) => ({ id, rank: t.rank })),
  ]);
  const hits = [...fused]
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .slice(0, limit)
    .map(([id, score]): SearchHit => {
      const v = vectorRank.get(id);
      const t = textRank.get(id);
      const base = (v?.c ?? t?.c) as Candidate;
      const why: string[] = [];
      if (v !== undefined) why.push(`meaning: ${fmt(v.c.similarity)} cosine similarity to the query (#${v.rank} by meaning)`);
      if (t !== undefined) why.push(`text: matches ${t.c.terms.map((w) => `"${w}"`).join(', ') || 'the query'} (#${t.rank} by text rank)`);
      return {
        entityId: base.entityId,
        entityType: base.entityType,
        name: base.name,
        status: base.status,
        certified: base.certified,
        industryId: base.industryId,
        scores: {
          fused: score,
          vector: v?.c.similarity ?? null,
          vector_rank: v?.rank ?? null,
          text: t?.c.textRank ?? null,
          text_rank: t?.rank ?? null,
        },
        why,
      };
    });
  return { mode: vector === undefined ? 'text' : 'hybrid', ...(degraded === undefined ? {} : { degraded }), model: deps.embedder.model, hits };
};
