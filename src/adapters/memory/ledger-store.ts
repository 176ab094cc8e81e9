import { GENESIS_HASH, type Amendment } from '../../core/amendment.ts';
import { nameSkeleton } from '../../core/names.ts';
import { canonicalJson } from '../../core/canonical.ts';
import { certificationRequest, isCertified, UUID_PATTERN, type EntityKind, type EntityRecord, type Status } from '../../core/entity.ts';
import { DomainError } from '../../core/errors.ts';
import type { Actor, AuditMark, DecisionFilter, HeadAsOf, LedgerStore, LedgerTx, ListFilter, QueueCursor, RememberedRequest } from '../../core/ports/ledger.ts';
import { isDecisionOperation } from '../../core/governance.ts';
import { dependentFields } from '../../core/reference-fields.ts';
import { hasAnyRole, mayAppend } from '../../core/roles.ts';
import { displayKind } from '../../core/writer.ts';

const UUID = UUID_PATTERN;

/** Records leave the store as copies, so a caller can never change what the store holds. */
const copy = <T>(value: T): T => structuredClone(value);
const byId = (a: { id: string }, b: { id: string }): number => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
const text = (record: EntityRecord, field: string): unknown => (record.content as unknown as Record<string, unknown>)[field];

interface State {
  entities: Map<string, EntityRecord>;
  amendments: Map<string, Amendment[]>;
  /** Amendment hashes in commit order: the leaf index each would have in the log. */
  leaves: string[];
  /** By subject and key; with the time remembered (ms), for expiry. */
  requests: Map<string, RememberedRequest & { at: number }>;
}

const requestKey = (subject: string, key: string): string => JSON.stringify([subject, key]);

/** Refusals the database would raise itself (its triggers): they are not domain errors there either. */
class GuardError extends Error {
  override name = 'GuardError';
}

/**
 * The in-memory twin of the PostgreSQL ledger store, with the same contract (test/contract): one
 * write at a time, each seeing its own appends and committing all or nothing; names and external
 * ids unique per kind among live entities; chains that link; projections that match their
 * amendment; and the database's row-level security policy (`mayAppend`). For unit tests of use
 * cases: fast, deterministic, no database.
 */
export class MemoryLedgerStore implements LedgerStore {
  private state: State = { entities: new Map(), amendments: new Map(), leaves: [], requests: new Map() };
  private queue: Promise<unknown> = Promise.resolve();

  /** Runs `work` on a staged copy, committed only when it resolves. Transactions queue one behind the other. */
  private transact<T>(work: (staged: State) => Promise<T>): Promise<T> {
    const run = this.queue.then(async () => {
      const staged: State = { entities: new Map(this.state.entities), amendments: new Map(this.state.amendments), leaves: [...this.state.leaves], requests: new Map(this.state.requests) };
      const result = await work(staged);
      this.state = staged;
      return result;
    });
    this.queue = run.catch(() => undefined);
    return run;
  }

  write<T>(actor: Actor, work: (tx: LedgerTx) => Promise<T>): Promise<T> {
    return this.transact((staged) => work(new MemoryTx(staged, actor)));
  }

  async markAudited(actor: Actor, marks: ReadonlyMap<string, AuditMark>): Promise<void> {
    // Row-level security hides rows from an UPDATE by anyone else: nothing changes, nothing fails.
    if (actor.subject === '' || !hasAnyRole(actor.roles, ['operator', 'governance', 'auditor'])) return;
    await this.transact((staged) => {
      for (const [id, mark] of marks) {
        const current = staged.entities.get(id);
        if (current !== undefined) staged.entities.set(id, { ...current, ...copy(mark) });
      }
      return Promise.resolve();
    });
  }

  rememberedRequest(subject: string, key: string, maxAgeSeconds: number): Promise<RememberedRequest | undefined> {
    const found = this.state.requests.get(requestKey(subject, key));
    if (found === undefined || found.at < Date.now() - maxAgeSeconds * 1000) {
      this.state.requests.delete(requestKey(subject, key));
      return Promise.resolve(undefined);
    }
    return Promise.resolve({ subject: found.subject, key: found.key, fingerprint: found.fingerprint, entity_id: found.entity_id });
  }

