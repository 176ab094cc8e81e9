import type { Amendment, AmendmentPayload } from '../../core/amendment.ts';
import { nameSkeleton } from '../../core/names.ts';
import { UUID_PATTERN, type EntityKind, type EntityRecord, type Status } from '../../core/entity.ts';
import { DomainError } from '../../core/errors.ts';
import { dependentFields } from '../../core/reference-fields.ts';
import type { Actor, AuditMark, DecisionFilter, HeadAsOf, LedgerStore, LedgerTx, ListFilter, QueueCursor, RememberedRequest } from '../../core/ports/ledger.ts';
import { AMENDMENT_HASH_PATTERN, DECISION_OPERATIONS } from '../../core/governance.ts';
import { displayKind } from '../../core/writer.ts';
import { json, setActor, sqlError, type Sql, type SqlPool } from './sql.ts';

const UUID = UUID_PATTERN;
/** Ids that are not UUIDs cannot exist; filtering them keeps a bad id from becoming a SQL error. */
const uuids = (ids: readonly string[]): string[] => [...new Set(ids.filter((id) => UUID.test(id)))];

const ENTITY_COLUMNS = `id, entity_type, version, version_hash, hash_chain_head, amendment_count, created_at, updated_at,
  deleted_at, l0_compliance_status, l1_compliance_status, drift_detector, tamper_proof, content`;

interface EntityRow {
  id: string;
  entity_type: EntityKind;
  version: number;
  version_hash: string;
  hash_chain_head: string;
  amendment_count: number;
  created_at: string;
  updated_at: string;
  deleted_at: string | null;
  l0_compliance_status: Record<string, boolean>;
  l1_compliance_status: Record<string, boolean>;
  drift_detector: EntityRecord['drift_detector'];
  tamper_proof: boolean;
  content: EntityRecord['content'];
}

const toRecord = (row: EntityRow): EntityRecord => ({ ...row });

const toMap = (rows: EntityRow[]): Map<string, EntityRecord> => new Map(rows.map((r) => [r.id, toRecord(r)]));

/** Fields with a generated, indexed column of the same name (0001_ledger.sql). */
const GENERATED_COLUMNS = new Set(['industry_id', 'skill_id', 'job_role_id', 'team_id']);

/**
 * Direct dependents of $1 (= $2 as text), from REFERENCE_FIELDS: a scalar field by its indexed
 * column, an array field by jsonb containment on its per-kind GIN index.
 */
const DEPENDENTS_SQL = ((): string => {
  const scalar = new Map<string, EntityKind[]>();
  const arms: string[] = [];
  for (const { kind, field } of dependentFields()) {
    if (field.many) arms.push(`(entity_type = '${kind}' AND content -> '${field.field}' @> jsonb_build_array($2::text))`);
    else scalar.set(field.field, [...(scalar.get(field.field) ?? []), kind]);
  }
  for (const [name, kinds] of scalar) {
    const column = GENERATED_COLUMNS.has(name) ? name : `(content ->> '${name}')`;
    arms.unshift(`(entity_type IN (${kinds.map((k) => `'${k}'`).join(', ')}) AND ${column} = $2)`);
  }
  return `SELECT id FROM entities WHERE status <> 'deleted' AND id <> $1::uuid AND (${arms.join(' OR ')}) ORDER BY id`;
})();

const AWAITING_REVIEW = `status <> 'deleted' AND (content ->> 'amendment_alignment' IN ('requires_review', 'drifted') OR drift_detector ->> 'drifted' = 'true'
  OR jsonb_typeof(content #> '{certification,request}') = 'object')`;

const DECISION_PREDICATE = `operation IN (${DECISION_OPERATIONS.map((o) => `'${o}'`).join(', ')})`;
const REASON_VECTOR = `to_tsvector('english', coalesce(payload ->> 'reason', ''))`;

const RETRYABLE = new Set(['40001', '40P01']);
const MAX_ATTEMPTS = 6;


