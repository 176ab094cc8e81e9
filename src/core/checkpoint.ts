import { createHash, createPublicKey, verify } from 'node:crypto';
import type { NoteSigner } from './ports/crypto.ts';

/**
 * C2SP tlog-checkpoint inside a C2SP signed note, signed with Ed25519.
 *   body:      "<origin>\n<tree size>\n<base64 root hash>\n"
 *   signature: "\n— <key name> <base64(4-byte key id ‖ 64-byte signature)>\n"
 * The key id is the first 4 bytes of SHA-256(name ‖ 0x0A ‖ 0x01 ‖ public key), 0x01 being the
 * Ed25519 signature type; the verifier key is published as "<name>+<hex key id>+<base64(0x01 ‖ public key)>".
 */
const EM_DASH = '\u2014';

export interface Checkpoint {
  origin: string;
  size: number;
  root: Buffer;
}

export const checkpointBody = (c: Checkpoint): string => `${c.origin}\n${c.size}\n${c.root.toString('base64')}\n`;

const keyId = (name: string, publicKey: Buffer): Buffer =>
  createHash('sha256').update(name).update(Buffer.from([0x0a, 0x01])).update(publicKey).digest().subarray(0, 4);

/** The verifier key a log publishes for its note signer. */
export const verifierKey = (key: Pick<NoteSigner, 'name' | 'publicKey'>): string =>
  `${key.name}+${keyId(key.name, key.publicKey).toString('hex')}+${Buffer.concat([Buffer.from([1]), key.publicKey]).toString('base64')}`;

export const signCheckpoint = async (c: Checkpoint, signer: NoteSigner): Promise<string> => {
  if (signer.name.includes(' ') || signer.name.includes('+') || signer.name.includes('\n')) throw new Error('invalid note key name');
  const body = checkpointBody(c);
  const signature = await signer.sign(Buffer.from(body, 'utf8'));
  return `${body}\n${EM_DASH} ${signer.name} ${Buffer.concat([keyId(signer.name, signer.publicKey), signature]).toString('base64')}\n`;
};

export type NoteCheck = { ok: true; checkpoint: Checkpoint } | { ok: false; reason: string };

/** Parses a signed checkpoint and verifies it under a verifier key string; every failure says why. */
export const verifyCheckpointNote = (note: string, vkey: string): NoteCheck => {
  // name + hex key id + base64 key; only the first two '+' separate (base64 itself may hold '+').
  const first = vkey.indexOf('+');
  const second = vkey.indexOf('+', first + 1);
  if (first <= 0 || second < 0) return { ok: false, reason: 'malformed verifier key' };
  const name = vkey.slice(0, first);
  const idHex = vkey.slice(first + 1, second);
  const keyB64 = vkey.slice(second + 1);
  const keyBytes = Buffer.from(keyB64, 'base64');
  if (keyBytes.length !== 33 || keyBytes[0] !== 1) return { ok: false, reason: 'verifier key is not an Ed25519 note key' };
  const pub = keyBytes.subarray(1);
  if (!keyId(name, pub).equals(Buffer.from(idHex, 'hex'))) return { ok: false, reason: 'verifier key id does not match its key' };
  const split = note.indexOf('\n\n');
  if (split < 0) return { ok: false, reason: 'note has no signature block' };
  const body = note.slice(0, split + 1);
  const lines = body.split('\n');
  const [origin, sizeText, rootB64] = lines;
  if (origin === undefined || sizeText === undefined || rootB64 === undefined || !/^\d+$/.test(sizeText)) {
    return { ok: false, reason: 'note body is not a checkpoint' };
  }
  const root = Buffer.from(rootB64, 'base64');
  if (root.length !== 32) return { ok: false, reason: 'checkpoint root is not 32 bytes' };
  const publicKey = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: pub.toString('base64url') }, format: 'jwk' });
  for (const line of note.slice(split + 2).split('\n')) {
    const match = new RegExp(`^${EM_DASH} (\\S+) (\\S+)$`).exec(line);
    if (match?.[1] !== name || match[2] === undefined) continue;
    const blob = Buffer.from(match[2], 'base64');
    if (!blob.subarray(0, 4).equals(Buffer.from(idHex, 'hex'))) continue;
    if (verify(null, Buffer.from(body, 'utf8'), publicKey, blob.subarray(4))) {
      return { ok: true, checkpoint: { origin, size: Number(sizeText), root } };
    }
    return { ok: false, reason: `signature by ${name} does not verify` };
  }
  return { ok: false, reason: `no signature by ${name}` };
};
