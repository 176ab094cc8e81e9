import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';

/** How the receiver answers: 204, a 500, after a delay, never (hangs), or by closing the socket. */
export type ReceiverBehaviour = 'ok' | 'error' | 'slow' | 'hang' | 'close';

export interface ReceivedEvent {
  path: string;
  id: string;
  /** Whether the standardwebhooks package (an independent implementation) accepted the signature. */
  verified: boolean;
  body: { type: string; timestamp: string; data: { leaf_index: number; entity_id: string; entity_type: string; version: number; operation: string; hash: string; entity: { id: string; version: number } | null } };
  at: number;
}

export interface Receiver {
  /** The base URL; subscriptions use `${url}/<path>` to be told apart. */
  url: string;
  /** Sets the behaviour for one path (or, without one, for every path). */
  behave(b: ReceiverBehaviour, path?: string): void;
  /** Accepted events (2xx answers only), in arrival order. */
  received: ReceivedEvent[];
  /** Every request, whatever was answered. */
  requests: number;
  /** The most requests one path had open at once. */
  maxConcurrent: Map<string, number>;
  slowMs: number;
  stop(): Promise<void>;
}

/** Verifies with the subscription's secret: secrets are registered per path as subscriptions are made. */
export const startReceiver = async (secrets: Map<string, string>): Promise<Receiver> => {
  const behaviours = new Map<string, ReceiverBehaviour>();
  let fallback: ReceiverBehaviour = 'ok';
  const open = new Map<string, number>();
  const receiver: Receiver = {
    url: '',
    behave: (b, path) => {
      if (path === undefined) {
        fallback = b;
        behaviours.clear();
      } else behaviours.set(path, b);
    },
    received: [],
    requests: 0,
    maxConcurrent: new Map(),
    slowMs: 300,
    stop: () => Promise.resolve(),
  };
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const path = req.url ?? '/';
    receiver.requests += 1;
    const now = (open.get(path) ?? 0) + 1;
    open.set(path, now);
    receiver.maxConcurrent.set(path, Math.max(now, receiver.maxConcurrent.get(path) ?? 0));
    const done = (): void => {
      open.set(path, (open.get(path) ?? 1) - 1);
    };
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const behaviour = behaviours.get(path) ?? fallback;
      const accept = (): void => {
        let verified = false;
        const secret = secrets.get(path);
        try {
          if (secret !== undefined) {
            new Webhook(secret).verify(text, req.headers as Record<string, string>);
            verified = true;
          }
        } catch {
          verified = false;
        }
        receiver.received.push({ path, id: String(req.headers['webhook-id']), verified, body: JSON.parse(text) as ReceivedEvent['body'], at: Date.now() });
        done();
        res.statusCode = 204;
        res.end();
      };
      if (behaviour === 'ok') accept();
      else if (behaviour === 'slow') setTimeout(accept, receiver.slowMs);
      else if (behaviour === 'error') {
        done();
        res.statusCode = 500;
        res.end('receiver is broken');
      } else if (behaviour === 'close') {
        done();
        req.socket.destroy();
      } else {
        // 'hang': never answer; the sender's timeout ends it.
        res.on('close', done);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  receiver.stop = () =>
    new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => {
        resolve();
      });
    });
  return receiver;
};

/** Polls until `ready` holds or the time is up (then the caller's expectation reports what is missing). */
export const eventually = async (ready: () => boolean | Promise<boolean>, timeoutMs = 15_000, everyMs = 25): Promise<void> => {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await ready()) return;
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
};
