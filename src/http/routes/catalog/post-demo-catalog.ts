import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import type { ApiDeps } from '../../deps.ts';
import { errorResponses } from '../../schemas/common.ts';
import { optionalBody } from '../../validation.ts';

const PerKind = Type.Object(
  { Industry: Type.Integer(), Skill: Type.Integer(), JobRole: Type.Integer(), Team: Type.Integer(), Agent: Type.Integer() },
  { additionalProperties: false },
);

const SeedReport = Type.Object({
  changed: Type.Boolean({ description: 'false when the catalog was already loaded and nothing was written' }),
  created: PerKind,
  certified: Type.Integer({ description: 'skills and roles this run certified' }),
  existing: Type.Integer({ description: 'catalog records that were already there (found by kind and name)' }),
  total: Type.Integer({ description: 'steps of the run: one per record and one per certification' }),
  catalog: PerKind,
  counts: Type.Record(Type.String(), Type.Integer(), { description: 'what the database holds after the run, per kind' }),
  signing_key: Type.String({ description: 'the key id every record this run created is signed with' }),
});

export const registerPostDemoCatalog = (app: FastifyInstance, deps: Pick<ApiDeps, 'seedDemoCatalog'>): void => {
  app.post(
    '/api/v1/demo-catalog',
    {
      config: { access: ['admin'] },
      schema: {
        tags: ['status'],
        summary: 'Load the demo catalog (what `plant seed` does): idempotent, every record validated, signed and chained',
        description: 'Records that exist (by kind and name) are reused and a skill or role left uncertified is certified, so a second call writes nothing.',
        body: optionalBody(Type.Object({}, { additionalProperties: false })),
        response: { 200: SeedReport, ...errorResponses(401, 403, 422) },
      },
    },
    () => deps.seedDemoCatalog(),
  );
};
