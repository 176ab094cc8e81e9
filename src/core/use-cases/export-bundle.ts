import type { Amendment } from '../amendment.ts';
import { verifyChain } from '../chain.ts';
import { ENTITY_KINDS, type EntityKind, type EntityRecord } from '../entity.ts';
import { entityView } from '../entity-view.ts';
import { DomainError } from '../errors.ts';
import { consistencyProof, inclusionProof, MemoryTree, type Hash } from '../merkle.ts';
import type { KeyRegistry } from '../ports/keys.ts';
import type { Actor } from '../ports/ledger.ts';
import type { TransparencyLog } from '../ports/log.ts';
import { makeCheckpoint } from './checkpoint.ts';
import { readLog } from './log-check.ts';
import { reportView, runAudit, type AuditDeps, type AuditReport } from './audit.ts';

export const EXPORT_FORMAT = 'plant.export/v1';

/** What an export reads: the audit's sources, the published keys, and the log it proves against. */
export interface ExportDeps extends Omit<AuditDeps, 'log'> {
  keys: Pick<KeyRegistry, 'list'>;
  log?: TransparencyLog | undefined;
}

/** How many earlier checkpoints get a consistency proof in a bundle (the most recent ones). */
const CONSISTENCY_PROOFS = 64;

export interface BundleLog {
  origin: string;
  log_key: string;
  checkpoint: { tree_size: number; root_hash: string; note: string };
  consistency: { first: number; second: number; proof: string[] }[];
}

export type BundleAmendment = Amendment & { log?: { leaf_index: number; proof: string[] } };

/**
 * What the bundle claims to hold. `complete: true` promises every entity (deleted ones too) and
 * so every leaf of the checkpoint; a verifier must then find each leaf claimed. A partial bundle
 * (one kind, or chosen entities) says so, and a verifier reports it as partial.
 */
export interface BundleScope {
  complete: boolean;
  entity_type: EntityKind | null;
  entity_ids: string[] | null;
}

export interface ExportScope {
  kind?: EntityKind | undefined;
  entityIds?: readonly string[] | undefined;
}

export interface ExportBundle {
  format: typeof EXPORT_FORMAT;
  exported_at: string;
  exportable: true;
  scope: BundleScope;
  report: Record<string, unknown>;
  public_keys: { keys: Record<string, unknown>[] };
  entities: (Record<string, unknown> & { amendments: BundleAmendment[] })[];
  log?: BundleLog;
  signature_status: { entity_id: string; has_signature: boolean; signature_verified: boolean }[];
}

/** One kind or chosen entities, not both: the bundle's scope names one of them. */
export const checkExportScope = (scope: ExportScope): void => {
  if (scope.kind !== undefined && scope.entityIds !== undefined) {
    throw new DomainError('VALIDATION_ERROR', 'Export either one kind or chosen entities, not both', {
      errors: [{ field: 'entity_id', message: 'cannot be combined with entity_type' }],
    });
  }
};

/** How often an export is read again when a write lands while it reads (see readOnce). */
const SNAPSHOT_ATTEMPTS = 5;

/**
 * The export bundle: every entity (deleted ones included) with its amendments exactly as stored
 * (payload, hash, signature), the public keys that verify them (rotated ones included), the audit
 * verdict on the live ones, and the log section that proves each amendment's leaf.
 * docs/bundle-format.md documents it.
 */
export const buildExportBundle = async (
  deps: ExportDeps,
  actor: Actor,
  scope: ExportScope = {},
  onProgress?: (done: number, total: number) => void,
): Promise<{ bundle: ExportBundle; report: AuditReport }> => {
  checkExportScope(scope);
  for (let attempt = 1; ; attempt++) {
    const read = await readOnce(deps, actor, scope, onProgress);
    // Reads are separate statements, so a write can land between them (an entity read before it,
    // its chain after); the bundle would then not match itself or its checkpoint, so read again.
    if (read.consistent) return read.result;
    if (attempt >= SNAPSHOT_ATTEMPTS) {
      throw new DomainError('CONCURRENT_MODIFICATION', 'The registry kept changing while it was exported; retry the export');
    }
  }
};

