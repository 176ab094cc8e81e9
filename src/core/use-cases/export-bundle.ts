import type { Amendment } from '../amendment.ts';
import { consistencyProof, inclusionProof, MemoryTree, type Hash } from '../merkle.ts';
import type { KeyRegistry } from '../ports/keys.ts';
import type { TransparencyLog } from '../ports/log.ts';
import { makeCheckpoint } from './checkpoint.ts';
import type { EntityKind } from '../entity.ts';
import { entityView } from '../entity-view.ts';
import type { Actor } from '../ports/ledger.ts';
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

export interface ExportBundle {
  format: typeof EXPORT_FORMAT;
  exported_at: string;
  exportable: true;
  report: Record<string, unknown>;
  public_keys: { keys: Record<string, unknown>[] };
  entities: (Record<string, unknown> & { amendments: BundleAmendment[] })[];
  log?: BundleLog;
  signature_status: { entity_id: string; has_signature: boolean; signature_verified: boolean }[];
}

/**
 * The export bundle: every entity with its amendments exactly as stored (payload, hash,
 * signature), the public keys that verify them (rotated ones included), and the audit verdict.
 * docs/bundle-format.md documents it; the transparency-log work adds checkpoints and proofs.
 */
export const buildExportBundle = async (
  deps: ExportDeps,
  actor: Actor,
  kind?: EntityKind,
  onProgress?: (done: number, total: number) => void,
): Promise<{ bundle: ExportBundle; report: AuditReport }> => {
  const report = await runAudit({ ...deps, log: deps.log }, actor, { kind, onProgress });
  const ids = report.entities.map((e) => e.entity_id);
  const [records, chains, keys] = await Promise.all([deps.store.getEntities(ids), deps.store.getAmendmentsFor(ids), deps.keys.list()]);
  const log = deps.log === undefined ? undefined : await logSection(deps.log);
  return {
    report,
    bundle: {
      format: EXPORT_FORMAT,
      exported_at: report.audited_at,
      exportable: true,
      report: reportView(report),
      public_keys: { keys: keys.map((k) => ({ ...k.jwk, created_at: k.createdAt, retired_at: k.retiredAt })) },
      entities: ids.flatMap((id) => {
        const record = records.get(id);
        if (record === undefined) return [];
        const amendments = (chains.get(id) ?? []).map((a): BundleAmendment => {
          const leaf = log?.index.get(a.hash);
          // A leaf the tree cannot prove (the log lost leaves) is exported without a proof, and
          // the verifier names the amendment; the export itself never hides or invents anything.
          return leaf === undefined || log === undefined || !log.provable || leaf >= log.size
            ? a
            : { ...a, log: { leaf_index: leaf, proof: inclusionProof(log.tree, leaf, log.size).map(hex) } };
        });
        return [{ ...entityView(record), amendments }];
      }),
      ...(log === undefined ? {} : { log: log.section }),
      signature_status: report.entities.map((e) => ({
        entity_id: e.entity_id,
        has_signature: e.chain.amendment_count > 0,
        signature_verified: !e.chain.problems.some((p) => p.check === 'signature'),
      })),
    },
  };
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
  const leaves = await log.store.allLeaves(size);
  const tree = new MemoryTree(leaves.map((l) => Buffer.from(l.leaf_hash)));
  const index = new Map(leaves.map((l) => [l.amendment_hash, l.leaf_index]));
  const provable = tree.size >= size;
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
