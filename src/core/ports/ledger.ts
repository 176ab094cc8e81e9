import type { Amendment } from '../amendment.ts';
import type { Alignment, EntityKind, EntityRecord, Status } from '../entity.ts';

/** Who is writing. Both reach the database as per-transaction settings read by row-level security. */
export interface Actor {
  readonly subject: string;
  readonly roles: readonly string[];
}

/** An entity's head amendment in a past tree, with what the projection derives from its earlier ones. */
export interface HeadAsOf {
  head: Amendment;
  /** Version 1's signed timestamp. */
  created_at: string;
  /** When a deleted head's unbroken run of deleted versions began; null unless deleted. */
  deleted_at: string | null;
}

export interface ListFilter {
  kind: EntityKind;
  status?: Status | undefined;
  category?: string | undefined;
  seniority_level?: string | undefined;
  industry_id?: string | undefined;
  job_role_id?: string | undefined;
  amendment_alignment?: Alignment | undefined;
  /** Certified (Skill and JobRole carry certification; other kinds are never certified). */
  certified?: boolean | undefined;
  /** Keyset cursor: return entities whose id sorts after this one (ids are UUIDv7, so time order). */
  after?: string | undefined;
  /** Bounded offset, for clients of the seed's offset paging. */
  offset?: number | undefined;
  limit: number;
}

export interface QueueCursor {
  updatedAt: string;
  id: string;
}

export interface DecisionFilter {
  operations: readonly string[];
  entityId?: string | undefined;
  actor?: string | undefined;
  /** Words to find in the reason (full text on PostgreSQL). */
  q?: string | undefined;
  /** Only decisions signed at or after this instant. */
  since?: string | undefined;
  /** Keyset cursor: decisions older than this one (timestamp, then hash). */
  before?: { timestamp: string; hash: string } | undefined;
  limit: number;
}

export interface LedgerReader {
  getEntity(id: string): Promise<EntityRecord | undefined>;
  /** The non-deleted entity of this kind with this name (case-insensitive), if any. */
  findByName(kind: EntityKind, name: string): Promise<EntityRecord | undefined>;
  getEntities(ids: readonly string[]): Promise<Map<string, EntityRecord>>;
  /** Amendments of many entities, each list in version order. */
  getAmendmentsFor(entityIds: readonly string[]): Promise<Map<string, Amendment[]>>;
  /** Amendments of one entity in version order, exactly as stored. */
  getAmendments(entityId: string): Promise<Amendment[]>;
  listEntities(filter: ListFilter): Promise<EntityRecord[]>;
  /**
   * The same page as the catalog stood when the log held `size` leaves: each entity's last
   * amendment below that size, filtered by its signed content, in id order.
   */
  listEntitiesAsOf(size: number, filter: ListFilter): Promise<HeadAsOf[]>;
  /** Ids of entities of the given kinds (all statuses when `statuses` is omitted), in id order. */
  listIds(kinds: readonly EntityKind[], statuses?: readonly Status[]): Promise<string[]>;
  /** The amendments with these hashes (absent ones are missing from the map). */
  getAmendmentsByHash(hashes: readonly string[]): Promise<Map<string, Amendment>>;
  /** Amendments whose operation is one of `operations`, newest first. */
  listDecisions(filter: DecisionFilter): Promise<Amendment[]>;
  /**
   * Live entities waiting for governance (alignment other than aligned, embeddings the last
   * quality run found drifted, or an open certification request), oldest last change first; `after` is the last row of the page before.
   */
  listAwaitingReview(limit: number, after?: QueueCursor): Promise<EntityRecord[]>;
  /** Live entities whose certification request has its approvals and waits for the external gate, oldest first. */
  listWaitingForGate(limit: number, after?: QueueCursor): Promise<EntityRecord[]>;
  countByKind(): Promise<Record<string, number>>;
}

/** One database transaction. Every method runs inside it; nothing is visible until commit. */
/** A create request remembered under its Idempotency-Key (per caller). */
export interface RememberedRequest {
  subject: string;
  key: string;
  fingerprint: string;
  entity_id: string;
}

export interface LedgerTx {
  /** Row-locks (FOR UPDATE) the given entities in id order; absent ids are missing from the map. */
  lock(ids: readonly string[]): Promise<Map<string, EntityRecord>>;
  /** Share-locks referenced entities so they cannot change (e.g. be decertified) before commit. */
  share(ids: readonly string[]): Promise<Map<string, EntityRecord>>;
  /** Ids of non-deleted entities whose content refers to `id` (direct dependents). */
  dependents(id: string): Promise<string[]>;
  insert(record: EntityRecord, amendment: Amendment): Promise<void>;
  update(record: EntityRecord, amendment: Amendment): Promise<void>;
  /**
   * Records the request in this transaction, so it commits with the entity it created. A key the
   * caller already used fails the whole write with CONCURRENT_MODIFICATION (the other request won).
   */
  remember(request: RememberedRequest): Promise<void>;
}

export interface AuditMark {
  tamper_proof: boolean;
  l0_compliance_status: Record<string, boolean>;
  l1_compliance_status: Record<string, boolean>;
}

export interface LedgerStore extends LedgerReader {
  /** Records an audit's verdict on the row's operational columns (never its governed content). */
  markAudited(actor: Actor, marks: ReadonlyMap<string, AuditMark>): Promise<void>;
  /**
   * Runs `work` in one transaction carrying the actor's identity and roles. Serialization
   * failures and deadlocks are retried a bounded number of times (work must be re-runnable);
   * any other error rolls everything back.
   */
  write<T>(actor: Actor, work: (tx: LedgerTx) => Promise<T>): Promise<T>;
  /** The request remembered under this caller's key, unless it is older than `maxAgeSeconds` (then forgotten). */
  rememberedRequest(subject: string, key: string, maxAgeSeconds: number): Promise<RememberedRequest | undefined>;
}
