import { concatBytes, equalBytes, fromBase64, fromHex, utf8 } from './bytes.ts';
import { webSha256, type Sha256 } from './digest.ts';

/**
 * C2SP tlog-checkpoint inside a C2SP signed note, signed with Ed25519:
 *   body:      "<origin>\n<tree size>\n<base64 root hash>\n"
 *   signature: "\n— <key name> <base64(4-byte key id ‖ 64-byte signature)>\n"
 * The key id is the first 4 bytes of SHA-256(name ‖ 0x0A ‖ 0x01 ‖ public key); the verifier key
 * is "<name>+<hex key id>+<base64(0x01 ‖ public key)>".
 */
export const EM_DASH = '\u2014';
const ED25519 = 0x01;

export interface SignedCheckpoint {
  origin: string;
  size: number;
  root: Uint8Array;
}

export type NoteCheck = { ok: true; checkpoint: SignedCheckpoint } | { ok: false; reason: string };

export interface NoteVerifierKey {
  name: string;
  keyId: Uint8Array;
  publicKey: Uint8Array;
}

/** The key id of a note key: SHA-256(name ‖ 0x0A ‖ type ‖ public key)[:4], the type 0x01 for a signer, 0x04 for a cosigner. */
export const noteKeyId = async (name: string, publicKey: Uint8Array, sha256: Sha256 = webSha256, type: number = ED25519): Promise<Uint8Array> =>
  (await sha256(concatBytes(utf8(name), Uint8Array.of(0x0a, type), publicKey))).subarray(0, 4);

/** Parses "<name>+<hex id>+<base64 key>" and checks that the id is the key's; a reason when not. */
export const parseVerifierKey = (vkey: string, sha256: Sha256 = webSha256): Promise<NoteVerifierKey | string> => parseTypedKey(vkey, ED25519, 'an Ed25519 note key', sha256);

/** A verifier key of one signature type: 0x01 for Ed25519 note signatures, 0x04 for Ed25519 cosignatures. */
export const parseTypedKey = async (vkey: string, type: number, what: string, sha256: Sha256 = webSha256): Promise<NoteVerifierKey | string> => {
  // Only the first two '+' separate: base64 itself may hold '+'.
  const first = vkey.indexOf('+');
  const second = vkey.indexOf('+', first + 1);
  if (first <= 0 || second < 0) return 'malformed verifier key';
  const name = vkey.slice(0, first);
  const keyId = fromHex(vkey.slice(first + 1, second));
  const keyBytes = fromBase64(vkey.slice(second + 1));
  if (keyId?.length !== 4) return 'malformed verifier key';
  if (keyBytes?.length !== 33 || keyBytes[0] !== type) return `verifier key is not ${what}`;
  const publicKey = keyBytes.subarray(1);
  if (!equalBytes(await noteKeyId(name, publicKey, sha256, type), keyId)) return 'verifier key id does not match its key';
  return { name, keyId, publicKey };
};

export const ed25519Verify = async (publicKey: Uint8Array, data: Uint8Array, signature: Uint8Array): Promise<boolean> => {
  const key = await crypto.subtle.importKey('raw', publicKey as Uint8Array<ArrayBuffer>, { name: 'Ed25519' }, false, ['verify']);
  return crypto.subtle.verify({ name: 'Ed25519' }, key, signature as Uint8Array<ArrayBuffer>, data as Uint8Array<ArrayBuffer>);
};

/** Parses a signed checkpoint and verifies it under a verifier key; every failure says why. */
export const verifyCheckpointNote = async (note: string, vkey: string, sha256: Sha256 = webSha256): Promise<NoteCheck> => {
  if (typeof note !== 'string') return { ok: false, reason: 'note is not text' };
  const key = await parseVerifierKey(vkey, sha256);
  if (typeof key === 'string') return { ok: false, reason: key };
  const split = note.indexOf('\n\n');
  if (split < 0) return { ok: false, reason: 'note has no signature block' };
  const body = note.slice(0, split + 1);
  const [origin, sizeText, rootB64] = body.split('\n');
  if (origin === undefined || origin === '' || sizeText === undefined || rootB64 === undefined || !/^\d{1,15}$/.test(sizeText)) {
    return { ok: false, reason: 'note body is not a checkpoint' };
  }
  const root = fromBase64(rootB64);
  if (root?.length !== 32) return { ok: false, reason: 'checkpoint root is not 32 bytes' };
  const signatureLine = new RegExp(`^${EM_DASH} (\\S+) (\\S+)$`);
  for (const line of note.slice(split + 2).split('\n')) {
    const match = signatureLine.exec(line);
    if (match?.[1] !== key.name || match[2] === undefined) continue;
    const blob = fromBase64(match[2]);
    if (blob === null || blob.length < 5 || !equalBytes(blob.subarray(0, 4), key.keyId)) continue;
    let valid = false;
    try {
      valid = await ed25519Verify(key.publicKey, utf8(body), blob.subarray(4));
    } catch {
      valid = false;
    }
    if (valid) return { ok: true, checkpoint: { origin, size: Number(sizeText), root } };
    return { ok: false, reason: `signature by ${key.name} does not verify` };
  }
  return { ok: false, reason: `no signature by ${key.name}` };
};
