import { createHash } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { GateUnavailable, type GateProposal, type GateVerdict, type GenesisGate } from '../../core/ports/gate.ts';

export interface WebhookGateOptions {
  url: string;
  /** Standard Webhooks secret (`whsec_…` base64). */
  secret: string;
  timeoutMs: number;
}

/**
 * The Genesis gate over HTTP: POSTs the proposal signed per Standard Webhooks (`webhook-id`,
 * `webhook-timestamp`, `webhook-signature`) and reads `{"verdict": "approve" | "deny", "reason"}`.
 * Anything else (no answer in time, a non-2xx status, a body that is not such a verdict) is
 * GateUnavailable: the request keeps waiting and is asked again.
 */
export class WebhookGate implements GenesisGate {
  private readonly signer: Webhook;

  constructor(private readonly options: WebhookGateOptions) {
    this.signer = new Webhook(options.secret);
  }

  async ask(proposal: GateProposal): Promise<GateVerdict> {
    const body = JSON.stringify({ type: 'certification.proposed', timestamp: new Date().toISOString(), data: proposal });
    const id = `msg_${proposal.id}`;
    const at = new Date();
    let res: Response;
    try {
      res = await fetch(this.options.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'webhook-id': id,
          'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
          'webhook-signature': this.signer.sign(id, at, body),
        },
        body,
        signal: AbortSignal.timeout(this.options.timeoutMs),
      });
    } catch (error) {
      const timedOut = (error as { name?: string }).name === 'TimeoutError';
      throw new GateUnavailable(timedOut ? `no answer within ${this.options.timeoutMs} ms` : `unreachable: ${(error as Error).message}`);
    }
    const text = await res.text().catch(() => '');
    if (!res.ok) throw new GateUnavailable(`answered HTTP ${res.status}`);
    let answer: unknown;
    try {
      answer = JSON.parse(text);
    } catch {
      throw new GateUnavailable('answered with a body that is not JSON');
    }
    const { verdict, reason } = (answer ?? {}) as { verdict?: unknown; reason?: unknown };
    if ((verdict !== 'approve' && verdict !== 'deny') || (reason !== undefined && reason !== null && typeof reason !== 'string')) {
      throw new GateUnavailable('answered without a verdict ("approve" or "deny", and an optional string reason)');
    }
    return { verdict, reason: typeof reason === 'string' ? reason.slice(0, 2000) : null, response_hash: createHash('sha256').update(text).digest('hex') };
  }
}
