import { canonicalJson } from '../canonical.ts';
import { verifyChain, type ChainReport } from '../chain.ts';
import type { Clock } from '../ports/clock.ts';
import type { TransparencyLog } from '../ports/log.ts';
import { checkWholeLog, entityLogProblems, type LogAudit } from './log-check.ts';
import type { EntityKind, EntityRecord } from '../entity.ts';
import type { Violation } from '../errors.ts';
import type { SignatureVerifier } from '../ports/crypto.ts';
import { referencedIds, validateEntity, type L0Facts } from '../rules/index.ts';
import type { Actor, AuditMark, LedgerStore } from '../ports/ledger.ts';

export interface AuditDeps {
  store: LedgerStore;
  verifier: SignatureVerifier;
  clock: Clock;
  log?: Pick<TransparencyLog, 'store' | 'vkey'> | undefined;
}

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
  /** Exactly these entities (an export's live ones), instead of listing by kind. */
  entityIds?: readonly string[] | undefined;
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
    scope.entityIds !== undefined
      ? [...scope.entityIds]
      : scope.entityId !== undefined
      ? [scope.entityId]
      : await deps.store.listIds(scope.kind === undefined ? ['Industry', 'Skill', 'JobRole', 'Agent', 'Team'] : [scope.kind], [
          'draft',
          'active',
          'deprecated',
          'archived',
        ]);
  const entities: EntityAudit[] = [];
  const logged = deps.log === undefined ? undefined : await checkWholeLog(deps.log);
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

    // Entities are checked concurrently, so signature checks keep both cores busy; the report keeps the id order.
    const audited = await Promise.all(
      batch.map(async (id) => {
        const record = records.get(id);
        if (record === undefined) return undefined;
        const amendments = chains.get(id) ?? [];
        const verified = await verifyChain(amendments, deps.verifier, {
          entityId: id,
          head: record.hash_chain_head,
          count: record.amendment_count,
        });
        // Each amendment must be a leaf of the log, recorded for this entity and version.
        const logProblems = logged === undefined ? [] : await entityLogProblems(id, amendments, (hash) => logged.leafOf.get(hash), undefined, logged.leavesOf.get(id));
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
        const entity: EntityAudit = {
          entity_id: id,
          entity_type: record.entity_type,
          name: record.content.name,
          version: record.version,
          compliant: result.compliant && chain.intact,
          l0_pass: Object.values(result.l0).every(Boolean),
          l1_pass: Object.values(result.l1).every(Boolean),
          violations: result.violations,
          chain,
          amendment_alignment: record.content.amendment_alignment,
        };
        const mark: AuditMark = { tamper_proof: chain.intact, l0_compliance_status: result.l0, l1_compliance_status: result.l1 };
        return { entity, mark };
      }),
    );
    for (const a of audited) {
      if (a === undefined) continue;
      entities.push(a.entity);
      marks.set(a.entity.entity_id, a.mark);
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

