import type { Violation } from '../errors.ts';
import { violation } from './violation.ts';

export const L0_CODES = ['L0-01', 'L0-02', 'L0-03', 'L0-04', 'L0-05'] as const;

/**
 * What L0 judges. At write time these facts come from the prospective state (the new amendment
 * and the locked row); at audit time from a full re-verification of the stored chain. Each is
 * either true or a short reason for the report.
 */
export interface L0Facts {
  /** L0-01: the governing authority recorded on the entity. */
  governanceAgentId: string | null;
  /** L0-02: amendments exist, run 1..n without gaps, and n is what the entity records. */
  history: true | string;
  /** L0-03: no amendment was changed or removed (every stored hash recomputes). */
  appendOnly: true | string;
  /** L0-04: every amendment links to its predecessor (genesis first) and the head is the last. */
  chain: true | string;
  /** L0-05: the state is exportable: signed under a published key and equal to the last amendment. */
  exportable: true | string;
}

/** The seed's violation strings are kept for the seed's own failure; new checks add a reason. */
export const checkL0 = (facts: L0Facts): Violation[] => {
  const out: Violation[] = [];
  if (facts.governanceAgentId === null || facts.governanceAgentId.trim() === '') {
    out.push(violation('L0-01', 'governance_agent_id missing'));
  }
  if (facts.history !== true) out.push(violation('L0-02', `amendment_history not tracked (${facts.history})`));
  if (facts.appendOnly !== true) out.push(violation('L0-03', `append-only not enforced (${facts.appendOnly})`));
  if (facts.chain !== true) out.push(violation('L0-04', `hash_chain_sha256 not initialized (${facts.chain})`));
  if (facts.exportable !== true) out.push(violation('L0-05', `version_hash not set (${facts.exportable})`));
  return out;
};
