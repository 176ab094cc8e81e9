import * as shared from '@plant/client/verify';
import { nodeSha256 } from '../canonical.ts';
import type { CheckpointRow, TransparencyLog } from '../ports/log.ts';
import type { WitnessAnswer, WitnessClient } from '../ports/witness.ts';

export type WitnessOutcome =
  | { witness: string; outcome: 'cosigned' | 'already'; size: number }
  | { witness: string; outcome: 'conflict' | 'refused' | 'unreachable' | 'invalid' | 'ahead'; size: number; detail: string };

/**
 * Takes the latest checkpoint to every witness that has not cosigned it yet, all at once, and
 * keeps each cosignature that verifies under that witness's configured key. The old size sent is
 * the last one the witness cosigned for this log; when the witness names another (409), it is
 * tried once more from that size. Nothing here is on the write path: a silent witness costs one
 * timeout per round and the next round tries again.
 */
export const collectCosignatures = async (log: Pick<TransparencyLog, 'store'>, witnesses: readonly WitnessClient[]): Promise<WitnessOutcome[]> => {
  if (witnesses.length === 0) return [];
  const latest = await log.store.latestCheckpoint();
  if (latest === undefined) return [];
  const cosigned = await shared.verifyCosignatures(shared.withSignatureLines(latest.note, latest.cosignatures), witnesses.map((w) => w.vkey), nodeSha256);
  const have = new Set(cosigned.valid.map((c) => c.vkey));
  return Promise.all(
    witnesses.map(async (witness): Promise<WitnessOutcome> => (have.has(witness.vkey) ? { witness: witness.url, outcome: 'already', size: latest.tree_size } : submit(log, witness, latest))),
  );
};

const submit = async (log: Pick<TransparencyLog, 'store'>, witness: WitnessClient, checkpoint: CheckpointRow): Promise<WitnessOutcome> => {
  const size = checkpoint.tree_size;
  const ask = async (oldSize: number): Promise<WitnessAnswer> => {
    const proof = oldSize === 0 || oldSize === size ? [] : await log.store.consistency(oldSize, size);
    return witness.addCheckpoint(oldSize, proof, checkpoint.note);
  };
  const last = (await log.store.lastCosignedSize(witness.vkey)) ?? 0;
  let answer = await ask(last <= size ? last : 0);
  if (answer.kind === 'conflict' && answer.size !== null && answer.size !== last) {
    if (answer.size > size) return { witness: witness.url, outcome: 'ahead', size, detail: `the witness has cosigned size ${answer.size}, beyond this checkpoint` };
    answer = await ask(answer.size);
  }
  if (answer.kind === 'conflict') return { witness: witness.url, outcome: 'conflict', size, detail: answer.detail };
  if (answer.kind === 'refused') return { witness: witness.url, outcome: 'refused', size, detail: `${answer.status}: ${answer.detail}` };
  if (answer.kind === 'unreachable') return { witness: witness.url, outcome: 'unreachable', size, detail: answer.detail };
  const report = await shared.verifyCosignatures(shared.withSignatureLines(checkpoint.note, answer.lines), [witness.vkey], nodeSha256);
  const valid = report.valid[0];
  if (valid === undefined) return { witness: witness.url, outcome: 'invalid', size, detail: report.problems.join('; ') };
  await log.store.saveCosignature({ tree_size: size, witness_key: witness.vkey, witness_name: valid.witness, timestamp: valid.timestamp, line: valid.line });
  return { witness: witness.url, outcome: 'cosigned', size };
};