/** The record a unique-name violation is about, from the key PostgreSQL reports in `detail`. */
const duplicateOf = (error: unknown, records: readonly EntityRecord[]): EntityRecord | undefined => {
  const match = /\(entity_type, name_skeleton\)=\(([A-Za-z]+), (.*)\) already exists/s.exec(sqlError(error).detail ?? '');
  const hit = records.find((r) => r.entity_type === match?.[1] && nameSkeleton(r.content.name) === match[2]);
  return hit ?? records[0];
};

/** Maps the database's refusals to domain errors; anything else stays an internal error. */
const translate = (error: unknown, records: readonly EntityRecord[] = []): unknown => {
  const { code, constraint } = sqlError(error);
  const record = code === '23505' ? duplicateOf(error, records) : undefined;
  if (code === '23505' && record !== undefined && constraint === 'entities_name_unique') {
    return new DomainError('DUPLICATE_ENTITY', `${displayKind(record.entity_type)} '${record.content.name}' already exists`);
  }
  if (code === '23505' && record !== undefined && constraint === 'entities_external_id_unique') {
    return new DomainError('DUPLICATE_ENTITY', `external_id '${String(record.content.external_id)}' is already in use`);
  }
  if ((code === '23505' && (constraint === 'amendments_pkey' || constraint === 'entities_pkey')) || code === 'PL009') {
    return new DomainError('CONCURRENT_MODIFICATION', 'Another write created this version first; retry');
  }
  if (code === '23505' && constraint === 'idempotency_keys_pkey') {
    return new DomainError('CONCURRENT_MODIFICATION', 'Another request with this Idempotency-Key was served first; retry it to get that result');
  }
  if (code === '42501') {
    return new DomainError('FORBIDDEN', 'The database refused this write for the current roles (row-level security)');
  }
  if (code === 'PL010') {
    return new DomainError('SIGNING_KEY_RETIRED', 'The key this server signs with is retired: an operator must configure a new signing key (plant keys generate) and restart');
  }
  if (code === 'PL006') {
    // The quorum the database holds (plant migrate records CERTIFICATION_QUORUM) is above what this server counted.
    return new DomainError('FORBIDDEN', 'The database requires more distinct governance approvals before this certification');
  }
  return error;
};

interface PendingAppend {
  record: EntityRecord;
  amendment: Amendment;
  birth: boolean;
}

/**
 * One write. Appends are buffered (nothing reads their result) and sent together as a single
 * `plant_append` statement before the next read and at the end. On a server the transaction
 * begins only when the work first reads: a birth that reads nothing becomes one autocommit
 * statement, atomic on its own, which costs one round trip instead of five.
 */
class PgLedgerTx implements LedgerTx {
  private pending: PendingAppend[] = [];
  private actorSet = false;

  constructor(
    private readonly client: Sql,
    private readonly actor: Actor,
    private readonly begin: () => Promise<void>,
  ) {}

  /** Before any read: be inside the transaction, with our own appends visible and the actor set. */
  private async prepareRead(): Promise<void> {
    await this.begin();
    await this.flush();
    if (!this.actorSet) {
      await setActor(this.client, this.actor);
      this.actorSet = true;
    }
  }

  async flush(): Promise<void> {
    if (this.pending.length === 0) return;
    const batch = this.pending;
    this.pending = [];
    const entries = batch.map(({ record, amendment, birth }) => {
      const p = amendment.payload;
      return {
        birth,
        entity: record,
        amendment: {
          entity_id: p.entity_id, version: p.version, entity_type: p.entity_type, operation: p.operation, actor: p.actor,
          prev_hash: p.prev_hash, hash: amendment.hash, signature: amendment.signature, key_id: p.key_id, alg: p.alg, payload: p,
        },
      };
    });
    try {
      await this.client.query('SELECT plant_append($1, $2, $3::jsonb)', [this.actor.subject, this.actor.roles.join(','), json(entries)], 'plant_append');
    } catch (error) {
      throw translate(error, batch.map((b) => b.record));
    }
    this.actorSet = true;
  }

