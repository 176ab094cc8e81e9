import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';

export type GateBehaviour = 'approve' | 'deny' | 'slow' | 'garbage' | 'error';

export interface StubGate {
  url: string;
  /** The Standard Webhooks secret the stub verifies requests with. */
  secret: string;
  behave(b: GateBehaviour): void;
  /** Every request, with whether its signature verified. */
  seen: { verified: boolean; body: { data: { entity_id: string; approvals: unknown[] } } }[];
  server: Server;
  stop(): Promise<void>;
}

/**
 * A local stand-in for the Genesis gate: verifies each request's Standard Webhooks signature and
 * answers as told (a verdict, slowly, with a 503, or with something that is not a verdict).
 */
export const startStubGate = async (secret = `whsec_${Buffer.from('a test secret of thirty-two bytes').toString('base64')}`): Promise<StubGate> => {
  let behaviour: GateBehaviour = 'approve';
  const seen: StubGate['seen'] = [];
  const verifier = new Webhook(secret);
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let text = '';
    req.on('data', (c: Buffer) => (text += c.toString()));
    req.on('end', () => {
      let verified = true;
      try {
        verifier.verify(text, req.headers as Record<string, string>);
      } catch {
        verified = false;
      }
      seen.push({ verified, body: JSON.parse(text) as StubGate['seen'][number]['body'] });
      if (behaviour === 'slow') {
        // Well past the tests' gate timeout (1.5 s), so "slow" never turns into an answer on a loaded machine.
        setTimeout(() => res.end(JSON.stringify({ verdict: 'approve' })), 5000);
        return;
      }
      if (behaviour === 'error') {
        res.statusCode = 503;
        res.end('down for maintenance');
        return;
      }
      res.setHeader('content-type', 'application/json');
      res.end(behaviour === 'garbage' ? '{"verdict":"maybe"}' : JSON.stringify({ verdict: behaviour, reason: behaviour === 'deny' ? 'conflicts with article 4' : 'consistent with the constitution' }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/gate`,
    secret,
    behave: (b) => (behaviour = b),
    seen,
    server,
    stop: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => {
          resolve();
        });
      }),
  };
};
