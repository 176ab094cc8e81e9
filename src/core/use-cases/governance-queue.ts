import type { Amendment } from '../amendment.ts';
import { certificationRequest, isCertified, UUID_PATTERN, type Alignment, type CertificationRequest, type EntityKind, type EntityRecord, type JsonObject, type Status } from '../entity.ts';
import { decodeCursor, encodeCursor } from '../cursor.ts';
import type { QueueCursor } from '../ports/ledger.ts';
import { DEFAULT_CERTIFICATION_POLICY } from './certification.ts';
import type { WriteDeps } from './deps.ts';

/** The amendment that raised a flag: who, when, why, and its hash to cite. */
export interface FlagCause {
  operation: string;
  version: number;
  actor: string;
  reason: string | null;
  at: string;
  amendment_hash: string;
}

/** An open (or expired, not yet closed) request to certify, with the approvals so far. */
export interface QueueRequest extends CertificationRequest {
  quorum: number;
  /** Past `expires_at`: its approvals no longer count, and the next approval opens a new request. */
  expired: boolean;
}

export interface QueueItem {
  /**
   * `certification_request`: approvals wait for the quorum; `review`: the entity's alignment is
   * not `aligned`; `embedding_drift`: only its embedding drifted.
   */
  type: 'certification_request' | 'review' | 'embedding_drift';
  entity_id: string;
  entity_type: EntityKind;
  name: string;
  status: Status;
  version: number;
  certified: boolean;
  amendment_alignment: Alignment;
  waiting_since: string;
  cause: FlagCause | null;
  drift: JsonObject | null;
  request: QueueRequest | null;
}

export interface QueuePage {
  items: QueueItem[];
  /** Pass back as `cursor` for the next page; null on the last page. */
  next_cursor: string | null;
}

const queueCursor = (text: string): QueueCursor => {
  const [updatedAt = '', id = ''] = decodeCursor(text, (k) => k.length === 2 && !Number.isNaN(Date.parse(k[0] ?? '')) && UUID_PATTERN.test(k[1] ?? ''));
  return { updatedAt, id };
};

/** The first amendment of the trailing run in which the entity was not aligned: what flagged it. */
const causeOf = (chain: readonly Amendment[]): FlagCause | null => {
  let cause: Amendment | undefined;
  for (let i = chain.length - 1; i >= 0; i--) {
    const a = chain[i];
    if (a === undefined || a.payload.content.amendment_alignment === 'aligned') break;
    cause = a;
  }
  if (cause === undefined) return null;
  const p = cause.payload;
  return { operation: p.operation, version: p.version, actor: p.actor, reason: p.reason, at: p.timestamp, amendment_hash: cause.hash };
};

/** The store to read, the clock requests are judged expired by, and the quorum they wait for. */
export type QueueDeps = Pick<WriteDeps, 'store' | 'clock' | 'certification'>;

/** What waits for governance, oldest first: certification requests, review flags with their cause, drifted embeddings. */
export const governanceQueue = async (deps: QueueDeps, page: { limit: number; cursor?: string | undefined }): Promise<QueuePage> => {
  const { store } = deps;
  const now = deps.clock.now();
  const quorum = (deps.certification ?? DEFAULT_CERTIFICATION_POLICY).quorum;
  const after = page.cursor === undefined ? undefined : queueCursor(page.cursor);
  const records = await store.listAwaitingReview(page.limit, after);
  const chains = await store.getAmendmentsFor(records.map((r) => r.id));
  const items = records.map((r: EntityRecord): QueueItem => {
    const flagged = r.content.amendment_alignment !== 'aligned';
    const request = certificationRequest(r);
    return {
      type: request !== null ? 'certification_request' : flagged ? 'review' : 'embedding_drift',
      entity_id: r.id,
      entity_type: r.entity_type,
      name: r.content.name,
      status: r.content.status,
      version: r.version,
      certified: isCertified(r),
      amendment_alignment: r.content.amendment_alignment,
      waiting_since: r.updated_at,
      cause: flagged ? causeOf(chains.get(r.id) ?? []) : null,
      drift: r.drift_detector.drifted === true ? r.drift_detector : null,
      request: request === null ? null : { ...request, quorum, expired: Date.parse(request.expires_at) <= Date.parse(now) },
    };
  });
  const last = records.at(-1);
  return { items, next_cursor: records.length === page.limit && last !== undefined ? encodeCursor([last.updated_at, last.id]) : null };
};