  async lock(ids: readonly string[]): Promise<Map<string, EntityRecord>> {
    const wanted = uuids(ids);
    if (wanted.length === 0) return new Map();
    await this.prepareRead();
    // ORDER BY id: every writer takes row locks in the same order, which avoids most deadlocks.
    const { rows } = await this.client.query<EntityRow>(
      `SELECT ${ENTITY_COLUMNS} FROM entities WHERE id = ANY($1::uuid[]) ORDER BY id FOR UPDATE`,
      [wanted],
    );
    return toMap(rows);
  }

  async share(ids: readonly string[]): Promise<Map<string, EntityRecord>> {
    const wanted = uuids(ids);
    if (wanted.length === 0) return new Map();
    await this.prepareRead();
    const { rows } = await this.client.query<EntityRow>(
      `SELECT ${ENTITY_COLUMNS} FROM entities WHERE id = ANY($1::uuid[]) ORDER BY id FOR SHARE`,
      [wanted],
    );
    return toMap(rows);
  }

  async dependents(id: string): Promise<string[]> {
    if (!UUID.test(id)) return [];
    await this.prepareRead();
    const { rows } = await this.client.query<{ id: string }>(DEPENDENTS_SQL, [id, id], 'plant_dependents');
    return rows.map((r) => r.id);
  }

  insert(record: EntityRecord, amendment: Amendment): Promise<void> {
    this.pending.push({ record, amendment, birth: true });
    return Promise.resolve();
  }

  update(record: EntityRecord, amendment: Amendment): Promise<void> {
    this.pending.push({ record, amendment, birth: false });
    return Promise.resolve();
  }

  async remember(request: RememberedRequest): Promise<void> {
    await this.prepareRead();
    await this.client.query('INSERT INTO idempotency_keys (subject, key, fingerprint, entity_id) VALUES ($1, $2, $3, $4)', [
      request.subject, request.key, request.fingerprint, request.entity_id,
    ]);
  }
}

const toAmendment = (row: { payload: AmendmentPayload; hash: string; signature: string }): Amendment => ({
  payload: row.payload,
  hash: row.hash,
  signature: row.signature,
});

type FilterField = 'status' | 'category' | 'seniority_level' | 'industry_id' | 'job_role_id' | 'amendment_alignment';

/**
 * A list filter's conditions on an entity's content, wherever that content is read from: `field`
 * names one content field as text, `content` is the content object (parameters go to `params`).
 */
const contentConditions = (filter: ListFilter, params: unknown[], field: (name: FilterField) => string, content: string): string[] => {
  const where: string[] = [];
  const add = (name: FilterField, value: string | undefined): void => {
    if (value === undefined) return;
    params.push(value);
    where.push(`${field(name)} = $${params.length}`);
  };
  add('status', filter.status ?? 'active');
  add('category', filter.category);
  add('seniority_level', filter.seniority_level);
  add('industry_id', filter.industry_id);
  add('job_role_id', filter.job_role_id);
  add('amendment_alignment', filter.amendment_alignment);
  if (filter.certified !== undefined) {
    params.push(filter.certified);
    where.push(`COALESCE((${content} #>> '{certification,certified}')::boolean, false) = $${params.length}`);
  }
  return where;
};

export class PgLedgerStore implements LedgerStore {
  constructor(private readonly pool: SqlPool) {}