  getEntity(id: string): Promise<EntityRecord | undefined> {
    const record = this.state.entities.get(id);
    return Promise.resolve(record === undefined ? undefined : copy(record));
  }

  findByName(kind: EntityKind, name: string): Promise<EntityRecord | undefined> {
    const found = [...this.state.entities.values()].find(
      (r) => r.entity_type === kind && r.content.status !== 'deleted' && nameSkeleton(r.content.name) === nameSkeleton(name),
    );
    return Promise.resolve(found === undefined ? undefined : copy(found));
  }

  getEntities(ids: readonly string[]): Promise<Map<string, EntityRecord>> {
    return Promise.resolve(pick(this.state, ids));
  }

  getAmendments(entityId: string): Promise<Amendment[]> {
    return Promise.resolve(copy(this.state.amendments.get(entityId) ?? []));
  }

  getAmendmentsFor(entityIds: readonly string[]): Promise<Map<string, Amendment[]>> {
    const out = new Map<string, Amendment[]>();
    for (const id of new Set(entityIds)) {
      const list = this.state.amendments.get(id);
      if (list !== undefined) out.set(id, copy(list));
    }
    return Promise.resolve(out);
  }

  listEntities(filter: ListFilter): Promise<EntityRecord[]> {
    const status = filter.status ?? 'active';
    const after = filter.after !== undefined && UUID.test(filter.after) ? filter.after : undefined;
    const fields = ['category', 'seniority_level', 'industry_id', 'job_role_id'] as const;
    const rows = [...this.state.entities.values()]
      .filter((r) => r.entity_type === filter.kind && r.content.status === status)
      .filter((r) => fields.every((f) => filter[f] === undefined || text(r, f) === filter[f]))
      .filter((r) => filter.amendment_alignment === undefined || r.content.amendment_alignment === filter.amendment_alignment)
      .filter((r) => filter.certified === undefined || isCertified(r) === filter.certified)
      .filter((r) => after === undefined || r.id > after)
      .sort(byId);
    const offset = filter.offset ?? 0;
    return Promise.resolve(copy(rows.slice(offset, offset + filter.limit)));
  }

