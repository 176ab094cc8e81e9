import type { Amendment } from '../amendment.ts';
import { decodeCursor, encodeCursor } from '../cursor.ts';
import { DomainError, type FieldError } from '../errors.ts';
import { AMENDMENT_HASH_PATTERN, DECISION_OPERATIONS, MAX_PRECEDENTS, type DecisionOperation } from '../governance.ts';
import type { LedgerReader } from '../ports/ledger.ts';

/** Every governance decision says why; a blank reason is no reason. */
const requireReason = (reason: string | null | undefined, what: string): string => {
  if (reason == null || reason.trim() === '') {
    throw new DomainError('VALIDATION_ERROR', `${what} needs a reason`, { errors: [{ field: 'reason', message: 'is required: every governance decision records why' }] });
  }
  return reason;
};

/** A decision's reason and precedents, checked before its write begins. */
export const decisionInput = async (
  store: Pick<LedgerReader, 'getAmendmentsByHash'>,
  input: { reason?: string | null | undefined; precedents?: readonly string[] | undefined },
  what: string,
): Promise<{ reason: string; precedents: string[] }> => ({
  reason: requireReason(input.reason, what),
  precedents: await checkPrecedents(store, input.precedents),
});

/**
 * A decision may cite earlier amendments as precedents; each must be a well-formed hash of an
 * amendment that exists. Amendments are append-only, so a check outside the write's transaction
 * cannot be overtaken by a delete.
 */
const checkPrecedents = async (store: Pick<LedgerReader, 'getAmendmentsByHash'>, precedents: readonly string[] | undefined): Promise<string[]> => {
  const list = [...new Set(precedents ?? [])];
  if (list.length === 0) return [];
  const errors: FieldError[] = [];
  if (list.length > MAX_PRECEDENTS) errors.push({ field: 'precedents', message: `at most ${MAX_PRECEDENTS} precedents` });
  list.forEach((h, i) => {
    if (!AMENDMENT_HASH_PATTERN.test(h)) errors.push({ field: `precedents/${i}`, message: 'must be an amendment hash (64 lowercase hex)' });
  });
  if (errors.length > 0) throw new DomainError('VALIDATION_ERROR', 'Invalid precedents', { errors });
  const found = await store.getAmendmentsByHash(list);
  const missing = list.flatMap((h, i) => (found.has(h) ? [] : [{ field: `precedents/${i}`, message: `no amendment has hash ${h}` }]));
  if (missing.length > 0) throw new DomainError('REFERENCE_NOT_FOUND', 'A cited precedent does not exist', { errors: missing });
  return list;
};

export interface DecisionView {
  amendment_hash: string;
  entity_id: string;
  entity_type: string;
  version: number;
  operation: DecisionOperation;
  actor: string;
  reason: string | null;
  at: string;
  precedents: string[];
  /** Where to read the decision and its entity through the API. */
  links: { entity: string; history: string };
}

export interface DecisionQuery {
  entityId?: string | undefined;
  actor?: string | undefined;
  operation?: DecisionOperation | undefined;
  q?: string | undefined;
  since?: string | undefined;
  cursor?: string | undefined;
  limit: number;
}

export interface DecisionPage {
  decisions: DecisionView[];
  next_cursor: string | null;
}

const decisionCursor = (text: string): { timestamp: string; hash: string } => {
  const [timestamp = '', hash = ''] = decodeCursor(text, (k) => k.length === 2 && AMENDMENT_HASH_PATTERN.test(k[1] ?? ''));
  return { timestamp, hash };
};

const view = (a: Amendment): DecisionView => ({
  amendment_hash: a.hash,
  entity_id: a.payload.entity_id,
  entity_type: a.payload.entity_type,
  version: a.payload.version,
  operation: a.payload.operation as DecisionOperation,
  actor: a.payload.actor,
  reason: a.payload.reason,
  at: a.payload.timestamp,
  precedents: a.payload.precedents ?? [],
  links: { entity: `/api/v1/entities/${a.payload.entity_id}`, history: `/api/v1/entities/${a.payload.entity_id}/history` },
});

/** Governance decisions, newest first, filtered by entity, actor, operation, words in the reason and time. */
export const listDecisions = async (store: Pick<LedgerReader, 'listDecisions'>, query: DecisionQuery): Promise<DecisionPage> => {
  let since: string | undefined;
  if (query.since !== undefined) {
    const at = Date.parse(query.since);
    if (Number.isNaN(at)) throw new DomainError('VALIDATION_ERROR', 'since is not a time', { errors: [{ field: 'since', message: 'must be an ISO 8601 date or time' }] });
    since = new Date(at).toISOString();
  }
  const q = query.q?.trim();
  const rows = await store.listDecisions({
    operations: query.operation === undefined ? DECISION_OPERATIONS : [query.operation],
    entityId: query.entityId,
    actor: query.actor,
    q: q === '' ? undefined : q,
    since,
    before: query.cursor === undefined ? undefined : decisionCursor(query.cursor),
    limit: query.limit,
  });
  const last = rows.at(-1);
  return {
    decisions: rows.map(view),
    next_cursor: rows.length === query.limit && last !== undefined ? encodeCursor([last.payload.timestamp, last.hash]) : null,
  };
};
