import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import { Webhook } from 'standardwebhooks';
import type { WebhookMessage, WebhookSender } from '../../core/ports/webhooks.ts';
import { isAllowedHost, isInternalAddress, targetHost } from '../../core/webhooks.ts';

export interface HttpSenderOptions {
  /** Hosts that may resolve to internal addresses (WEBHOOK_ALLOW_HOSTS). */
  allowHosts: readonly string[];
  /** For the whole attempt: connect, send, answer. */
  timeoutMs: number;
  /** How much of a response body is read before the connection is dropped. */
  maxResponseBytes?: number;
}

export class BlockedTarget extends Error {
  override name = 'BlockedTarget';
}

/**
 * Refuses any resolved address that is internal, at connection time: the addresses checked are
 * the ones connected to, so a DNS answer that changes after registration (or between a check and
 * the connect) cannot reach inside the network.
 */
const guardedLookup = (allowed: boolean): LookupFunction => (hostname, options, callback) => {
  dnsLookup(hostname, { ...options, all: true }, (error, addresses: LookupAddress[]) => {
    if (error !== null) {
      callback(error, '', 0);
      return;
    }
    const blocked = allowed ? undefined : addresses.find((a) => isInternalAddress(a.address));
    if (blocked !== undefined) {
      callback(new BlockedTarget(`${hostname} resolves to ${blocked.address}, a private, loopback or link-local address`), '', 0);
      return;
    }
    if (options.all === true) callback(null, addresses);
    else callback(null, addresses[0]?.address ?? '', addresses[0]?.family ?? 4);
  });
};

/**
 * Delivers Standard Webhooks messages with node:http: no redirects are followed (a 3xx is an
 * answer like any other), a response body is read only up to a cap, and one timeout bounds the
 * whole attempt, so a hanging receiver holds up nothing but its own subscription.
 */
export class HttpWebhookSender implements WebhookSender {
  constructor(private readonly options: HttpSenderOptions) {}

  send(target: { url: string; secret: string }, message: WebhookMessage): Promise<{ status: number }> {
    const url = new URL(target.url);
    const host = targetHost(url);
    const allowed = isAllowedHost(host, this.options.allowHosts);
    // An IP literal is connected to without a lookup, so it is checked here.
    if (!allowed && isIP(host) !== 0 && isInternalAddress(host)) {
      return Promise.reject(new BlockedTarget(`${host} is a private, loopback or link-local address`));
    }
    const cap = this.options.maxResponseBytes ?? 16_384;
    const headers = {
      'content-type': 'application/json',
      'user-agent': 'plant-webhooks/1',
      'webhook-id': message.id,
      'webhook-timestamp': String(Math.floor(message.timestamp.getTime() / 1000)),
      'webhook-signature': new Webhook(target.secret).sign(message.id, message.timestamp, message.body),
      'content-length': String(Buffer.byteLength(message.body)),
    };
    const transport = url.protocol === 'https:' ? https : http;
    return new Promise((resolve, reject) => {
      const request = transport.request(url, {
        method: 'POST',
        headers,
        lookup: guardedLookup(allowed),
        signal: AbortSignal.timeout(this.options.timeoutMs),
      });
      request.on('error', (error) => {
        reject(error.name === 'AbortError' || error.name === 'TimeoutError' ? new Error(`no answer within ${this.options.timeoutMs} ms`) : error);
      });
      request.on('response', (response) => {
        let read = 0;
        response.on('data', (chunk: Buffer) => {
          read += chunk.length;
          // The status is all that counts; a receiver streaming a large body is cut off.
          if (read > cap) response.destroy();
        });
        const answered = (): void => {
          resolve({ status: response.statusCode ?? 0 });
        };
        response.on('close', answered);
        response.on('error', answered);
      });
      request.end(message.body);
    });
  }
}
