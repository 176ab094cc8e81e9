import type { Change } from '@plant/client';
import { createParser } from 'eventsource-parser';

export interface LiveOptions {
  token: string;
  /** The last leaf index already seen; the stream starts after it. */
  after: number;
  onChange: (change: Change) => void;
  /** Connected (true) or waiting to reconnect (false). */
  onStatus: (connected: boolean) => void;
  signal: AbortSignal;
}

const RETRY_MS = 2000;

const pause = (ms: number, signal: AbortSignal): Promise<void> =>
  new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => { clearTimeout(timer); resolve(); }, { once: true });
  });

/**
 * Follows /api/v1/changes/stream until the signal aborts. EventSource cannot send a bearer token,
 * so this reads the same Server-Sent Events through fetch and resumes with Last-Event-ID whenever
 * the server ends a stream (it does every few minutes) or the network drops.
 */
export const followChanges = async (o: LiveOptions): Promise<void> => {
  let last = o.after;
  // A function, not the property: the signal changes while this awaits.
  const stopped = (): boolean => o.signal.aborted;
  while (!stopped()) {
    try {
      const response = await fetch(`/api/v1/changes/stream?after=${String(last)}`, {
        headers: { authorization: `Bearer ${o.token}`, accept: 'text/event-stream', 'last-event-id': String(last) },
        signal: o.signal,
      });
      if (!response.ok || response.body === null) throw new Error(`change stream answered ${String(response.status)}`);
      o.onStatus(true);
      const parser = createParser({
        onEvent: (event) => {
          if (event.event !== 'change') return;
          const change = JSON.parse(event.data) as Change;
          last = change.leaf_index;
          o.onChange(change);
        },
      });
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        parser.feed(value);
      }
    } catch {
      // An abort ends the loop below; anything else is retried after a pause.
    }
    if (stopped()) return;
    o.onStatus(false);
    await pause(RETRY_MS, o.signal);
  }
};
