import { AMENDMENT_FORMAT, GENESIS_HASH, hashPayload, payloadBytes, type Amendment, type AmendmentPayload } from './amendment.ts';
import { DomainError } from './errors.ts';
import type { AnyContent, EntityKind, EntityRecord, Operation } from './entity.ts';
import type { Signer } from './ports/crypto.ts';
import { referencedIds, validateEntity, type RefLookup, type ValidationResult } from './rules/index.ts';
import type { Actor, LedgerTx } from './ports/ledger.ts';
import type { Clock } from './ports/clock.ts';

export interface WriterDeps {
  clock: Clock;
  signer: Signer;
  /** Key ids published in the key registry; an amendment signed by any other key is not exportable. */
  publishedKeys: ReadonlySet<string>;
}

/** Operations that only move an entity through its lifecycle; relational rules are reported, not enforced. */
const LIFECYCLE: ReadonlySet<Operation> = new Set(['deprecate', 'archive', 'delete', 'decertify', 'require_review', 'supersede', 'certification_rejected']);

export interface AppendArgs {
  tx: LedgerTx;
  actor: Actor;
  id: string;
  kind: EntityKind;
  /** The locked current record, or null for a birth. */
  current: EntityRecord | null;
  content: AnyContent;
  operation: Operation;
  reason: string | null;
  /** Records already loaded in this transaction (e.g. other entities written in the same call). */
  known?: ReadonlyMap<string, EntityRecord>;
  /** Amendment hashes a governance decision cites (checked to exist by the caller). */
  precedents?: readonly string[] | undefined;
}

/** Loads (share-locks) what the rules consult, preferring records already loaded in this write. */
export const loadRefs = async (
  tx: LedgerTx,
  kind: EntityKind,
  content: AnyContent,
  known: ReadonlyMap<string, EntityRecord> = new Map(),
): Promise<RefLookup> => {
  const wanted = [...new Set(referencedIds(kind, content))].filter((id) => id !== '' && !known.has(id));
  const loaded = wanted.length > 0 ? await tx.share(wanted) : new Map<string, EntityRecord>();
  return (id) => known.get(id) ?? loaded.get(id);
};

export const validateWrite = (
  deps: WriterDeps,
  args: Pick<AppendArgs, 'kind' | 'content' | 'current' | 'operation'>,
  refs: RefLookup,
): ValidationResult => {
  const { current } = args;
  const history = current === null || current.amendment_count === current.version ? true : 'amendment count differs from version';
  return validateEntity({
    kind: args.kind,
    content: args.content,
    previous: current?.content ?? null,
    refs,
    graph: !LIFECYCLE.has(args.operation),
    l0: {
      governanceAgentId: args.content.governance_agent_id,
      history,
      // The database refuses UPDATE and DELETE of amendments; at write time nothing else can break it.
      appendOnly: true,
      chain: current === null || current.hash_chain_head === current.version_hash ? true : 'head differs from version hash',
      exportable: deps.publishedKeys.has(deps.signer.keyId) ? true : `signing key ${deps.signer.keyId} is not published`,
    },
  });
};

/**
 * Appends one amendment: validates the entity as it will be, builds the payload, hashes and signs
 * its canonical bytes, and writes amendment and projection in the caller's transaction. The
 * caller holds the row lock on `current`, so `current.version + 1` is free and the chain cannot
 * fork: two writers of one entity queue on that lock.
 */
export const appendAmendment = async (deps: WriterDeps, args: AppendArgs): Promise<EntityRecord> => {
  const refs = await loadRefs(args.tx, args.kind, args.content, args.known);
  const result = validateWrite(deps, args, refs);
  if (!result.compliant) {
    throw new DomainError(
      'CONSTITUTIONAL_VIOLATION',
      `${displayKind(args.kind)} failed L0/L1 checks: ${result.violations.map((v) => v.message).join('; ')}`,
      { violations: result.violations },
    );
  }
  return signAndStore(deps, args, result);
};

/** Signs and stores without enforcing rules; used for review flags, which record drift rather than prevent it. */
export const signAndStore = async (deps: WriterDeps, args: AppendArgs, result: ValidationResult): Promise<EntityRecord> => {
  const { current } = args;
  const timestamp = deps.clock.now();
  const payload: AmendmentPayload = {
    format: AMENDMENT_FORMAT,
    entity_id: args.id,
    entity_type: args.kind,
    version: (current?.version ?? 0) + 1,
    operation: args.operation,
    content: args.content,
    actor: args.actor.subject,
    reason: args.reason,
    timestamp,
    prev_hash: current?.version_hash ?? GENESIS_HASH,
    key_id: deps.signer.keyId,
    alg: deps.signer.algorithm,
    // Absent rather than empty, so payloads that cite nothing keep the bytes they always had.
    ...(args.precedents === undefined || args.precedents.length === 0 ? {} : { precedents: [...args.precedents] }),
  };
  const hash = hashPayload(payload);
  const signature = await deps.signer.sign(payloadBytes(payload));
  const amendment: Amendment = { payload, hash, signature };

  const record: EntityRecord = {
    id: args.id,
    entity_type: args.kind,
    version: payload.version,
    version_hash: hash,
    hash_chain_head: hash,
    amendment_count: payload.version,
    created_at: current?.created_at ?? timestamp,
    updated_at: timestamp,
    deleted_at: args.content.status === 'deleted' ? (current?.deleted_at ?? timestamp) : null,
    l0_compliance_status: result.l0,
    l1_compliance_status: result.l1,
    drift_detector: current?.drift_detector ?? {},
    tamper_proof: current?.tamper_proof ?? true,
    content: args.content,
  };
  if (current === null) await args.tx.insert(record, amendment);
  else await args.tx.update(record, amendment);
  return record;
};

export const displayKind = (kind: EntityKind): string => (kind === 'JobRole' ? 'Job Role' : kind);
