import { canonicalJson } from '../canonical.ts';
import { verifyChain, type ChainProblem, type ChainReport } from '../chain.ts';
import { verifyCheckpointNote } from '../checkpoint.ts';
import { MemoryTree } from '../merkle.ts';
import { amendmentLeaf } from './export-bundle.ts';
import type { EntityKind, EntityRecord } from '../entity.ts';
import type { Violation } from '../errors.ts';
import type { SignatureVerifier } from '../ports.ts';
import { referencedIds, validateEntity, type L0Facts } from '../rules/index.ts';
import type { Actor, AuditMark, LedgerStore } from '../store.ts';

/** What the audit reads of the transparency log. */
export interface AuditLog {
  vkey: string;
  size(): Promise<number>;
  latestCheckpoint(): Promise<{ tree_size: number; note: string } | undefined>;
  allLeaves(size: number): Promise<{ leaf_index: number; entity_id: string; version: number; amendment_hash: string; leaf_hash: Buffer }[]>;
}

export interface AuditDeps {
  store: LedgerStore;
  verifier: SignatureVerifier;
  clock: { now(): string };
  log?: AuditLog | undefined;
}

export interface LogAudit {
  size: number;
  checkpoint_size: number | null;
  problems: string[];
}

/**
 * The log as a whole: leaf indexes run 0..n-1, every stored leaf hash is its amendment's, and the
 * latest checkpoint is validly signed and is the root of the first tree_size leaves.
 */
const auditLog = async (log: AuditLog): Promise<{ summary: LogAudit; leafOf: Map<string, { index: number; entity: string; version: number }> }> => {
  const size = await log.size();
  const leaves = await log.allLeaves(size);
  const problems: string[] = [];
  const leafOf = new Map<string, { index: number; entity: string; version: number }>();
  if (leaves.length !== size) problems.push(`the log records ${size} leaves but ${leaves.length} exist (truncated or missing leaves)`);
  const tree = new MemoryTree();
  for (const [i, leaf] of leaves.entries()) {
    if (leaf.leaf_index !== i) problems.push(`leaf index ${leaf.leaf_index} found where ${i} was expected (a gap)`);
    if (!amendmentLeaf(leaf.amendment_hash).equals(Buffer.from(leaf.leaf_hash))) {
      problems.push(`leaf ${leaf.leaf_index} does not hash its amendment ${leaf.amendment_hash}`);
    }
    tree.append(Buffer.from(leaf.leaf_hash));
    leafOf.set(leaf.amendment_hash, { index: leaf.leaf_index, entity: leaf.entity_id, version: leaf.version });
  }
  const latest = await log.latestCheckpoint();
  if (latest !== undefined) {
    const note = verifyCheckpointNote(latest.note, log.vkey);
    if (!note.ok) problems.push(`latest checkpoint: ${note.reason}`);
    else if (note.checkpoint.size > tree.size) {
      problems.push(`latest checkpoint covers ${note.checkpoint.size} leaves but the log holds ${tree.size}: the log lost its tail`);
    } else if (!tree.root(note.checkpoint.size).equals(note.checkpoint.root)) {
      problems.push(`latest checkpoint (size ${note.checkpoint.size}) does not match the tree: leaves were changed or reordered`);
    }
  }
  return { summary: { size, checkpoint_size: latest?.tree_size ?? null, problems }, leafOf };
};

export interface EntityAudit {
  entity_id: string;
  entity_type: EntityKind;
  name: string;
  version: number;
  compliant: boolean;
  l0_pass: boolean;
  l1_pass: boolean;
  violations: Violation[];
  chain: ChainReport;
  amendment_alignment: string;
}

export interface AuditReport {
  audited_at: string;
  total_entities: number;
  compliant: number;
  /** The seed's two shapes: rule failures, and integrity failures with chain details. */
  violations: (
    | { entity_id: string; entity_type: EntityKind; violations: string[] }
    | { entity_id: string; entity_type: EntityKind; violation: 'Hash chain broken'; details: ChainReport }
  )[];
  /** Entities flagged requires_review (e.g. after a decertification): compliant history, pending review. */
  warnings: { entity_id: string; entity_type: EntityKind; warning: string }[];
  statistics: { l0_pass: number; l1_pass: number; hash_chain_intact: number; requires_review: number };
  entities: EntityAudit[];
  /** The transparency log's own checks (absent when no log is configured). */
  log?: LogAudit;
}

export interface AuditScope {
  entityId?: string | undefined;
  kind?: EntityKind | undefined;
  /** Record each verdict on the entity (tamper_proof, compliance maps). */
  record?: boolean | undefined;
  onProgress?: ((done: number, total: number) => void) | undefined;
}

const BATCH = 500;

const l0FromChain = (record: EntityRecord, chain: ChainReport, lastContent: unknown): L0Facts => {
  const problems = (checks: readonly string[]): true | string => {
    const hit = chain.problems.find((p) => checks.includes(p.check));
    return hit === undefined ? true : `${hit.check} at index ${hit.index}: ${hit.detail}`;
  };
  const history = chain.amendment_count === 0 ? 'no amendments recorded' : problems(['version', 'count']);
  let exportable = problems(['signature', 'identity']);
  if (exportable === true && chain.amendment_count > 0 && canonicalJson(lastContent) !== canonicalJson(record.content)) {
    exportable = 'current state differs from the last signed amendment';
  }
  return {
    governanceAgentId: record.content.governance_agent_id,
    history,
    appendOnly: problems(['hash']),
    chain: chain.amendment_count === 0 ? 'no amendments recorded' : problems(['link', 'head']),
    exportable,
  };
};