  async write<T>(actor: Actor, work: (tx: LedgerTx) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.attempt(actor, work);
      } catch (error) {
        const code = sqlError(error).code;
        if (code !== undefined && RETRYABLE.has(code)) {
          if (attempt < MAX_ATTEMPTS) continue;
          throw new DomainError('CONCURRENT_MODIFICATION', 'The write kept conflicting with concurrent writes; retry');
        }
        throw translate(error);
      }
    }
  }

  private async attempt<T>(actor: Actor, work: (tx: LedgerTx) => Promise<T>): Promise<T> {
    if (this.pool.session === undefined) {
      // PGlite: one shared session, so the whole write holds its transaction mutex.
      return this.pool.transaction(async (client) => {
        const tx = new PgLedgerTx(client, actor, () => Promise.resolve());
        const result = await work(tx);
        await tx.flush();
        return result;
      });
    }
    const session = await this.pool.session();
    const state = { begun: false };
    const begin = async (): Promise<void> => {
      if (state.begun) return;
      await session.query('BEGIN');
      state.begun = true;
    };
    try {
      const tx = new PgLedgerTx(session, actor, begin);
      const result = await work(tx);
      // Not begun: the work only appended, and the flush is a single atomic statement.
      await tx.flush();
      if (state.begun) await session.query('COMMIT');
      return result;
    } catch (error) {
      if (state.begun) await session.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      session.release();
    }
  }

  async markAudited(actor: Actor, marks: ReadonlyMap<string, AuditMark>): Promise<void> {
    const rows = [...marks].map(([id, m]) => ({ id, ...m }));
    try {
      await this.pool.transaction(async (client) => {
        await setActor(client, actor);
        // One statement for the whole batch; only operational columns change, so no amendment.
        await client.query(
          `UPDATE entities e SET tamper_proof = m.tamper_proof, l0_compliance_status = m.l0_compliance_status,
             l1_compliance_status = m.l1_compliance_status, last_audited_at = now()
           FROM jsonb_to_recordset($1::jsonb) AS m(id uuid, tamper_proof boolean, l0_compliance_status jsonb, l1_compliance_status jsonb)
           WHERE e.id = m.id`,
          [json(rows)],
        );
      });
    } catch (error) {
      throw translate(error);
    }
  }

  async rememberedRequest(subject: string, key: string, maxAgeSeconds: number): Promise<RememberedRequest | undefined> {
    // An expired key is forgotten, so it can be used again.
    await this.pool.query('DELETE FROM idempotency_keys WHERE subject = $1 AND key = $2 AND created_at < now() - make_interval(secs => $3)', [subject, key, maxAgeSeconds]);
    const { rows } = await this.pool.query<RememberedRequest>(
      'SELECT subject, key, fingerprint, entity_id::text AS entity_id FROM idempotency_keys WHERE subject = $1 AND key = $2',
      [subject, key],
    );
    return rows[0];
  }

  async getEntity(id: string): Promise<EntityRecord | undefined> {
    if (!UUID.test(id)) return undefined;
    const { rows } = await this.pool.query<EntityRow>(`SELECT ${ENTITY_COLUMNS} FROM entities WHERE id = $1`, [id], 'plant_get_entity');
    const row = rows[0];
    return row === undefined ? undefined : toRecord(row);
  }

  async findByName(kind: EntityKind, name: string): Promise<EntityRecord | undefined> {
    const { rows } = await this.pool.query<EntityRow>(
      `SELECT ${ENTITY_COLUMNS} FROM entities WHERE entity_type = $1 AND name_skeleton = plant_name_skeleton($2) AND status <> 'deleted'`,
      [kind, name],
    );
    const row = rows[0];
    return row === undefined ? undefined : toRecord(row);
  }

  async getEntities(ids: readonly string[]): Promise<Map<string, EntityRecord>> {
    const wanted = uuids(ids);
    if (wanted.length === 0) return new Map();
    const { rows } = await this.pool.query<EntityRow>(`SELECT ${ENTITY_COLUMNS} FROM entities WHERE id = ANY($1::uuid[])`, [wanted]);
    return toMap(rows);
  }

  async getAmendments(entityId: string): Promise<Amendment[]> {
    if (!UUID.test(entityId)) return [];
    const { rows } = await this.pool.query<{ payload: AmendmentPayload; hash: string; signature: string }>(
      'SELECT payload, hash, signature FROM amendments WHERE entity_id = $1 ORDER BY version',
      [entityId],
      'plant_get_amendments',
    );
    return rows.map(toAmendment);
  }

  async getAmendmentsFor(entityIds: readonly string[]): Promise<Map<string, Amendment[]>> {
    const wanted = uuids(entityIds);
    const out = new Map<string, Amendment[]>();
    if (wanted.length === 0) return out;
    const { rows } = await this.pool.query<{ entity_id: string; payload: AmendmentPayload; hash: string; signature: string }>(
      'SELECT entity_id, payload, hash, signature FROM amendments WHERE entity_id = ANY($1::uuid[]) ORDER BY entity_id, version',
      [wanted],
    );
    for (const row of rows) {
      const list = out.get(row.entity_id) ?? [];
      list.push(toAmendment(row));
      out.set(row.entity_id, list);
    }
    return out;
  }

  async listEntities(filter: ListFilter): Promise<EntityRecord[]> {
    const params: unknown[] = [filter.kind];
    // The generated columns, so the partial indexes on industry_id and job_role_id serve.
    const where = ['entity_type = $1', ...contentConditions(filter, params, (field) => (field === 'amendment_alignment' ? "content ->> 'amendment_alignment'" : field), 'content')];
    if (filter.after !== undefined && UUID.test(filter.after)) {
      params.push(filter.after);
      where.push(`id > $${params.length}::uuid`);
    }
    params.push(filter.limit, filter.offset ?? 0);
    const { rows } = await this.pool.query<EntityRow>(
      `SELECT ${ENTITY_COLUMNS} FROM entities WHERE ${where.join(' AND ')} ORDER BY id LIMIT $${params.length - 1} OFFSET $${params.length}`,
      params,
    );
    return rows.map(toRecord);
  }

  async listEntitiesAsOf(size: number, filter: ListFilter): Promise<HeadAsOf[]> {
    // Entities in id order (entities_kind_id), each with one backward step of
    // log_leaves_entity_leaf to its last leaf below the size; the filters read the signed content.
    const params: unknown[] = [filter.kind, size];
    const where = contentConditions(filter, params, (field) => `a.payload #>> '{content,${field}}'`, "a.payload -> 'content'");
    let after = '';
    if (filter.after !== undefined && UUID.test(filter.after)) {
      params.push(filter.after);
      after = `AND e.id > $${params.length}::uuid`;
    }
    params.push(filter.limit, filter.offset ?? 0);
    const { rows } = await this.pool.query<{ payload: AmendmentPayload; hash: string; signature: string; created_at: string; deleted_at: string | null }>(
      `SELECT a.payload, a.hash, a.signature,
              (SELECT f.payload ->> 'timestamp' FROM amendments f WHERE f.entity_id = e.id AND f.version = 1) AS created_at,
              CASE WHEN a.payload #>> '{content,status}' = 'deleted' THEN
                (SELECT d.payload ->> 'timestamp' FROM amendments d
                  WHERE d.entity_id = e.id AND d.version = 1 + COALESCE(
                    (SELECT max(k.version) FROM amendments k WHERE k.entity_id = e.id AND k.version < h.version AND k.payload #>> '{content,status}' <> 'deleted'), 0))
              END AS deleted_at
         FROM entities e
         CROSS JOIN LATERAL (SELECT l.amendment_hash, l.version FROM log_leaves l WHERE l.entity_id = e.id AND l.leaf_index < $2 ORDER BY l.leaf_index DESC LIMIT 1) h
         JOIN amendments a ON a.hash = h.amendment_hash
        WHERE e.entity_type = $1 ${after} AND ${where.join(' AND ')}
        ORDER BY e.id LIMIT $${params.length - 1} OFFSET $${params.length}`,
      params,
    );
    return rows.map((r) => ({ head: toAmendment(r), created_at: r.created_at, deleted_at: r.deleted_at }));
  }

  async listAwaitingReview(limit: number, after?: QueueCursor): Promise<EntityRecord[]> {
    // The predicate is entities_waiting's (0006_four_eyes.sql), so the partial index serves it.
    const { rows } = await this.pool.query<EntityRow>(
      `SELECT ${ENTITY_COLUMNS} FROM entities
        WHERE ${AWAITING_REVIEW} ${after === undefined ? '' : 'AND (updated_at, id) > ($2::timestamptz, $3::uuid)'}
        ORDER BY updated_at, id LIMIT $1`,
      after === undefined ? [limit] : [limit, after.updatedAt, after.id],
    );
    return rows.map(toRecord);
  }

  async getAmendmentsByHash(hashes: readonly string[]): Promise<Map<string, Amendment>> {
    const wanted = [...new Set(hashes.filter((h) => AMENDMENT_HASH_PATTERN.test(h)))];
    if (wanted.length === 0) return new Map();
    const { rows } = await this.pool.query<{ payload: AmendmentPayload; hash: string; signature: string }>(
      'SELECT payload, hash, signature FROM amendments WHERE hash = ANY($1::text[])',
      [wanted],
    );
    return new Map(rows.map((r) => [r.hash, toAmendment(r)]));
  }

  async listDecisions(filter: DecisionFilter): Promise<Amendment[]> {
    if (filter.entityId !== undefined && !UUID.test(filter.entityId)) return [];
    // The constant predicate is the partial indexes' (0007_decisions.sql); the parameter narrows it.
    const where = [DECISION_PREDICATE, 'operation = ANY($1::text[])'];
    const params: unknown[] = [filter.operations];
    const add = (clause: (n: string) => string, value: unknown): void => {
      params.push(value);
      where.push(clause(`$${params.length}`));
    };
    if (filter.entityId !== undefined) add((n) => `entity_id = ${n}::uuid`, filter.entityId);
    if (filter.actor !== undefined) add((n) => `actor = ${n}`, filter.actor);
    if (filter.since !== undefined) add((n) => `(payload ->> 'timestamp') >= ${n}`, filter.since);
    if (filter.q !== undefined) add((n) => `${REASON_VECTOR} @@ websearch_to_tsquery('english', ${n})`, filter.q);
    if (filter.before !== undefined) {
      params.push(filter.before.timestamp, filter.before.hash);
      where.push(`((payload ->> 'timestamp'), hash) < ($${params.length - 1}, $${params.length})`);
    }
    params.push(filter.limit);
    const { rows } = await this.pool.query<{ payload: AmendmentPayload; hash: string; signature: string }>(
      `SELECT payload, hash, signature FROM amendments WHERE ${where.join(' AND ')}
        ORDER BY (payload ->> 'timestamp') DESC, hash DESC LIMIT $${params.length}`,
      params,
    );
    return rows.map(toAmendment);
  }

  async listWaitingForGate(limit: number, after?: QueueCursor): Promise<EntityRecord[]> {
    // A subset of AWAITING_REVIEW's rows, so the same partial index serves it.
    const { rows } = await this.pool.query<EntityRow>(
      `SELECT ${ENTITY_COLUMNS} FROM entities
        WHERE ${AWAITING_REVIEW} AND content #>> '{certification,request,waiting_for_gate_since}' IS NOT NULL
          ${after === undefined ? '' : 'AND (updated_at, id) > ($2::timestamptz, $3::uuid)'}
        ORDER BY updated_at, id LIMIT $1`,
      after === undefined ? [limit] : [limit, after.updatedAt, after.id],
    );
    return rows.map(toRecord);
  }

  async listIds(kinds: readonly EntityKind[], statuses?: readonly Status[]): Promise<string[]> {
    const { rows } = await this.pool.query<{ id: string }>(
      statuses === undefined
        ? 'SELECT id FROM entities WHERE entity_type = ANY($1::text[]) ORDER BY id'
        : 'SELECT id FROM entities WHERE entity_type = ANY($1::text[]) AND status = ANY($2::text[]) ORDER BY id',
      statuses === undefined ? [kinds] : [kinds, statuses],
    );
    return rows.map((r) => r.id);
  }

  async countByKind(): Promise<Record<string, number>> {
    const { rows } = await this.pool.query<{ entity_type: string; n: number }>(
      "SELECT entity_type, count(*)::int AS n FROM entities WHERE status <> 'deleted' GROUP BY entity_type ORDER BY entity_type",
    );
    return Object.fromEntries(rows.map((r) => [r.entity_type, r.n]));
  }
}
