import type { FastifyInstance } from 'fastify';
import { Type, type Static } from 'typebox';
import { isCertified, type EntityKind } from '../../core/entity.ts';
import { DomainError } from '../../core/errors.ts';
import { certify, decertify, rejectCertification } from '../../core/use-cases/certification.ts';
import { displayKind } from '../../core/writer.ts';
import { actorOf } from '../auth/guard.ts';
import type { ApiDeps } from '../deps.ts';
import { errorResponses, IdParams, ListQueryBase } from '../schemas/common.ts';
import { entityListRef, entityRef, toView } from '../schemas/entity.ts';
import { optionalBody } from '../validation.ts';
import { AsOfQuery } from '../schemas/as-of.ts';
import { listAsOf } from '../../core/use-cases/point-in-time.ts';
import { Precedents } from '../schemas/governance.ts';

/**
 * Shared shapes of the per-kind catalog routes (get one, list, certify, decertify). Each
 * endpoint file states its path, tag and filters and calls one of these.
 */
export const registerGetByKind = (app: FastifyInstance, deps: Pick<ApiDeps, 'store'>, kind: EntityKind, path: string, tag: string): void => {
  app.get(
    path,
    {
      config: { access: 'read' },
      schema: {
        tags: [tag],
        summary: `Get one ${displayKind(kind)} (any status)`,
        params: IdParams,
        response: { 200: entityRef, ...errorResponses(401, 403, 404, 422) },
      },
    },
    async (request) => {
      const { id } = request.params as IdParams;
      const record = await deps.store.getEntity(id);
      if (record?.entity_type !== kind) throw new DomainError('ENTITY_NOT_FOUND', `${displayKind(kind)} ${id} not found`);
      return toView(record);
    },
  );
};

export type ListFilterName = 'category' | 'seniority_level' | 'industry_id' | 'job_role_id';

const FILTER_SCHEMAS = {
  category: Type.String({ maxLength: 50 }),
  seniority_level: Type.String({ maxLength: 20 }),
  industry_id: Type.String({ format: 'uuid' }),
  job_role_id: Type.String({ format: 'uuid' }),
} as const;

export const registerListByKind = (
  app: FastifyInstance,
  deps: Pick<ApiDeps, 'store' | 'log'>,
  kind: EntityKind,
  path: string,
  tag: string,
  filters: readonly ListFilterName[],
): void => {
  const query = Type.Object(
    { ...ListQueryBase, as_of: AsOfQuery.as_of, ...Object.fromEntries(filters.map((f) => [f, Type.Optional(FILTER_SCHEMAS[f])])) },
    { additionalProperties: false },
  );
  app.get(
    path,
    {
      config: { access: 'read' },
      schema: {
        tags: [tag],
        summary: `List ${displayKind(kind)} entities (active by default), ordered by id; X-Next-Cursor pages on. With as_of, the list as the log of that size held it (from the signed amendments; X-As-Of-Tree-Size names the size)`,
        querystring: query,
        response: { 200: entityListRef, ...errorResponses(401, 403, 422) },
      },
    },
    async (request, reply) => {
      const q = request.query as Static<typeof query> & Record<ListFilterName, string | undefined>;
      const limit = q.limit ?? 50;
      const filter = {
        kind,
        status: q.status,
        category: q.category,
        seniority_level: q.seniority_level,
        industry_id: q.industry_id,
        job_role_id: q.job_role_id,
        amendment_alignment: q.amendment_alignment,
        certified: q.certified,
        after: q.cursor,
        offset: q.offset,
        limit,
      };
      let records;
      if (q.as_of === undefined) records = await deps.store.listEntities(filter);
      else {
        const past = await listAsOf(deps, q.as_of, filter);
        records = past.records;
        void reply.header('x-as-of-tree-size', String(past.asOf.tree_size));
      }
      const last = records.at(-1);
      if (records.length === limit && last !== undefined) void reply.header('x-next-cursor', last.id);
      return records.map(toView);
    },
  );
};

const CertifyBody = Type.Object(
  { reason: Type.Optional(Type.Union([Type.String({ maxLength: 2000 }), Type.Null()])), precedents: Precedents },
  { additionalProperties: true, description: 'Other members are accepted (seed compatibility) and ignored' },
);

export const registerCertification = (
  app: FastifyInstance,
  deps: Pick<ApiDeps, 'write'>,
  kind: 'Skill' | 'JobRole',
  path: string,
  tag: string,
  action: 'certify' | 'decertify',
): void => {
  app.post(
    path,
    {
      config: { access: ['governance'] },
      schema: {
        tags: [tag],
        summary:
          action === 'certify'
            ? `Approve certifying a ${displayKind(kind)}: 200 when the quorum of distinct governance actors is reached (the certify amendment names them), 202 while the request waits for more approvals`
            : `Revoke a ${displayKind(kind)}'s certification and flag its dependents for review`,
        params: IdParams,
        body: optionalBody(CertifyBody),
        response: { 200: entityRef, ...(action === 'certify' ? { 202: entityRef } : {}), ...errorResponses(401, 403, 404, 409, 422) },
      },
    },
    async (request, reply) => {
      const { id } = request.params as IdParams;
      const body = (request.body ?? {}) as Static<typeof CertifyBody>;
      const input = { reason: typeof body.reason === 'string' ? body.reason : null, precedents: body.precedents };
      const actor = actorOf(request);
      if (action === 'decertify') return toView((await decertify(deps.write, actor, kind, id, input)).entity);
      const record = await certify(deps.write, actor, kind, id, input);
      return reply.code(isCertified(record) ? 200 : 202).send(toView(record));
    },
  );
};

const RejectBody = Type.Object({ reason: Type.String({ minLength: 1, maxLength: 2000 }), precedents: Precedents }, { additionalProperties: false });

/** Closes an open certification request: its approvals stop counting. */
export const registerCertificationReject = (app: FastifyInstance, deps: Pick<ApiDeps, 'write'>, kind: 'Skill' | 'JobRole', path: string, tag: string): void => {
  app.post(
    path,
    {
      config: { access: ['governance'] },
      schema: {
        tags: [tag],
        summary: `Reject the open request to certify a ${displayKind(kind)}, with a reason`,
        params: IdParams,
        body: RejectBody,
        response: { 200: entityRef, ...errorResponses(401, 403, 404, 409, 422) },
      },
    },
    async (request) => {
      const { id } = request.params as IdParams;
      return toView(await rejectCertification(deps.write, actorOf(request), kind, id, request.body as Static<typeof RejectBody>));
    },
  );
};
