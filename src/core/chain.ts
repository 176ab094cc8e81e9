import { GENESIS_HASH, payloadBytes, type Amendment } from './amendment.ts';
import { sha256Hex } from './canonical.ts';
import type { SignatureVerifier } from './ports/crypto.ts';

export type ChainCheck = 'version' | 'hash' | 'link' | 'signature' | 'identity' | 'head' | 'count' | 'log';

export interface ChainProblem {
  readonly check: ChainCheck;
  /** 0-based index into the amendment list as stored, and the version it claims. */
  readonly index: number;
  readonly version: number | null;
  readonly detail: string;
}

export interface ChainReport {
  readonly intact: boolean;
  /** Index of the first problem, or null when intact. */
  readonly broken_at_index: number | null;
  readonly amendment_count: number;
  readonly problems: readonly ChainProblem[];
  /** Hash of the last amendment as recomputed (what the head must be). */
  readonly computed_head: string | null;
}

export interface ChainExpectation {
  entityId: string;
  /** The head and count the entity row claims; a mismatch means a dropped or forged tail. */
  head?: string;
  count?: number;
}

/**
 * Verifies one entity's amendments, in version order as stored. Expected failures are values:
 * every problem is reported with the index, version and check that failed, so an auditor can
 * say exactly what was altered. Checks, per amendment:
 *  - identity: it belongs to this entity and the stored columns match the signed payload;
 *  - version: versions run 1, 2, 3 … with no gap or repeat (a dropped or reordered amendment);
 *  - hash: the stored hash equals SHA-256 of the canonical payload (a changed byte);
 *  - link: prev_hash equals the previous amendment's recomputed hash (genesis for version 1);
 *  - signature: it verifies under the named key, which must be a published key.
 * And for the chain: the entity's head and count match the last amendment.
 */
export const verifyChain = async (
  amendments: readonly Amendment[],
  verifier: SignatureVerifier,
  expect: ChainExpectation,
): Promise<ChainReport> => {
  const problems: ChainProblem[] = [];
  let previousHash = GENESIS_HASH;

  for (const [index, amendment] of amendments.entries()) {
    const { payload } = amendment;
    const version = typeof payload.version === 'number' ? payload.version : null;
    const add = (check: ChainCheck, detail: string): void => {
      problems.push({ check, index, version, detail });
    };

    if (payload.entity_id !== expect.entityId) {
      add('identity', `amendment belongs to entity ${payload.entity_id}, not ${expect.entityId}`);
    }
    if (version !== index + 1) {
      add('version', `expected version ${index + 1}, found ${payload.version}`);
    }

    // Canonicalize once: the same bytes are hashed and signature-checked.
    let bytes: Buffer | null = null;
    let computed = '';
    try {
      bytes = payloadBytes(payload);
      computed = sha256Hex(bytes);
    } catch (error) {
      add('hash', `payload cannot be canonicalized: ${(error as Error).message}`);
    }
    if (computed !== amendment.hash) {
      add('hash', `stored hash ${amendment.hash} but payload hashes to ${computed}`);
    }
    if (payload.prev_hash !== previousHash) {
      add('link', `prev_hash ${payload.prev_hash} does not match previous amendment hash ${previousHash}`);
    }

    if (!verifier.hasKey(payload.key_id)) {
      add('signature', `signed with unknown key ${payload.key_id}`);
    } else if (verifier.keyAlgorithm(payload.key_id) !== payload.alg) {
      add('signature', `key ${payload.key_id} is not an ${payload.alg} key`);
    } else {
      let valid = false;
      try {
        valid = bytes !== null && (await verifier.verify(payload.key_id, bytes, amendment.signature));
      } catch {
        valid = false;
      }
      if (!valid) add('signature', `signature does not verify under key ${payload.key_id}`);
    }
    // The next link is judged against what this amendment really hashes to, not what it claims:
    // an edit shows at its own index (hash) and again at the next link, and a consistent rewrite
    // of payload and stored hash still breaks the link that follows it.
    previousHash = computed === '' ? amendment.hash : computed;
  }

  const last = amendments.at(-1);
  const computedHead = last ? previousHash : null;
  if (expect.count !== undefined && expect.count !== amendments.length) {
    problems.push({
      check: 'count',
      index: amendments.length,
      version: null,
      detail: `entity records ${expect.count} amendments but ${amendments.length} exist`,
    });
  }
  if (expect.head !== undefined && last && expect.head !== last.hash) {
    problems.push({
      check: 'head',
      index: amendments.length - 1,
      version: last.payload.version,
      detail: `entity head ${expect.head} is not the last amendment's hash ${last.hash}`,
    });
  }

  const first = problems[0];
  return {
    intact: problems.length === 0,
    broken_at_index: first ? first.index : null,
    amendment_count: amendments.length,
    problems,
    computed_head: computedHead,
  };
};
