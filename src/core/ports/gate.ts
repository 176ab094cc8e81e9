/** What the external constitutional gate (the seeds' "Genesis webhook") is asked to judge. */
export interface GateProposal {
  /** Stable per request, so a gate asked twice (a retry, two servers) can answer idempotently. */
  id: string;
  entity_id: string;
  entity_type: string;
  /** The version the certify amendment would have. */
  version: number;
  /** The content the certify amendment would sign. */
  content: unknown;
  approvals: { actor: string; at: string; reason: string | null }[];
}

export interface GateVerdict {
  verdict: 'approve' | 'deny';
  reason: string | null;
  /** SHA-256 (hex) of the gate's response body exactly as received. */
  response_hash: string;
}

/** A gate that did not give a verdict (down, slow, 5xx, an answer that is not one). */
export class GateUnavailable extends Error {
  override name = 'GateUnavailable';
}

export interface GenesisGate {
  /** Resolves with the verdict, or rejects with GateUnavailable; the caller retries later. */
  ask(proposal: GateProposal): Promise<GateVerdict>;
}