  listEntitiesAsOf(size: number, filter: ListFilter): Promise<HeadAsOf[]> {
    const inTree = new Set(this.state.leaves.slice(0, size));
    const status = filter.status ?? 'active';
    const after = filter.after !== undefined && UUID.test(filter.after) ? filter.after : undefined;
    const fields = ['category', 'seniority_level', 'industry_id', 'job_role_id', 'amendment_alignment'] as const;
    const rows: HeadAsOf[] = [];
    for (const [id, chain] of [...this.state.amendments].sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0))) {
      const known = chain.filter((a) => inTree.has(a.hash));
      const head = known.at(-1);
      if (head === undefined || head.payload.entity_type !== filter.kind || (after !== undefined && id <= after)) continue;
      const content = head.payload.content as unknown as Record<string, unknown>;
      if (content.status !== status || !fields.every((f) => filter[f] === undefined || content[f] === filter[f])) continue;
      const certified = (content.certification as { certified?: unknown } | undefined)?.certified === true;
      if (filter.certified !== undefined && certified !== filter.certified) continue;
      const live = known.findLastIndex((a) => a.payload.content.status !== 'deleted');
      rows.push({ head: copy(head), created_at: known[0]?.payload.timestamp ?? head.payload.timestamp, deleted_at: status === 'deleted' ? (known[live + 1]?.payload.timestamp ?? null) : null });
    }
    const offset = filter.offset ?? 0;
    return Promise.resolve(rows.slice(offset, offset + filter.limit));
  }

  listAwaitingReview(limit: number, after?: QueueCursor): Promise<EntityRecord[]> {
    return Promise.resolve(this.byLastChange((r) => r.content.amendment_alignment !== 'aligned' || r.drift_detector.drifted === true || certificationRequest(r) !== null, limit, after));
  }

  listWaitingForGate(limit: number, after?: QueueCursor): Promise<EntityRecord[]> {
    return Promise.resolve(this.byLastChange((r) => certificationRequest(r)?.waiting_for_gate_since != null, limit, after));
  }

  /** Live entities matching `wanted` in the database's order: (updated_at, id), a time then text. */
  private byLastChange(wanted: (r: EntityRecord) => boolean, limit: number, after?: QueueCursor): EntityRecord[] {
    const order = (x: QueueCursor, y: QueueCursor): number =>
      Date.parse(x.updatedAt) - Date.parse(y.updatedAt) || (x.id < y.id ? -1 : x.id > y.id ? 1 : 0);
    const cursorOf = (r: EntityRecord): QueueCursor => ({ updatedAt: r.updated_at, id: r.id });
    const rows = [...this.state.entities.values()]
      .filter((r) => r.content.status !== 'deleted' && wanted(r))
      .filter((r) => after === undefined || order(cursorOf(r), after) > 0)
      .sort((x, y) => order(cursorOf(x), cursorOf(y)));
    return copy(rows.slice(0, limit));
  }

  getAmendmentsByHash(hashes: readonly string[]): Promise<Map<string, Amendment>> {
    const wanted = new Set(hashes);
    const out = new Map<string, Amendment>();
    for (const chain of this.state.amendments.values()) for (const a of chain) if (wanted.has(a.hash)) out.set(a.hash, copy(a));
    return Promise.resolve(out);
  }

  listDecisions(filter: DecisionFilter): Promise<Amendment[]> {
    // Full text is the database's; here every word of `q` must appear in the reason.
    const words = (filter.q ?? '').toLowerCase().split(/\W+/).filter((w) => w !== '');
    const before = filter.before;
    const rows = [...this.state.amendments.values()]
      .flat()
      .filter((a) => isDecisionOperation(a.payload.operation) && filter.operations.includes(a.payload.operation))
      .filter((a) => filter.entityId === undefined || a.payload.entity_id === filter.entityId)
      .filter((a) => filter.actor === undefined || a.payload.actor === filter.actor)
      .filter((a) => filter.since === undefined || a.payload.timestamp >= filter.since)
      .filter((a) => words.every((w) => (a.payload.reason ?? '').toLowerCase().includes(w)))
      .filter((a) => before === undefined || a.payload.timestamp < before.timestamp || (a.payload.timestamp === before.timestamp && a.hash < before.hash))
      .sort((x, y) => (x.payload.timestamp === y.payload.timestamp ? (x.hash < y.hash ? 1 : -1) : x.payload.timestamp < y.payload.timestamp ? 1 : -1));
    return Promise.resolve(copy(rows.slice(0, filter.limit)));
  }

  listIds(kinds: readonly EntityKind[], statuses?: readonly Status[]): Promise<string[]> {
    return Promise.resolve(
      [...this.state.entities.values()]
        .filter((r) => kinds.includes(r.entity_type) && (statuses === undefined || statuses.includes(r.content.status)))
        .sort(byId)
        .map((r) => r.id),
    );
  }

  countByKind(): Promise<Record<string, number>> {
    const counts: Record<string, number> = {};
    for (const r of this.state.entities.values()) if (r.content.status !== 'deleted') counts[r.entity_type] = (counts[r.entity_type] ?? 0) + 1;
    return Promise.resolve(Object.fromEntries(Object.entries(counts).sort(([a], [b]) => (a < b ? -1 : 1))));
  }
}

const pick = (state: State, ids: readonly string[]): Map<string, EntityRecord> => {
  const out = new Map<string, EntityRecord>();
  for (const id of [...new Set(ids)].sort()) {
    const record = state.entities.get(id);
    if (record !== undefined) out.set(id, copy(record));
  }
  return out;
};

class MemoryTx implements LedgerTx {
  constructor(
    private readonly state: State,
    private readonly actor: Actor,
  ) {}

  remember(request: RememberedRequest): Promise<void> {
    const key = requestKey(request.subject, request.key);
    if (this.state.requests.has(key)) {
      return Promise.reject(new DomainError('CONCURRENT_MODIFICATION', 'Another request with this Idempotency-Key was served first; retry it to get that result'));
    }
    this.state.requests.set(key, { ...request, at: Date.now() });
    return Promise.resolve();
  }

