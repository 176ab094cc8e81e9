import type { Amendment } from '../amendment.ts';
import { consistencyProof, hashLeaf, inclusionProof, MemoryTree, type Hash } from '../merkle.ts';
import type { EntityKind } from '../entity.ts';
import { entityView } from '../entity-view.ts';
import type { Actor } from '../store.ts';
import { runAudit, type AuditDeps, type AuditReport, type EntityAudit } from './audit.ts';

export const EXPORT_FORMAT = 'plant.export/v1';

export interface PublicKeyEntry {
  jwk: Record<string, unknown>;
  createdAt: string;
  retiredAt: string | null;
}

/** What the export needs from the transparency log. */
export interface ExportLog {
  origin: string;
  vkey: string;
  /** A checkpoint covering the log as it is now (made if the latest does not). */
  checkpoint(): Promise<{ tree_size: number; note: string }>;
  allLeaves(size: number): Promise<{ leaf_index: number; amendment_hash: string; leaf_hash: Buffer }[]>;
  checkpointSizes(): Promise<number[]>;
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

/** Per-entity results without the full chain detail of intact chains (kept for broken ones). */
export const reportView = (report: AuditReport): Record<string, unknown> => ({
  ...report,
  entities: report.entities.map((e) => ({
    entity_id: e.entity_id,
    entity_type: e.entity_type,
    name: e.name,
    version: e.version,
    compliant: e.compliant,
    l0_pass: e.l0_pass,
    l1_pass: e.l1_pass,
    chain_intact: e.chain.intact,
    amendment_alignment: e.amendment_alignment,
    violations: e.violations,
    ...(e.chain.intact ? {} : { chain: e.chain }),
  })),
});

/**
 * The export bundle: every entity with its amendments exactly as stored (payload, hash,
 * signature), the public keys that verify them (rotated ones included), and the audit verdict.
 * docs/bundle-format.md documents it; the transparency-log work adds checkpoints and proofs.
 */
export const buildExportBundle = async (
  deps: AuditDeps & { listKeys: () => Promise<PublicKeyEntry[]>; exportLog?: ExportLog | undefined },
  actor: Actor,
  kind?: EntityKind,
  onProgress?: (done: number, total: number) => void,
): Promise<{ bundle: ExportBundle; report: AuditReport }> => {
  const report = await runAudit(deps, actor, { kind, onProgress });
  const ids = report.entities.map((e) => e.entity_id);
  const [records, chains, keys] = await Promise.all([deps.store.getEntities(ids), deps.store.getAmendmentsFor(ids), deps.listKeys()]);
  const log = deps.exportLog === undefined ? undefined : await logSection(deps.exportLog);
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
  log: ExportLog,
): Promise<{ section: BundleLog; tree: MemoryTree; size: number; provable: boolean; index: Map<string, number> }> => {
  const checkpoint = await log.checkpoint();
  const size = checkpoint.tree_size;
  const leaves = await log.allLeaves(size);
  const tree = new MemoryTree(leaves.map((l) => Buffer.from(l.leaf_hash)));
  const index = new Map(leaves.map((l) => [l.amendment_hash, l.leaf_index]));
  const provable = tree.size >= size;
  const earlier = provable ? (await log.checkpointSizes()).filter((s) => s > 0 && s < size).slice(-CONSISTENCY_PROOFS) : [];
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

/** The leaf an amendment becomes in the log: its hash's 32 bytes, RFC 6962 leaf-hashed. */
export const amendmentLeaf = (amendmentHash: string): Hash => hashLeaf(Buffer.from(amendmentHash, 'hex'));

const csvCell = (value: unknown): string => {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  // Quote always, double embedded quotes, and defuse spreadsheet formulas.
  const safe = /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
  return `"${safe.replaceAll('"', '""')}"`;
};

export const CSV_HEADER = ['entity_id', 'entity_type', 'name', 'version', 'compliant', 'l0_pass', 'l1_pass', 'chain_intact', 'amendment_alignment', 'violations'];

export const auditCsv = (entities: readonly EntityAudit[]): string => {
  const rows = entities.map((e) =>
    [e.entity_id, e.entity_type, e.name, e.version, e.compliant, e.l0_pass, e.l1_pass, e.chain.intact, e.amendment_alignment, e.violations.map((v) => v.message).join(' | ')]
      .map(csvCell)
      .join(','),
  );
  return `${[CSV_HEADER.join(','), ...rows].join('\r\n')}\r\n`;
};
