import type { FastifyInstance } from 'fastify';
import { Type, type Static } from 'typebox';
import { ENTITY_KINDS } from '../../../core/entity.ts';
import { buildExportBundle, checkExportScope } from '../../../core/use-cases/export-bundle.ts';
import { runAudit } from '../../../core/use-cases/audit.ts';
import { actorOf } from '../../auth/guard.ts';
import type { ApiDeps } from '../../deps.ts';
import { errorResponses } from '../../schemas/common.ts';
import { auditCsv } from '../../../presentation.ts';

const Query = Type.Object(
  {
    entity_type: Type.Optional(Type.Union(ENTITY_KINDS.map((k) => Type.Literal(k)))),
    entity_id: Type.Optional(Type.Array(Type.String({ format: 'uuid' }), { minItems: 1, maxItems: 1000, description: 'Only these entities: a partial bundle (repeat the parameter)' })),
    format: Type.Optional(Type.Union([Type.Literal('json'), Type.Literal('csv')], { default: 'json' })),
  },
  { additionalProperties: false },
);

export const registerExport = (app: FastifyInstance, deps: Pick<ApiDeps, 'audit' | 'keys' | 'log'>): void => {
  app.get(
    '/api/v1/audit/export',
    {
      config: { access: ['auditor'], writes: true },
      schema: {
        tags: ['audit'],
        summary: 'Export the registry with its amendments, signatures and public keys (JSON bundle), or the audit report as CSV',
        querystring: Query,
        response: { 200: Type.Unknown({ description: 'JSON bundle (format plant.export/v1, see docs/bundle-format.md) or text/csv' }), ...errorResponses(401, 403, 404, 409, 422) },
      },
    },
    async (request, reply) => {
      const q = request.query as Static<typeof Query>;
      const scope = { kind: q.entity_type, entityIds: q.entity_id };
      checkExportScope(scope);
      if (q.format === 'csv') {
        const report = await runAudit(deps.audit, actorOf(request), scope);
        return reply.type('text/csv; charset=utf-8').header('content-disposition', 'attachment; filename="plant-audit.csv"').send(auditCsv(report.entities));
      }
      const { bundle } = await buildExportBundle({ ...deps.audit, keys: deps.keys, log: deps.log }, actorOf(request), scope);
      return reply.type('application/json').send(bundle);
    },
  );
};
