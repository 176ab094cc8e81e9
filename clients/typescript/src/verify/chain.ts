import canonicalize from 'canonicalize';
import { toHex, utf8 } from './bytes.ts';
import { webSha256, type Sha256 } from './digest.ts';
import type { SignatureVerifier } from './keyring.ts';

/** `prev_hash` of every version 1: a fixed, hashed claim, so a chain cannot silently start midway. */
export const GENESIS_HASH = '0'.repeat(64);

/** An amendment as served (history, export bundle): the signed payload, its hash and signature. */
export interface SignedAmendment {
  payload: {
    entity_id: string;
    version: number;
    prev_hash: string;
    key_id: string;
    alg: string;
    content?: unknown;
  };
  hash: string;
  signature: string;
}

export type ChainCheck = 'version' | 'hash' | 'link' | 'signature' | 'identity' | 'head' | 'count' | 'log';

export interface ChainProblem {
  readonly check: ChainCheck;
  /** 0-based index into the amendment list as given, and the version it claims. */
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
  /** The head and count the entity claims; a mismatch means a dropped or forged tail. */
  head?: string;
  count?: number;
}

/** The exact bytes that are hashed and signed: the payload's RFC 8785 canonical JSON. */
export const canonicalPayload = (payload: unknown): Uint8Array => {
  const text = canonicalize(payload);
  if (text === undefined) throw new TypeError('value cannot be canonicalized');
  return utf8(text);
};

/**
 * Verifies one entity's amendments, in version order as given. Failures are values: every
 * problem names the index, version and check, so an auditor can say exactly what was altered.
 * Per amendment:
 *  - identity: it belongs to this entity;
 *  - version: versions run 1, 2, 3 … with no gap or repeat (a dropped or reordered amendment);
 *  - hash: the stated hash is SHA-256 of the canonical payload (a changed byte);
 *  - link: prev_hash is the previous amendment's recomputed hash (genesis for version 1);
 *  - signature: it verifies under the named key, which must be one the verifier holds.
 * And for the chain: the entity's head and count match the last amendment.
 */
export const verifyChain = async (
  amendments: readonly SignedAmendment[],
  verifier: SignatureVerifier,
  expect: ChainExpectation,
  sha256: Sha256 = webSha256,
): Promise<ChainReport> => {
  const problems: ChainProblem[] = [];
  let previousHash = GENESIS_HASH;

  for (const [index, amendment] of amendments.entries()) {
    const { payload } = amendment;
    const version = typeof payload.version === 'number' ? payload.version : null;
    const add = (check: ChainCheck, detail: string): void => {
      problems.push({ check, index, version, detail });
    };

    if (payload.entity_id !== expect.entityId) add('identity', `amendment belongs to entity ${payload.entity_id}, not ${expect.entityId}`);
    if (version !== index + 1) add('version', `expected version ${index + 1}, found ${String(payload.version)}`);

    // Canonicalize once: the same bytes are hashed and signature-checked.
    let bytes: Uint8Array | null = null;
    let computed = '';
    try {
      bytes = canonicalPayload(payload);
      computed = toHex(await sha256(bytes));
    } catch (error) {
      add('hash', `payload cannot be canonicalized: ${(error as Error).message}`);
    }
    if (computed !== amendment.hash) add('hash', `stored hash ${amendment.hash} but payload hashes to ${computed}`);
    if (payload.prev_hash !== previousHash) add('link', `prev_hash ${payload.prev_hash} does not match previous amendment hash ${previousHash}`);

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
    // of payload and stated hash still breaks the link that follows it.
    previousHash = computed === '' ? amendment.hash : computed;
  }

  const last = amendments.at(-1);
  if (expect.count !== undefined && expect.count !== amendments.length) {
    problems.push({ check: 'count', index: amendments.length, version: null, detail: `entity records ${expect.count} amendments but ${amendments.length} exist` });
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
    computed_head: last ? previousHash : null,
  };
};
