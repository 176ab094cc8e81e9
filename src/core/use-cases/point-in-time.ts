import type { Amendment } from '../amendment.ts';
import type { EntityRecord } from '../entity.ts';
import { DomainError } from '../errors.ts';
import type { HeadAsOf, LedgerReader, ListFilter } from '../ports/ledger.ts';
import type { CheckpointRow, EntityChangeRow, TransparencyLog } from '../ports/log.ts';

/**
 * Point-in-time reads (issue 15). "As of" is a size of the transparency log: the catalog as it
 * stood when the log held that many leaves. A time is resolved to the last checkpoint signed at
 * or before it, so a time always names a tree someone could have seen signed.
 */
export interface AsOf {
  tree_size: number;
  /** What the caller asked for, as given. */
  requested: string;
  /** The signed checkpoint of exactly this size, when the log signed one. */
  checkpoint: CheckpointRow | null;
}

export interface AsOfDeps {
  log: Pick<TransparencyLog, 'store'>;
}

// RFC 3339 date-time: a full date, a time, and an explicit offset (no local times).
const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

const invalid = (field: string, message: string, detail: string): DomainError =>
  new DomainError('VALIDATION_ERROR', detail, { errors: [{ field, message }] });

const resolveAsOf = async (deps: AsOfDeps, requested: string): Promise<AsOf> => {
  const field = 'querystring/as_of';
  if (/^\d+$/.test(requested)) {
    const size = Number(requested);
    const current = await deps.log.store.size();
    if (!Number.isSafeInteger(size) || size < 1 || size > current) {
      throw invalid(field, `must be a tree size from 1 to ${current}`, `as_of=${requested} is not a size of this log (it holds ${current} leaves)`);
    }
    return { tree_size: size, requested, checkpoint: (await deps.log.store.checkpoint(size)) ?? null };
  }
  if (!RFC3339.test(requested) || Number.isNaN(Date.parse(requested))) {
    throw invalid(field, 'must be a tree size or an RFC 3339 date-time with an offset', `as_of=${requested} is neither a tree size nor an RFC 3339 time`);
  }
  const checkpoint = await deps.log.store.checkpointAtOrBefore(new Date(requested).toISOString());
  if (checkpoint === undefined || checkpoint.tree_size === 0) {
    throw invalid(field, 'must not be before the first checkpoint', `No checkpoint of a non-empty log was signed at or before ${requested}`);
  }
  return { tree_size: checkpoint.tree_size, requested, checkpoint };
};

/**
 * The entity as its first `amendments` say, built from the signed payloads alone. The rule
 * attestations and drift marks of the live projection are not in the amendments, so they are
 * empty here rather than today's copied into the past.
 */
export const recordFromAmendments = (amendments: readonly Amendment[]): EntityRecord => {
  const first = amendments[0];
  const last = amendments.at(-1);
  if (first === undefined || last === undefined) throw new RangeError('an entity has at least one amendment');
  let deletedAt: string | null = null;
  for (const a of amendments) {
    if (a.payload.content.status !== 'deleted') deletedAt = null;
    else deletedAt ??= a.payload.timestamp;
  }
  return recordFromHead({ head: last, created_at: first.payload.timestamp, deleted_at: deletedAt });
};

/** The entity as of its head amendment in a past tree (see recordFromAmendments). */
export const recordFromHead = ({ head, created_at, deleted_at }: HeadAsOf): EntityRecord => ({
  id: head.payload.entity_id,
  entity_type: head.payload.entity_type,
  version: head.payload.version,
  version_hash: head.hash,
  hash_chain_head: head.hash,
  amendment_count: head.payload.version,
  created_at,
  updated_at: head.payload.timestamp,
  deleted_at,
  l0_compliance_status: {},
  l1_compliance_status: {},
  drift_detector: {},
  tamper_proof: true,
  content: head.payload.content,
});

/** A catalog list page as it stood in the tree `requested` names, from the signed amendments. */
export const listAsOf = async (deps: AsOfDeps & { store: Pick<LedgerReader, 'listEntitiesAsOf'> }, requested: string, filter: ListFilter): Promise<{ records: EntityRecord[]; asOf: AsOf }> => {
  const asOf = await resolveAsOf(deps, requested);
  const heads = await deps.store.listEntitiesAsOf(asOf.tree_size, filter);
  return { records: heads.map(recordFromHead), asOf };
};

export interface InclusionAt {
  leaf_index: number;
  /** RFC 6962 inclusion proof of the leaf in the tree of `tree_size`. */
  inclusion_proof: Buffer[];
  root_hash: Buffer;
}

