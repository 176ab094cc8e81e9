import type { Hash } from '../../core/merkle.ts';
import type { WitnessAnswer, WitnessClient } from '../../core/ports/witness.ts';

/** How much of a witness's answer is read: a few cosignature lines, or a short reason. */
const MAX_ANSWER = 16 * 1024;

/** A C2SP tlog-witness reached over HTTP: POST <url>/add-checkpoint, within a timeout. */
export class HttpWitnessClient implements WitnessClient {
  constructor(
    readonly url: string,
    readonly vkey: string,
    private readonly timeoutMs: number,
  ) {}

  async addCheckpoint(oldSize: number, proof: readonly Hash[], note: string): Promise<WitnessAnswer> {
    const body = `old ${String(oldSize)}\n${proof.map((hash) => `${hash.toString('base64')}\n`).join('')}\n${note}`;
    let response: Response;
    let text: string;
    try {
      response = await fetch(`${this.url.replace(/\/+$/, '')}/add-checkpoint`, {
        method: 'POST',
        headers: { 'content-type': 'text/plain; charset=utf-8' },
        body,
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      text = (await response.text()).slice(0, MAX_ANSWER);
    } catch (error) {
      return { kind: 'unreachable', detail: (error as Error).message };
    }
    if (response.status === 200) return { kind: 'cosigned', lines: text.split('\n').filter((line) => line !== '') };
    if (response.status === 409) {
      const size = /^(\d{1,16})\n?$/.exec(text)?.[1];
      return { kind: 'conflict', size: size === undefined ? null : Number(size), detail: text.trim() };
    }
    return { kind: 'refused', status: response.status, detail: text.trim().slice(0, 500) };
  }
}
