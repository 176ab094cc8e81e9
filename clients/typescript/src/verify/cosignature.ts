import { equalBytes, fromBase64, utf8 } from './bytes.ts';
import { webSha256, type Sha256 } from './digest.ts';
import { ed25519Verify, EM_DASH, parseTypedKey, type NoteVerifierKey } from './note.ts';

/**
 * C2SP tlog-cosignature v1 (Ed25519): a witness's note signature line on a checkpoint,
 *   "— <witness name> base64(4-byte key id ‖ 8-byte big-endian POSIX time ‖ 64-byte signature)"
 * over "cosignature/v1\ntime <time>\n" followed by the checkpoint body. The key id is
 * SHA-256(name ‖ 0x0A ‖ 0x04 ‖ public key)[:4], and the verifier key has type byte 0x04.
 */
export const COSIGNATURE_TYPE = 0x04;
const BLOB_BYTES = 4 + 8 + 64;

export const cosignatureMessage = (body: string, timestamp: number): string => `cosignature/v1\ntime ${String(timestamp)}\n${body}`;

export const parseCosignerKey = (vkey: string, sha256: Sha256 = webSha256): Promise<NoteVerifierKey | string> =>
  parseTypedKey(vkey, COSIGNATURE_TYPE, 'an Ed25519 cosigner key (type 0x04)', sha256);

/** A signed note split at its blank line: the body (through its final newline) and each signature line. */
export const noteParts = (note: string): { body: string; signatures: string[] } | null => {
  const split = note.indexOf('\n\n');
  if (split < 0) return null;
  return { body: note.slice(0, split + 1), signatures: note.slice(split + 2).split('\n').filter((line) => line !== '') };
};

/** The note with signature lines added after its own (each line without its newline); lines it already has are not repeated. */
export const withSignatureLines = (note: string, lines: readonly string[]): string => {
  const have = new Set(noteParts(note)?.signatures ?? []);
  const added = lines.filter((line) => !have.has(line));
  return added.length === 0 ? note : `${note}${added.map((line) => `${line}\n`).join('')}`;
};

export interface ValidCosignature {
  /** The witness's key name. */
  witness: string;
  vkey: string;
  /** The POSIX time the witness signed at. */
  timestamp: number;
  /** The signature line, without its newline. */
  line: string;
}

export interface CosignatureReport {
  valid: ValidCosignature[];
  /** Why each trusted key has no valid cosignature on this note. */
  problems: string[];
}

const SIGNATURE_LINE = new RegExp(`^${EM_DASH} (\\S+) (\\S+)$`);

/**
 * Which of the trusted witnesses cosigned this note's checkpoint. Lines of unknown keys are
 * ignored (C2SP); a key named twice counts once; a line whose signature fails is a problem, so
 * a cosignature taken from another checkpoint is reported, not counted.
 */
export const verifyCosignatures = async (note: string, vkeys: readonly string[], sha256: Sha256 = webSha256): Promise<CosignatureReport> => {
  const report: CosignatureReport = { valid: [], problems: [] };
  const parts = noteParts(note);
  if (parts === null) return { valid: [], problems: ['note has no signature block'] };
  const seen = new Set<string>();
  for (const vkey of vkeys) {
    const key = await parseCosignerKey(vkey, sha256);
    if (typeof key === 'string') {
      report.problems.push(`witness key ${vkey}: ${key}`);
      continue;
    }
    const identity = `${key.name}+${Array.from(key.keyId).join('.')}`;
    if (seen.has(identity)) continue;
    seen.add(identity);
    const found = await cosignatureBy(key, vkey, parts);
    if (typeof found === 'string') report.problems.push(found);
    else report.valid.push(found);
  }
  return report;
};

const cosignatureBy = async (key: NoteVerifierKey, vkey: string, parts: { body: string; signatures: string[] }): Promise<ValidCosignature | string> => {
  let failed = false;
  for (const line of parts.signatures) {
    const match = SIGNATURE_LINE.exec(line);
    if (match?.[1] !== key.name || match[2] === undefined) continue;
    const blob = fromBase64(match[2]);
    if (blob?.length !== BLOB_BYTES || !equalBytes(blob.subarray(0, 4), key.keyId)) continue;
    const time = new DataView(blob.buffer, blob.byteOffset + 4, 8).getBigUint64(0);
    if (time > BigInt(Number.MAX_SAFE_INTEGER)) {
      failed = true;
      continue;
    }
    const timestamp = Number(time);
    let valid = false;
    try {
      valid = await ed25519Verify(key.publicKey, utf8(cosignatureMessage(parts.body, timestamp)), blob.subarray(12));
    } catch {
      valid = false;
    }
    if (valid) return { witness: key.name, vkey, timestamp, line };
    failed = true;
  }
  return failed ? `cosignature by ${key.name} does not verify on this checkpoint` : `no cosignature by ${key.name}`;
};
