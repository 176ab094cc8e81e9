import type { FastifyInstance } from 'fastify';
import { Type, type Static } from 'typebox';
import { ENTITY_KINDS } from '../../../core/entity.ts';
import { runAudit, type EntityAudit } from '../../../core/use-cases/audit.ts';
import { actorOf } from '../../auth/guard.ts';
import type { ApiDeps } from '../../deps.ts';
import { errorResponses } from '../../schemas/common.ts';
import { toView } from '../../schemas/entity.ts';
import { reportView } from './report-schema.ts';

const Query = Type.Object(
  {
    entity_type: Type.Optional(Type.Union(ENTITY_KINDS.map((k) => Type.Literal(k)))),
    format: Type.Optional(Type.Union([Type.Literal('json'), Type.Literal('csv')], { default: 'json' })),
  },
  { additionalProperties: false },
);

export const EXPORT_FORMAT = 'plant.export/v1';

const csvCell = (value: unknown): string => {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  // Quote always; double embedded quotes; neutralise spreadsheet formulas.
  const safe = /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
  return `"${safe.replaceAll('"', '""')}"`;
};

const csv = (entities: readonly EntityAudit[]): string => {
  const header = ['entity_id', 'entity_type', 'name', 'version', 'compliant', 'l0_pass', 'l1_pass', 'chain_intact', 'amendment_alignment', 'violations'];
  const rows = entities.map((e) =>
    [e.entity_id, e.entity_type, e.name, e.version, e.compliant, e.l0_pass, e.l1_pass, e.chain.intact, e.amendment_alignment, e.violations.map((v) => v.message).join(' | ')]
      .map(csvCell)
      .join(','),
  );
  return `${[header.join(','), ...rows].join('\r\n')}\r\n`;
};

export const registerExport = (app: FastifyInstance, deps: Pick<ApiDeps, 'audit' | 'listKeys'>): void => {
  app.get(
    '/api/v1/audit/export',
    {
      config: { access: ['auditor'] },
      schema: {
        tags: ['audit'],
        summary: 'Export the registry with its amendments, signatures and public keys (JSON bundle), or the audit report as CSV',
        querystring: Query,
        response: { 200: Type.Unknown({ description: 'JSON bundle (format plant.export/v1) or text/csv' }), ...errorResponses(401, 403, 422) },
      },
    },
    async (request, reply) => {
      const q = request.query as Static<typeof Query>;
      const report = await runAudit(deps.audit, actorOf(request), { kind: q.entity_type });
      if (q.format === 'csv') {
        return reply.type('text/csv; charset=utf-8').header('content-disposition', 'attachment; filename="plant-audit.csv"').send(csv(report.entities));
      }
      const ids = report.entities.map((e) => e.entity_id);
      const [records, chains, keys] = await Promise.all([
        deps.audit.store.getEntities(ids),
        deps.audit.store.getAmendmentsFor(ids),
        deps.listKeys(),
      ]);
      return reply.type('application/json').send({
        format: EXPORT_FORMAT,
        exported_at: report.audited_at,
        exportable: true,
        report: reportView(report),
        public_keys: { keys: keys.map((k) => ({ ...k.jwk, created_at: k.createdAt, retired_at: k.retiredAt })) },
        entities: ids.flatMap((id) => {
          const record = records.get(id);
          return record === undefined ? [] : [{ ...toView(record), amendments: chains.get(id) ?? [] }];
        }),
        signature_status: report.entities.map((e) => ({
          entity_id: e.entity_id,
          has_signature: e.chain.amendment_count > 0,
          signature_verified: !e.chain.problems.some((p) => p.check === 'signature'),
        })),
      });
    },
  );
};