  lock(ids: readonly string[]): Promise<Map<string, EntityRecord>> {
    return Promise.resolve(pick(this.state, ids));
  }

  share(ids: readonly string[]): Promise<Map<string, EntityRecord>> {
    return Promise.resolve(pick(this.state, ids));
  }

  dependents(id: string): Promise<string[]> {
    const holders = dependentFields();
    const out = [...this.state.entities.values()].filter(
      (r) =>
        r.id !== id &&
        r.content.status !== 'deleted' &&
        holders.some(({ kind, field }) => {
          if (r.entity_type !== kind) return false;
          const value = text(r, field.field);
          return field.many ? Array.isArray(value) && value.includes(id) : value === id;
        }),
    );
    return Promise.resolve(out.sort(byId).map((r) => r.id));
  }

  insert(record: EntityRecord, amendment: Amendment): Promise<void> {
    return this.append(record, amendment, true);
  }

  update(record: EntityRecord, amendment: Amendment): Promise<void> {
    return this.append(record, amendment, false);
  }

  private append(record: EntityRecord, amendment: Amendment, birth: boolean): Promise<void> {
    const p = amendment.payload;
    if (this.actor.subject === '' || p.actor !== this.actor.subject || !mayAppend(this.actor.roles, p.entity_type, p.operation, birth)) {
      throw new DomainError('FORBIDDEN', 'The database refused this write for the current roles (row-level security)');
    }
    const chain = this.state.amendments.get(p.entity_id) ?? [];
    if (chain.some((a) => a.payload.version === p.version)) throw new DomainError('CONCURRENT_MODIFICATION', 'Another write created this version first; retry');
    const previous = chain.at(-1);
    if (p.version === 1 ? p.prev_hash !== GENESIS_HASH : previous?.payload.version !== p.version - 1 || previous.hash !== p.prev_hash) {
      throw new GuardError(`amendment ${p.entity_id} v${p.version} does not link to v${p.version - 1}`);
    }
    const old = this.state.entities.get(record.id);
    if (birth && old !== undefined) throw new DomainError('CONCURRENT_MODIFICATION', 'Another write created this version first; retry');
    if (!birth) {
      if (old === undefined) throw new GuardError(`entity ${record.id} does not exist`);
      if (old.entity_type !== record.entity_type || old.created_at !== record.created_at) throw new GuardError(`id, entity_type and created_at of ${old.id} are immutable`);
      if (old.entity_type === 'Agent' && text(old, 'industry_id') !== text(record, 'industry_id')) throw new GuardError(`agent ${old.id} industry_id is locked at birth`);
      if (record.version !== old.version + 1) throw new GuardError(`entity ${old.id} must advance one version at a time`);
    }
    if (record.id !== p.entity_id || record.version !== p.version || record.version_hash !== amendment.hash || record.entity_type !== p.entity_type || canonicalJson(record.content) !== canonicalJson(p.content)) {
      throw new GuardError(`entity ${record.id} v${record.version} has no matching amendment`);
    }
    this.unique(record);
    this.state.amendments.set(p.entity_id, [...chain, copy(amendment)]);
    this.state.leaves.push(amendment.hash);
    this.state.entities.set(record.id, copy(record));
    return Promise.resolve();
  }

  /** The database's partial unique indexes: name per kind (by skeleton) and external_id, among live entities. */
  private unique(record: EntityRecord): void {
    if (record.content.status === 'deleted') return;
    const externalId = text(record, 'external_id');
    for (const other of this.state.entities.values()) {
      if (other.id === record.id || other.content.status === 'deleted') continue;
      if (other.entity_type === record.entity_type && nameSkeleton(other.content.name) === nameSkeleton(record.content.name)) {
        throw new DomainError('DUPLICATE_ENTITY', `${displayKind(record.entity_type)} '${record.content.name}' already exists`);
      }
      if (typeof externalId === 'string' && text(other, 'external_id') === externalId) {
        throw new DomainError('DUPLICATE_ENTITY', `external_id '${externalId}' is already in use`);
      }
    }
  }
}
