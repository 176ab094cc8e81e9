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

/** Above this many expected matches a word is common (see `matching`). */
export const COMMON_WORD_MATCHES = 2000;

export class PgSearchIndex implements SearchIndex {
  constructor(
    private readonly db: SqlPool,
    private readonly commonWordMatches = COMMON_WORD_MATCHES,
  ) {}

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

  /**
   * Rare words first, common words fill: a word the statistics expect in more than
   * `commonWordMatches` documents ("skill" in a catalog of skills) would make every search rank
   * that many rows. So the rarer words choose the candidates, ranked by the whole query, and only
   * if they leave places free do the common words fill them, ranked among at most
   * `commonWordMatches` of their documents. ts_rank knows nothing of how rare a word is, so a
   * document matching a rare word before one matching only common words is also the better order.
   * Until ANALYZE has seen the table no word is common, which is the plain OR-ed search.
   */
  async matching(query: string, filter: SearchFilter, limit: number): Promise<TextCandidate[]> {
    const words = queryWords(query);
    if (words.length === 0) return [];
    const expected = await this.expectedMatches(words);
    // Words without a lexeme (stop words) are left out: they match nothing.
    const rare = words.filter((word) => (expected.get(word) ?? Infinity) <= this.commonWordMatches);
    const common = words.filter((word) => (expected.get(word) ?? 0) > this.commonWordMatches);
    const found = rare.length === 0 ? [] : await this.ranked(words, filter, limit, { match: rare });
    if (found.length >= limit || common.length === 0) return found;
    const fill = await this.ranked(words, filter, limit - found.length, { match: common, except: rare, candidates: this.commonWordMatches });
    return [...found, ...fill];
  }

  /** How many documents the planner's statistics expect each word (by its lexeme) to match. */
  private async expectedMatches(words: string[]): Promise<Map<string, number>> {
    const { rows } = await this.db.query<{ word: string; expected: number }>(
      `SELECT u.word, coalesce(max(s.freq), 0) * max(greatest(c.reltuples, 0)) AS expected
         FROM unnest($1::text[]) AS u(word)
        CROSS JOIN LATERAL unnest(tsvector_to_array(to_tsvector('english', u.word))) AS l(lexeme)
        CROSS JOIN (SELECT reltuples FROM pg_class WHERE oid = 'search_documents'::regclass) AS c
         LEFT JOIN (SELECT e.lexeme, e.freq
                      FROM pg_stats AS st, unnest(st.most_common_elems::text::text[], st.most_common_elem_freqs) AS e(lexeme, freq)
                     WHERE st.tablename = 'search_documents' AND st.attname = 'tsv'
                       AND st.schemaname = (SELECT relnamespace::regnamespace::text FROM pg_class WHERE oid = 'search_documents'::regclass)) AS s
                ON s.lexeme = l.lexeme
        GROUP BY u.word`,
      [words],
    );
    return new Map(rows.map((r) => [r.word, r.expected]));
  }

  /**
   * Documents matching any of `pass.match` (and none of `pass.except`), ranked by all `words`;
   * with `pass.candidates`, ranked among only that many of them.
   */
  private async ranked(
    words: string[],
    filter: SearchFilter,
    limit: number,
    pass: { match: string[]; except?: string[]; candidates?: number },
  ): Promise<TextCandidate[]> {
    const w = where(filter, 4);
    const params: unknown[] = [words.join(' or '), limit, words, pass.match.join(' or '), ...w.params];
    const except = pass.except?.length ? `AND NOT tsv @@ websearch_to_tsquery('english', $${params.push(pass.except.join(' or '))})` : '';
    const cap = pass.candidates === undefined ? '' : `LIMIT $${params.push(pass.candidates)}`;
    // Ranked first, explained after: only the kept rows pay for finding which words matched.
    const { rows } = await this.db.query<Row & { rank: number; terms: string[] | null }>(
      `SELECT m.entity_id, m.entity_type, m.name, m.status, m.certified, m.industry_id, m.rank, ARRAY(SELECT u.word FROM unnest($3::text[]) WITH ORDINALITY AS u(word, n)
                          WHERE tsvector_to_array(to_tsvector('english', u.word)) && tsvector_to_array(m.tsv) ORDER BY u.n) AS terms
         FROM (SELECT c.*, ts_rank(c.tsv, websearch_to_tsquery('english', $1), 32) AS rank
                 FROM (SELECT entity_id, entity_type, name, status, certified, industry_id, tsv
                         FROM search_documents
                        WHERE tsv @@ websearch_to_tsquery('english', $4) ${except} AND ${w.sql}
                        ${cap}) AS c
                ORDER BY rank DESC, c.entity_id
                LIMIT $2) AS m
        ORDER BY m.rank DESC, m.entity_id`,
      params,
    );
    return rows.map((r) => ({ ...candidate(r), textRank: r.rank, terms: r.terms ?? [] }));
  }
}