const readOnce = async (
  deps: ExportDeps,
  actor: Actor,
  scope: ExportScope,
  onProgress: ((done: number, total: number) => void) | undefined,
): Promise<{ consistent: boolean; result: { bundle: ExportBundle; report: AuditReport } }> => {
  const sizeBefore = deps.log === undefined ? 0 : await deps.log.store.size();
  const ids = scope.entityIds !== undefined ? [...new Set(scope.entityIds)] : await deps.store.listIds(scope.kind === undefined ? ENTITY_KINDS : [scope.kind]);
  const records = await deps.store.getEntities(ids);
  const unknown = ids.filter((id) => !records.has(id));
  if (unknown.length > 0) throw new DomainError('ENTITY_NOT_FOUND', `Entity ${unknown.join(', ')} not found`);
  const live = ids.filter((id) => records.get(id)?.content.status !== 'deleted');
  const report = await runAudit({ ...deps, log: deps.log }, actor, { entityIds: live, onProgress });
  const [chains, keys] = await Promise.all([deps.store.getAmendmentsFor(ids), deps.keys.list()]);
  const log = deps.log === undefined ? undefined : await logSection(deps.log);
  const complete = scope.kind === undefined && scope.entityIds === undefined;
  // Every write appends a leaf in its own transaction, so an unchanged log size means no write
  // landed between the first read and the checkpoint: records, chains and leaves agree. (The
  // stored size, not the checkpoint's: a damaged log must be exported as it is, not retried.)
  const consistent = deps.log === undefined || (await deps.log.store.size()) === sizeBefore;
  const statuses = new Map(report.entities.map((e) => [e.entity_id, !e.chain.problems.some((p) => p.check === 'signature')]));
  for (const id of ids) {
    const record = records.get(id) as EntityRecord;
    if (statuses.has(id)) continue;
    const chain = await verifyChain(chains.get(id) ?? [], deps.verifier, { entityId: id, head: record.hash_chain_head, count: record.amendment_count });
    statuses.set(id, !chain.problems.some((p) => p.check === 'signature'));
  }
  const bundle: ExportBundle = {
    format: EXPORT_FORMAT,
    exported_at: report.audited_at,
    exportable: true,
    scope: { complete, entity_type: scope.kind ?? null, entity_ids: scope.entityIds === undefined ? null : ids },
    report: reportView(report),
    public_keys: { keys: keys.map((k) => ({ ...k.jwk, created_at: k.createdAt, retired_at: k.retiredAt })) },
    entities: ids.map((id) => {
      const record = records.get(id) as EntityRecord;
      const amendments = (chains.get(id) ?? []).map((a): BundleAmendment => {
        const leaf = log?.index.get(a.hash);
        // A leaf the tree cannot prove (the log lost leaves) is exported without a proof, and
        // the verifier names the amendment; the export itself never hides or invents anything.
        return leaf === undefined || log === undefined || !log.provable || leaf >= log.size
          ? a
          : { ...a, log: { leaf_index: leaf, proof: inclusionProof(log.tree, leaf, log.size).map(hex) } };
      });
      return { ...entityView(record), amendments };
    }),
    ...(log === undefined ? {} : { log: log.section }),
    signature_status: ids.map((id) => ({
      entity_id: id,
      has_signature: (chains.get(id) ?? []).length > 0,
      signature_verified: statuses.get(id) ?? false,
    })),
  };
  return { consistent, result: { report, bundle } };
};

const hex = (h: Hash): string => h.toString('hex');

/**
 * Signs (or reuses) a checkpoint covering the log, rebuilds the tree in memory from the leaves
 * it covers, and proves consistency from each recent earlier checkpoint to it.
 */
const logSection = async (
  log: TransparencyLog,
): Promise<{ section: BundleLog; tree: MemoryTree; size: number; provable: boolean; index: Map<string, number> }> => {
  const checkpoint = await makeCheckpoint(log);
  const size = checkpoint.size;
  // A leaf whose row is gone is taken from the tree's own nodes, so one lost row costs one
  // amendment its proof (the verifier names that one) instead of every proof in the bundle.
  const read = await readLog(log.store, size);
  const provable = read.lost.length === 0;
  const tree = new MemoryTree(provable ? (read.hashes as Hash[]) : read.rows.map((l) => Buffer.from(l.leaf_hash)));
  const index = new Map(read.rows.map((l) => [l.amendment_hash, l.leaf_index]));
  const earlier = provable ? (await log.store.checkpointSizes()).filter((s) => s > 0 && s < size).slice(-CONSISTENCY_PROOFS) : [];
  return {
    tree,
    size,
    provable,
    index,
    section: {
      origin: log.origin,
      log_key: log.vkey,
      checkpoint: { tree_size: size, root_hash: provable ? hex(tree.root(size)) : '', note: checkpoint.note },
      consistency: earlier.map((first) => ({ first, second: size, proof: consistencyProof(tree, first, size).map(hex) })),
    },
  };
};
