import canonicalize from 'canonicalize';
import { fromBase64, toBase64, utf8 } from './bytes.ts';
import { webSha256, type Sha256 } from './digest.ts';
import { webKeyring, type SignatureAlgorithm } from './keyring.ts';
import { amendmentLeaf, proofFromHex, verifyInclusion } from './merkle.ts';
import { verifyCheckpointNote } from './note.ts';

/** The A2A extension in which Plant states where a card's agent sits in its log. */
export const LEDGER_EXTENSION_URI = 'urn:plant:a2a:ledger:v1';

/** The extension's params: enough to check the card's amendment in the log offline. */
export interface LedgerProof {
  entity_id: string;
  /** The amendment the card was built from (the agent's head). */
  amendment_hash: string;
  version: number;
  leaf_index: number;
  tree_size: number;
  /** Hex hashes: the RFC 6962 inclusion proof of the leaf in the checkpoint's tree. */
  inclusion_proof: string[];
  /** The signed checkpoint note (C2SP) of that tree. */
  checkpoint: string;
  log_origin: string;
}

const isEmpty = (v: unknown): boolean =>
  v === null || v === undefined || v === '' || (Array.isArray(v) ? v.length === 0 : typeof v === 'object' && Object.keys(v).length === 0);

/**
 * What a card's signature covers (A2A §8.4.1): the card without `signatures`, as the protobuf
 * JSON mapping writes it (fields at their default, such as `false`, omitted), with empty values
 * removed, then canonicalized (RFC 8785). Inside the extension's `params` (a protobuf Struct)
 * values are kept as they are, `false` and 0 included.
 */
export const cardSigningPayload = (card: object): unknown => {
  const prune = (value: unknown, inStruct: boolean): unknown => {
    if (Array.isArray(value)) return value.map((v) => prune(v, inStruct)).filter((v) => !isEmpty(v));
    if (typeof value === 'object' && value !== null) {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value)) {
        const pruned = prune(v, inStruct || k === 'params');
        if (isEmpty(pruned) || (!inStruct && pruned === false)) continue;
        out[k] = pruned;
      }
      return out;
    }
    return value;
  };
  return prune({ ...card, signatures: [] }, false);
};

const JOSE: Record<string, SignatureAlgorithm> = { PS256: 'RSA-PSS-SHA256', EdDSA: 'Ed25519' };
const b64url = (bytes: Uint8Array): string => toBase64(bytes).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');

export interface CardVerification {
  /** Both ways: a signature by a published key over the card, and its amendment proven in a checkpoint signed by the pinned log key. */
  verified: boolean;
  signature: 'pass' | 'fail';
  ledger: 'pass' | 'fail';
  /** The kid of the signature that verified. */
  key_id: string | null;
  proof: LedgerProof | null;
  problems: string[];
}

export interface VerifyCardOptions {
  /** The log's note verifier key, pinned by the caller. */
  logKey: string;
  /** The JWKs the card may be signed by (GET /api/v1/keys, or keys the caller pins). */
  keys: readonly Record<string, unknown>[];
  sha256?: Sha256;
}

interface CardShape {
  signatures?: { protected?: unknown; signature?: unknown }[];
  capabilities?: { extensions?: { uri?: unknown; params?: unknown }[] };
}

/**
 * Checks an A2A agent card from Plant both ways: its JWS (A2A §8.4.1, over the canonical card,
 * by a key in `keys`), and the ledger extension (the amendment's leaf and inclusion proof under
 * a checkpoint the pinned log key signed). Every failure is a line in `problems`.
 */
export const verifyAgentCard = async (card: object, options: VerifyCardOptions): Promise<CardVerification> => {
  const sha256 = options.sha256 ?? webSha256;
  const problems: string[] = [];
  const { signatures = [], capabilities } = card as CardShape;
  const keyring = await webKeyring(options.keys);
  problems.push(...keyring.problems);

  let keyId: string | null = null;
  const payload = b64url(utf8(canonicalize(cardSigningPayload(card)) ?? ''));
  for (const s of signatures) {
    if (typeof s.protected !== 'string' || typeof s.signature !== 'string') continue;
    let header: { alg?: unknown; kid?: unknown };
    try {
      header = JSON.parse(new TextDecoder().decode(fromBase64(s.protected) ?? new Uint8Array())) as { alg?: unknown; kid?: unknown };
    } catch {
      continue;
    }
    const kid = typeof header.kid === 'string' ? header.kid : '';
    const alg = JOSE[String(header.alg)];
    if (alg === undefined || keyring.verifier.keyAlgorithm(kid) !== alg) continue;
    if (await keyring.verifier.verify(kid, utf8(`${s.protected}.${payload}`), s.signature)) {
      keyId = kid;
      break;
    }
  }
  if (keyId === null) problems.push(signatures.length === 0 ? 'the card is not signed' : 'no signature on the card verifies under the given keys');

  const proof = (capabilities?.extensions?.find((e) => e.uri === LEDGER_EXTENSION_URI)?.params ?? null) as LedgerProof | null;
  let ledger: 'pass' | 'fail' = 'fail';
  if (proof === null) problems.push(`the card has no ${LEDGER_EXTENSION_URI} extension`);
  else {
    const note = await verifyCheckpointNote(proof.checkpoint, options.logKey, sha256);
    const path = Array.isArray(proof.inclusion_proof) ? proofFromHex(proof.inclusion_proof) : null;
    if (!note.ok) problems.push(`checkpoint: ${note.reason}`);
    else if (note.checkpoint.size !== proof.tree_size) problems.push(`the checkpoint is of size ${note.checkpoint.size}, the proof says ${proof.tree_size}`);
    else if (path === null || typeof proof.amendment_hash !== 'string' || !/^[0-9a-f]{64}$/.test(proof.amendment_hash)) problems.push('the proof or the amendment hash is not hex SHA-256');
    else if (!(await verifyInclusion(proof.leaf_index, proof.tree_size, await amendmentLeaf(proof.amendment_hash, sha256), path, note.checkpoint.root, sha256))) {
      problems.push(`amendment ${proof.amendment_hash} is not included at leaf ${proof.leaf_index} of the signed tree of size ${proof.tree_size}`);
    } else ledger = 'pass';
  }
  const signature = keyId === null ? 'fail' : 'pass';
  return { verified: signature === 'pass' && ledger === 'pass', signature, ledger, key_id: keyId, proof, problems };
};