export interface EntityAsOf {
  record: EntityRecord;
  amendments: Amendment[];
  asOf: AsOf;
  head: { hash: string; leaf_index: number };
  proof: InclusionAt | null;
}

export interface PointInTimeDeps extends AsOfDeps {
  store: Pick<LedgerReader, 'getAmendments'>;
}

/** The entity, its amendments up to the head it had in the tree `requested` names, and (on request) the head's inclusion proof. */
export const entityAsOf = async (deps: PointInTimeDeps, id: string, requested: string, withProof: boolean): Promise<EntityAsOf> => {
  const asOf = await resolveAsOf(deps, requested);
  const leaf = await deps.log.store.entityLeafAt(id, asOf.tree_size);
  if (leaf === undefined) throw new DomainError('ENTITY_NOT_FOUND', `Entity ${id} did not exist in the log of size ${asOf.tree_size}`);
  const amendments = (await deps.store.getAmendments(id)).slice(0, leaf.version);
  const head = amendments.at(-1);
  if (head?.hash !== leaf.amendment_hash || amendments.length !== leaf.version) {
    // The log and the ledger disagree: an audit finding, never an answer to pass on as history.
    throw new Error(`log leaf ${leaf.leaf_index} names amendment ${leaf.amendment_hash} of ${id} v${leaf.version}, which the ledger does not hold there`);
  }
  const proof = withProof
    ? { leaf_index: leaf.leaf_index, inclusion_proof: await deps.log.store.inclusion(leaf.leaf_index, asOf.tree_size), root_hash: await deps.log.store.root(asOf.tree_size) }
    : null;
  return { record: recordFromAmendments(amendments), amendments, asOf, head: { hash: head.hash, leaf_index: leaf.leaf_index }, proof };
};

export interface VersionDiff {
  from: Amendment;
  to: Amendment;
}

/** The two amendments of an entity a content diff compares. */
export const versionsOf = async (deps: Pick<PointInTimeDeps, 'store'>, id: string, from: number, to: number): Promise<VersionDiff> => {
  const amendments = await deps.store.getAmendments(id);
  if (amendments.length === 0) throw new DomainError('ENTITY_NOT_FOUND', `Entity ${id} not found`);
  const at = (v: number, field: string): Amendment => {
    const a = amendments[v - 1];
    if (a === undefined) throw invalid(`querystring/${field}`, `must be a version from 1 to ${amendments.length}`, `Entity ${id} has no version ${v} (its versions are 1 to ${amendments.length})`);
    return a;
  };
  if (from > to) throw invalid('querystring/from', 'must not be after `to`', `from=${from} is after to=${to}`);
  return { from: at(from, 'from'), to: at(to, 'to') };
};

/** At most this many leaves in one log diff: a wider range is asked for in parts. */
export const MAX_LOG_DIFF_LEAVES = 100_000;

export interface LogDiff {
  from: number;
  to: number;
  /** Checkpoints signed at exactly these sizes, when there are. */
  checkpoints: { from: CheckpointRow | null; to: CheckpointRow | null };
  /** RFC 6962 consistency proof from the tree of `from` to the tree of `to` (empty when from is 0 or equal to to). */
  consistency_proof: Buffer[];
  entities: EntityChangeRow[];
}

/** A log diff's row as clients see it (the ordering leaf is the store's business). */
export const changedView = (e: EntityChangeRow): Omit<EntityChangeRow, 'first_leaf'> => ({
  entity_id: e.entity_id,
  entity_type: e.entity_type,
  version_before: e.version_before,
  version_after: e.version_after,
  operations: e.operations,
});

export const logDiff = async (deps: AsOfDeps, from: number, to: number): Promise<LogDiff> => {
  const size = await deps.log.store.size();
  if (from > to) throw invalid('querystring/from', 'must not be after `to`', `from=${from} is after to=${to}`);
  if (to > size) throw invalid('querystring/to', `must be at most the log size (${size})`, `to=${to} is beyond the log, which holds ${size} leaves`);
  if (to - from > MAX_LOG_DIFF_LEAVES) {
    throw invalid('querystring/to', `must be at most ${MAX_LOG_DIFF_LEAVES} after from`, `A log diff covers at most ${MAX_LOG_DIFF_LEAVES} leaves; ask for ${from}..${to} in parts`);
  }
  const [entities, proof, first, second] = await Promise.all([
    deps.log.store.changedBetween(from, to),
    from === 0 || from === to ? Promise.resolve([]) : deps.log.store.consistency(from, to),
    deps.log.store.checkpoint(from),
    deps.log.store.checkpoint(to),
  ]);
  return { from, to, checkpoints: { from: first ?? null, to: second ?? null }, consistency_proof: proof, entities };
};
