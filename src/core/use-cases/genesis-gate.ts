import { createHash } from 'node:crypto';
import type { Certification, CertificationRequest, EntityRecord, SkillContent } from '../entity.ts';
import { GateUnavailable, type GateProposal, type GateVerdict, type GenesisGate } from '../ports/gate.ts';
import type { Actor } from '../ports/ledger.ts';
import { appendAmendment } from '../writer.ts';
import { certifiedBy, openRequest } from './certification.ts';
import type { WriteDeps } from './deps.ts';
import { lockExisting } from './load.ts';

/** The open request of a record whose approvals are complete and wait for the gate, if any. */
export const waitingForGate = (record: EntityRecord, now: string): CertificationRequest | null => {
  const certification = (record.content as Partial<SkillContent>).certification;
  const request = certification === undefined ? null : openRequest(certification, now);
  return request?.waiting_for_gate_since != null ? request : null;
};

/** The content the certify amendment signs once the gate approves (what the gate is shown, too). */
const certifiedContent = (record: EntityRecord, request: CertificationRequest, at: string, gate?: Certification['gate']): SkillContent => {
  const content = record.content as SkillContent;
  const last = request.approvals.at(-1);
  const approvers = request.approvals.map((a) => a.actor);
  return { ...content, certification: certifiedBy(content.certification, { actor: last?.actor ?? '', at, reason: last?.reason ?? null, approvers, gate }) };
};

/** What the gate judges: the certification as it would be signed, and who approved it. */
export const proposalFor = (record: EntityRecord, request: CertificationRequest, at: string): GateProposal => ({
  id: createHash('sha256').update(`${record.id}\n${request.opened_at}`).digest('hex').slice(0, 32),
  entity_id: record.id,
  entity_type: record.entity_type,
  version: record.version + 1,
  content: certifiedContent(record, request, at),
  approvals: request.approvals,
});

/**
 * Records the gate's verdict in the entity's chain: `certify` (approve) or `certification_rejected`
 * (deny), each carrying the verdict, its reason and the response's hash. Signed in the name of the
 * approver who completed the quorum, so the database's count of distinct approvers is unchanged.
 * Returns null when the request no longer waits (another server settled it first).
 */
export const settleWithVerdict = async (deps: WriteDeps, entityId: string, openedAt: string, verdict: GateVerdict): Promise<EntityRecord | null> => {
  const record = await deps.store.getEntity(entityId);
  const request = record === undefined ? null : waitingForGate(record, deps.clock.now());
  const last = request?.approvals.at(-1);
  if (request === null || last === undefined || request.opened_at !== openedAt) return null;
  const actor: Actor = { subject: last.actor, roles: ['governance'] };
  return deps.store.write(actor, async (tx) => {
    const current = await lockExisting(tx, entityId);
    const still = waitingForGate(current, deps.clock.now());
    if (still?.opened_at !== openedAt) return null;
    const gate = { verdict: verdict.verdict, reason: verdict.reason, response_hash: verdict.response_hash };
    const kind = current.entity_type;
    if (verdict.verdict === 'approve') {
      const content = certifiedContent(current, still, deps.clock.now(), gate);
      const reason = `approved by the constitutional gate${verdict.reason === null ? '' : `: ${verdict.reason}`}`;
      return appendAmendment(deps, { tx, actor, id: entityId, kind, current, content, operation: 'certify', reason });
    }
    const content = current.content as SkillContent;
    const certification: Certification = { ...content.certification, request: null, gate };
    const reason = `denied by the constitutional gate: ${verdict.reason ?? 'no reason given'}`;
    return appendAmendment(deps, { tx, actor, id: entityId, kind, current, content: { ...content, certification }, operation: 'certification_rejected', reason });
  });
};

export interface GateRound {
  settled: { entity_id: string; verdict: GateVerdict['verdict'] }[];
  /** Requests the gate gave no verdict for this round, with why; they stay waiting. */
  unavailable: { entity_id: string; error: string }[];
}

/**
 * Asks the gate about every request waiting for it (those `due` allows) and records each verdict.
 * A gate that is down, slow or answers nonsense leaves the request waiting: nothing is certified
 * without a verdict, and the request is asked again next round.
 */
export const askGate = async (deps: WriteDeps, gate: GenesisGate, due: (entityId: string) => boolean = () => true): Promise<GateRound> => {
  const round: GateRound = { settled: [], unavailable: [] };
  let after: { updatedAt: string; id: string } | undefined;
  for (;;) {
    const page = await deps.store.listWaitingForGate(200, after);
    for (const record of page) {
      const request = waitingForGate(record, deps.clock.now());
      if (request === null || !due(record.id)) continue;
      try {
        const verdict = await gate.ask(proposalFor(record, request, deps.clock.now()));
        const settled = await settleWithVerdict(deps, record.id, request.opened_at, verdict);
        if (settled !== null) round.settled.push({ entity_id: record.id, verdict: verdict.verdict });
      } catch (error) {
        if (!(error instanceof GateUnavailable)) throw error;
        round.unavailable.push({ entity_id: record.id, error: error.message });
      }
    }
    const last = page.at(-1);
    if (page.length < 200 || last === undefined) return round;
    after = { updatedAt: last.updated_at, id: last.id };
  }
};