/**
 * Re-verifies everything from the stored bytes: every hash, link and signature of every chain,
 * then every L0/L1 rule against the current state of the graph. Nothing is taken from flags the
 * rows carry about themselves.
 */
export const runAudit = async (deps: AuditDeps, actor: Actor, scope: AuditScope = {}): Promise<AuditReport> => {
  const ids =
    scope.entityId !== undefined
      ? [scope.entityId]
      : await deps.store.listIds(scope.kind === undefined ? ['Industry', 'Skill', 'JobRole', 'Agent', 'Team'] : [scope.kind], [
          'draft',
          'active',
          'deprecated',
          'archived',
        ]);
  const entities: EntityAudit[] = [];
  const logged = deps.log === undefined ? undefined : await auditLog(deps.log);
  const cache = new Map<string, EntityRecord>();
  const marks = new Map<string, AuditMark>();

  for (let start = 0; start < ids.length; start += BATCH) {
    const batch = ids.slice(start, start + BATCH);
    const records = await deps.store.getEntities(batch);
    for (const [id, r] of records) cache.set(id, r);
    const refIds = [...new Set([...records.values()].flatMap((r) => referencedIds(r.entity_type, r.content)))].filter(
      (id) => !cache.has(id),
    );
    if (refIds.length > 0) for (const [id, r] of await deps.store.getEntities(refIds)) cache.set(id, r);
    const chains = await deps.store.getAmendmentsFor(batch);

    for (const id of batch) {
      const record = records.get(id);
      if (record === undefined) continue;
      const amendments = chains.get(id) ?? [];
      const verified = await verifyChain(amendments, deps.verifier, {
        entityId: id,
        head: record.hash_chain_head,
        count: record.amendment_count,
      });
      // Each amendment must be a leaf of the log, recorded for this entity and version.
      const logProblems: ChainProblem[] = [];
      if (logged !== undefined) {
        for (const [index, a] of amendments.entries()) {
          const leaf = logged.leafOf.get(a.hash);
          if (leaf === undefined) logProblems.push({ check: 'log', index, version: a.payload.version, detail: 'amendment is not a leaf of the log' });
          else if (leaf.entity !== id || leaf.version !== a.payload.version) {
            logProblems.push({ check: 'log', index, version: a.payload.version, detail: `leaf ${leaf.index} is recorded for ${leaf.entity} v${leaf.version}` });
          }
        }
      }
      const problems = [...verified.problems, ...logProblems];
      const chain: ChainReport = { ...verified, intact: problems.length === 0, problems, broken_at_index: problems[0]?.index ?? null };
      const result = validateEntity({
        kind: record.entity_type,
        content: record.content,
        previous: amendments[0]?.payload.content ?? null,
        refs: (ref) => cache.get(ref),
        graph: true,
        l0: l0FromChain(record, chain, amendments.at(-1)?.payload.content),
      });
      const l0Pass = Object.values(result.l0).every(Boolean);
      const l1Pass = Object.values(result.l1).every(Boolean);
      entities.push({
        entity_id: id,
        entity_type: record.entity_type,
        name: record.content.name,
        version: record.version,
        compliant: result.compliant && chain.intact,
        l0_pass: l0Pass,
        l1_pass: l1Pass,
        violations: result.violations,
        chain,
        amendment_alignment: record.content.amendment_alignment,
      });
      marks.set(id, { tamper_proof: chain.intact, l0_compliance_status: result.l0, l1_compliance_status: result.l1 });
    }
    scope.onProgress?.(Math.min(start + BATCH, ids.length), ids.length);
  }

  if (scope.record === true && marks.size > 0) await deps.store.markAudited(actor, marks);

  const report: AuditReport = {
    audited_at: deps.clock.now(),
    total_entities: entities.length,
    compliant: entities.filter((e) => e.compliant).length,
    violations: [],
    warnings: [],
    statistics: {
      l0_pass: entities.filter((e) => e.l0_pass).length,
      l1_pass: entities.filter((e) => e.l1_pass).length,
      hash_chain_intact: entities.filter((e) => e.chain.intact).length,
      requires_review: entities.filter((e) => e.amendment_alignment === 'requires_review').length,
    },
    entities,
  };
  if (logged !== undefined) {
    report.log = logged.summary;
  }
  for (const e of entities) {
    if (e.violations.length > 0) {
      report.violations.push({ entity_id: e.entity_id, entity_type: e.entity_type, violations: e.violations.map((v) => v.message) });
    }
    if (!e.chain.intact) {
      report.violations.push({ entity_id: e.entity_id, entity_type: e.entity_type, violation: 'Hash chain broken', details: e.chain });
    }
    if (e.amendment_alignment === 'requires_review') {
      report.warnings.push({ entity_id: e.entity_id, entity_type: e.entity_type, warning: 'requires_review: a dependency changed; governance review pending' });
    }
  }
  return report;
};
