import type { FastifyInstance } from 'fastify';
import { Type, type Static } from 'typebox';
import { ENTITY_KINDS } from '../../../core/entity.ts';
import { DomainError } from '../../../core/errors.ts';
import { runAudit } from '../../../core/use-cases/audit.ts';
import { actorOf } from '../../auth/guard.ts';
import type { ApiDeps } from '../../deps.ts';
import { errorResponses, Uuid } from '../../schemas/common.ts';
import { optionalBody } from '../../validation.ts';
import { reportView } from '../../../presentation.ts';

const Kind = Type.Union(ENTITY_KINDS.map((k) => Type.Literal(k)));
const Scope = Type.Object({ entity_type: Type.Optional(Kind), entity_id: Type.Optional(Uuid) }, { additionalProperties: false });

export const registerRunAudit = (app: FastifyInstance, deps: Pick<ApiDeps, 'audit'>): void => {
  app.post(
    '/api/v1/audit/run',
    {
      config: { access: ['auditor'] },
      schema: {
        tags: ['audit'],
        summary: 'Re-verify every hash, link and signature and every L0/L1 rule (all, one kind, or one entity)',
        description: 'Scope by query (seed form) or JSON body. Records tamper_proof and compliance maps on each entity.',
        querystring: Scope,
        body: optionalBody(Scope),
        response: { 200: Type.Ref('AuditReport'), ...errorResponses(401, 403, 404, 422) },
      },
    },
    async (request) => {
      const scope = { ...(request.query as Static<typeof Scope>), ...((request.body as Static<typeof Scope> | undefined) ?? {}) };
      if (scope.entity_id !== undefined && (await deps.audit.store.getEntity(scope.entity_id)) === undefined) {
        throw new DomainError('ENTITY_NOT_FOUND', `Entity ${scope.entity_id} not found`);
      }
      const report = await runAudit(deps.audit, actorOf(request), { entityId: scope.entity_id, kind: scope.entity_type, record: true });
      return reportView(report);
    },
  );
};
