import { createHash } from 'node:crypto';
import * as shared from '@plant/client/verify';
import { nodeSha256 } from './canonical.ts';
import type { Clock } from './ports/clock.ts';
import type { NoteSigner } from './ports/crypto.ts';
import type { WitnessStateStore } from './ports/witness.ts';

/**
 * A witness in the sense of C2SP tlog-witness: it cosigns a log's checkpoint only after checking
 * the log's signature and that the checkpoint extends the last one it cosigned for that origin,
 * so a log cannot show one history to some and another to others without a witness noticing.
 */

/** The refusals of add-checkpoint, with the status codes C2SP tlog-witness gives them. */
export type WitnessRefusal =
  | { status: 400; detail: string }
  | { status: 403; detail: string }
  | { status: 404; detail: string }
  /** The old size is not the witness's, or the same size came with another root; `size` is what it cosigned last. */
  | { status: 409; detail: string; size: number }
  | { status: 422; detail: string };

export interface AddCheckpointRequest {
  oldSize: number;
  proof: Buffer[];
  /** The checkpoint as a signed note. */
  note: string;
}

const MAX_PROOF_LINES = 63;
const DECIMAL = /^(0|[1-9]\d{0,15})$/;

/** Parses "old <size>\n", up to 63 base64 hash lines, an empty line, then the checkpoint note. */
export const parseAddCheckpoint = (text: string): AddCheckpointRequest | WitnessRefusal => {
  const end = text.indexOf('\n\n');
  if (end < 0) return { status: 400, detail: 'the body must be an old size line, proof lines, an empty line and the checkpoint' };
  const [oldLine = '', ...proofLines] = text.slice(0, end).split('\n');
  const old = /^old (\S+)$/.exec(oldLine);
  if (old?.[1] === undefined || !DECIMAL.test(old[1])) return { status: 400, detail: 'the first line must be "old <size>", a decimal without leading zeroes' };
  if (proofLines.length > MAX_PROOF_LINES) return { status: 400, detail: `at most ${MAX_PROOF_LINES} consistency proof lines` };
  const proof: Buffer[] = [];
  for (const line of proofLines) {
    const hash = Buffer.from(line, 'base64');
    if (hash.length !== 32 || hash.toString('base64') !== line) return { status: 400, detail: 'each proof line must be one 32-byte hash in base64' };
    proof.push(hash);
  }
  return { oldSize: Number(old[1]), proof, note: text.slice(end + 2) };
};

/** The note's checkpoint lines, before any signature is checked: origin, size, root. */
const checkpointLines = (note: string): { origin: string; size: number; root: Buffer } | null => {
  const parts = shared.noteParts(note);
  if (parts === null) return null;
  const [origin, size, root, ...rest] = parts.body.split('\n');
  if (origin === undefined || origin === '' || size === undefined || !DECIMAL.test(size) || root === undefined || rest.at(-1) !== '') return null;
  const rootHash = Buffer.from(root, 'base64');
  if (rootHash.length !== 32 || rootHash.toString('base64') !== root) return null;
  return { origin, size: Number(size), root: rootHash };
};

const COSIGNER_KEY_TYPE = Buffer.from([shared.COSIGNATURE_TYPE]);

/** SHA-256(name ‖ 0x0A ‖ 0x04 ‖ public key)[:4]: the key id of a cosigner key (C2SP tlog-cosignature). */
export const cosignerKeyId = (name: string, publicKey: Buffer): Buffer =>
  createHash('sha256').update(name).update(Buffer.from([0x0a])).update(COSIGNER_KEY_TYPE).update(publicKey).digest().subarray(0, 4);

/** The verifier key a witness publishes: "<name>+<hex key id>+<base64(0x04 ‖ public key)>". */
export const cosignerVerifierKey = (signer: Pick<NoteSigner, 'name' | 'publicKey'>): string =>
  `${signer.name}+${cosignerKeyId(signer.name, signer.publicKey).toString('hex')}+${Buffer.concat([COSIGNER_KEY_TYPE, signer.publicKey]).toString('base64')}`;

/** A tlog-cosignature/v1 line (without its newline) on a checkpoint body, at a POSIX time. */
export const cosignatureLine = async (body: string, timestamp: number, signer: NoteSigner): Promise<string> => {
  const time = Buffer.alloc(8);
  time.writeBigUInt64BE(BigInt(timestamp));
  const signature = await signer.sign(Buffer.from(shared.cosignatureMessage(body, timestamp), 'utf8'));
  return `${shared.EM_DASH} ${signer.name} ${Buffer.concat([cosignerKeyId(signer.name, signer.publicKey), time, signature]).toString('base64')}`;
};

export interface WitnessDeps {
  state: WitnessStateStore;
  signer: NoteSigner;
  /** The log verifier keys trusted for each origin. */
  logs: ReadonlyMap<string, readonly string[]>;
  clock: Clock;
}

export type AddCheckpointResult = { ok: true; origin: string; size: number; cosignature: string } | ({ ok: false; origin?: string } & WitnessRefusal);

/**
 * add-checkpoint: verify, compare with the last cosigned checkpoint of the origin and record the
 * new one (atomically, durably, before the cosignature is returned), then cosign.
 */
export const addCheckpoint = async (deps: WitnessDeps, body: string): Promise<AddCheckpointResult> => {
  const request = parseAddCheckpoint(body);
  if (!('note' in request)) return { ok: false, ...request };
  const checkpoint = checkpointLines(request.note);
  if (checkpoint === null) return { ok: false, status: 400, detail: 'the note is not a checkpoint: origin, decimal size and base64 root, then a signature block' };
  const { origin, size, root } = checkpoint;
  const trusted = deps.logs.get(origin);
  if (trusted === undefined) return { ok: false, origin, status: 404, detail: `this witness does not know the log ${origin}` };
  let signed = false;
  for (const vkey of trusted) if ((await shared.verifyCheckpointNote(request.note, vkey, nodeSha256)).ok) signed = true;
  if (!signed) return { ok: false, origin, status: 403, detail: `no signature by a key this witness trusts for ${origin}` };
  if (request.oldSize > size) return { ok: false, origin, status: 400, detail: `old size ${request.oldSize} is beyond the checkpoint's size ${size}` };
  const noteBody = shared.noteParts(request.note)?.body ?? '';
  return deps.state.update<AddCheckpointResult>(origin, async (current) => {
    const have = current?.size ?? 0;
    if (request.oldSize !== have) {
      return { result: { ok: false, origin, status: 409, size: have, detail: `this witness last cosigned size ${have} of ${origin}, not ${request.oldSize}` } };
    }
    if (request.oldSize === size) {
      if (current !== undefined && !current.root.equals(root)) {
        return { result: { ok: false, origin, status: 409, size: have, detail: `size ${size} was cosigned with another root: a split view of ${origin}` } };
      }
      if (request.proof.length > 0) return { result: { ok: false, origin, status: 422, detail: 'a checkpoint of the old size needs an empty proof' } };
    } else if (current === undefined || request.oldSize === 0) {
      if (request.proof.length > 0) return { result: { ok: false, origin, status: 422, detail: 'the proof must be empty when the old size is 0' } };
    } else if (!(await shared.verifyConsistency(request.oldSize, size, current.root, root, request.proof, nodeSha256))) {
      return { result: { ok: false, origin, status: 422, detail: `size ${size} is not an append-only extension of the cosigned size ${have} of ${origin}` } };
    }
    const cosignature = await cosignatureLine(noteBody, Math.floor(Date.parse(deps.clock.now()) / 1000), deps.signer);
    return { save: { size, root }, result: { ok: true, origin, size, cosignature } };
  });
};
