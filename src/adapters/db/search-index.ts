import type { Vector } from '../../core/embeddings/vector.ts';
import { toVectorLiteral } from '../../core/embeddings/vector.ts';
import { SESSION_SETTINGS, type SqlPool } from './sql.ts';
import type { SearchFilter, VectorCandidate, TextCandidate, SearchIndex } from '../../core/ports/embeddings.ts';

interface Row {
  entity_id: string;
  entity_type: VectorCandidate['entityType'];
  name: string;
  status: VectorCandidate['status'];
  certified: boolean;
  industry_id: string | null;
}

const candidate = (r: Row): Omit<VectorCandidate, 'similarity'> => ({
  entityId: r.entity_id,
  entityType: r.entity_type,
  name: r.name,
  status: r.status,
  certified: r.certified,
  industryId: r.industry_id,
});

/** WHERE clauses for the filter, numbering parameters after `offset`. */
const where = (filter: SearchFilter, offset: number): { sql: string; params: unknown[] } => {
  const params: unknown[] = [filter.kinds, filter.statuses];
  const clauses = [`entity_type = ANY($${offset + 1}::text[])`, `status = ANY($${offset + 2}::text[])`];
  if (filter.industryId !== undefined) {
    params.push(filter.industryId);
    clauses.push(`industry_id = $${offset + params.length}`);
  }
  if (filter.certifiedOnly) clauses.push('certified');
  return { sql: clauses.join(' AND '), params };
};

/**
 * The query's words, to be joined with OR for websearch_to_tsquery: a customer's sentence rarely
 * contains every word of a description, so any word may match and ts_rank orders by how many,
 * how often and where (the name weighs more). ts_rank_cd's proximity measure cost 3x as much at
 * 100k documents and means little for OR-ed words. Only letters and digits pass, so no query can
 * be a tsquery syntax error.
 */
export const queryWords = (q: string): string[] => [...new Set((q.match(/[\p{L}\p{N}]+/gu) ?? []).filter((w) => w.toLowerCase() !== 'or'))].slice(0, 32);

/** The session's hnsw.ef_search (SESSION_SETTINGS; pgvector's default is 40). */
export const EF_SEARCH = Number(SESSION_SETTINGS['hnsw.ef_search']);

export class PgSearchIndex implements SearchIndex {
  constructor(private readonly db: SqlPool) {}

  async nearest(vector: Vector, model: string, filter: SearchFilter, limit: number): Promise<VectorCandidate[]> {
    const w = where(filter, 3);
    // Filters apply after the index scan; the session's iterative scan keeps going until enough
    // rows pass (SESSION_SETTINGS). Longer lists than its ef_search raise it for this query only.
    const sql = `SELECT entity_id, entity_type, name, status, certified, industry_id, embedding <=> $1::vector AS distance
                   FROM search_documents
                  WHERE embedding IS NOT NULL AND embedding_model = $3 AND ${w.sql}
                  ORDER BY embedding <=> $1::vector
                  LIMIT $2`;
    const params = [toVectorLiteral(vector), limit, model, ...w.params];
    const { rows } =
      limit <= EF_SEARCH
        ? await this.db.query<Row & { distance: number }>(sql, params)
        : await this.db.transaction(async (tx) => {
            await tx.query("SELECT set_config('hnsw.ef_search', $1, true)", [String(limit)]);
            return tx.query<Row & { distance: number }>(sql, params);
          });
    return rows.map((r) => ({ ...candidate(r), similarity: 1 - r.distance }));
  }

  async matching(query: string, filter: SearchFilter, limit: number): Promise<TextCandidate[]> {
    const words = queryWords(query);
    if (words.length === 0) return [];
    const w = where(filter, 3);
    // Ranked first, explained after: only the kept rows pay for finding which words matched.
    const { rows } = await this.db.query<Row & { rank: number; terms: string[] | null }>(
      `SELECT m.entity_id, m.entity_type, m.name, m.status, m.certified, m.industry_id, m.rank, ARRAY(SELECT u.word FROM unnest($3::text[]) WITH ORDINALITY AS u(word, n)
                          WHERE tsvector_to_array(to_tsvector('english', u.word)) && tsvector_to_array(m.tsv) ORDER BY u.n) AS terms
         FROM (SELECT entity_id, entity_type, name, status, certified, industry_id, tsv, ts_rank(tsv, q, 32) AS rank
                 FROM search_documents, websearch_to_tsquery('english', $1) AS q
                WHERE tsv @@ q AND ${w.sql}
                ORDER BY rank DESC, entity_id
                LIMIT $2) AS m
        ORDER BY m.rank DESC, m.entity_id`,
      [words.join(' or '), limit, words, ...w.params],
    );
    return rows.map((r) => ({ ...candidate(r), textRank: r.rank, terms: r.terms ?? [] }));
  }
}
