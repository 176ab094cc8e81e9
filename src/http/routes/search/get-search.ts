import type { FastifyInstance } from 'fastify';
import { Type, type Static } from 'typebox';
import { search, searchStatuses } from '../../../core/use-cases/search.ts';
import type { ApiDeps } from '../../deps.ts';
import { errorResponses, StatusEnum, Uuid } from '../../schemas/common.ts';
import { SEARCHABLE_KINDS } from '../../../core/entity.ts';
import { searchView } from '../../../presentation.ts';

const Kind = Type.Union([Type.Literal('Skill'), Type.Literal('JobRole'), Type.Literal('Industry'), Type.Literal('Agent')]);
const Query = Type.Object(
  {
    q: Type.String({ minLength: 1, maxLength: 500, description: 'What you are looking for, in your own words' }),
    kind: Type.Optional(Kind),
    status: Type.Optional(Type.Union([StatusEnum, Type.Literal('any')], { description: "Default active; 'any' = every status but deleted" })),
    industry_id: Type.Optional(Uuid),
    certified_only: Type.Optional(Type.Boolean({ description: 'Only certified skills and job roles, and agents whose skill and role are both certified' })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 10 })),
  },
  { additionalProperties: false },
);

const Hit = Type.Object({
  kind: Kind,
  id: Type.String(),
  name: Type.String(),
  status: Type.String(),
  certified: Type.Boolean(),
  industry_id: Type.Union([Type.String(), Type.Null()]),
  scores: Type.Object({
    fused: Type.Number({ description: 'Reciprocal-rank fusion of the two rankings (higher is better)' }),
    vector: Type.Union([Type.Number(), Type.Null()], { description: 'Cosine similarity to the query, if found by meaning' }),
    vector_rank: Type.Union([Type.Integer(), Type.Null()]),
    text: Type.Union([Type.Number(), Type.Null()], { description: 'PostgreSQL ts_rank (normalized to 0..1), if found by text' }),
    text_rank: Type.Union([Type.Integer(), Type.Null()]),
  }),
  why: Type.Array(Type.String()),
});

const SearchResponse = Type.Object({
  query: Type.String(),
  mode: Type.Union([Type.Literal('hybrid'), Type.Literal('text')]),
  degraded: Type.Optional(Type.String()),
  model: Type.String(),
  hits: Type.Array(Hit),
});

export const registerSearch = (app: FastifyInstance, deps: Pick<ApiDeps, 'embeddings'>): void => {
  app.get(
    '/api/v1/search',
    {
      config: { access: 'read' },
      schema: {
        tags: ['search'],
        summary: 'Find skills, job roles, industries and agents by meaning and by text',
        description:
          'Hybrid ranking: nearest embeddings (pgvector, cosine) and PostgreSQL full-text rank, fused by reciprocal rank. ' +
          'Entities not embedded yet are found by text; if the embedding service is down the search answers by text alone (mode "text").',
        querystring: Query,
        response: { 200: SearchResponse, ...errorResponses(401, 403, 422) },
      },
    },
    async (request) => {
      const q = request.query as Static<typeof Query>;
      const result = await search(
        { index: deps.embeddings.index, embedder: deps.embeddings.embedder },
        q.q,
        { kinds: q.kind === undefined ? SEARCHABLE_KINDS : [q.kind], statuses: searchStatuses(q.status), industryId: q.industry_id, certifiedOnly: q.certified_only ?? false },
        q.limit ?? 10,
      );
      return searchView(q.q, result);
    },
  );
};
