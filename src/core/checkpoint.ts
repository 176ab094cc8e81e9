import { createHash } from 'node:crypto';
import * as shared from '@plant/client/verify';
import { nodeSha256 } from './canonical.ts';
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

/** A checkpoint as Plant serves it: the log's note with the witnesses' cosignature lines after its own signature. */
export const servedNote = (row: { note: string; cosignatures: readonly string[] }): string => shared.withSignatureLines(row.note, row.cosignatures);

export type NoteCheck = { ok: true; checkpoint: Checkpoint } | { ok: false; reason: string };

/** Parses a signed checkpoint and verifies it under a verifier key (the shared verifier's check); every failure says why. */
export const verifyCheckpointNote = async (note: string, vkey: string): Promise<NoteCheck> => {
  const checked = await shared.verifyCheckpointNote(note, vkey, nodeSha256);
  return checked.ok ? { ok: true, checkpoint: { ...checked.checkpoint, root: Buffer.from(checked.checkpoint.root) } } : checked;
};
