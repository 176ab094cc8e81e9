import { BlockList, isIP } from 'node:net';
import type { FieldError } from './errors.ts';

/**
 * Webhook targets. A URL is checked twice: at registration (its scheme and, when it is an IP
 * literal, its address) and at delivery (every address its host resolves to then), so a name
 * that later points inside the network is refused when it matters.
 */

/** Addresses a webhook may not reach unless its host is allow-listed (WEBHOOK_ALLOW_HOSTS). */
const INTERNAL = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8], // "this network"
  ['10.0.0.0', 8],
  ['100.64.0.0', 10], // carrier-grade NAT
  ['127.0.0.0', 8],
  ['169.254.0.0', 16], // link-local, cloud metadata
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved and broadcast
] as const) {
  INTERNAL.addSubnet(net, prefix, 'ipv4');
}
for (const [net, prefix] of [
  ['::', 128], // unspecified
  ['::1', 128],
  ['fc00::', 7], // unique local
  ['fe80::', 10], // link-local
  ['ff00::', 8], // multicast
  ['64:ff9b::', 96], // NAT64 reaches IPv4 space
  ['2002::', 16], // 6to4 embeds an IPv4 address
] as const) {
  INTERNAL.addSubnet(net, prefix, 'ipv6');
}

const MAPPED_V4 = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i;

/** True for loopback, private, link-local, multicast and other non-public addresses (IPv4-mapped IPv6 included). */
export const isInternalAddress = (address: string): boolean => {
  const bare = address.replace(/^\[|\]$/g, '');
  const mapped = MAPPED_V4.exec(bare)?.[1];
  if (mapped !== undefined) return INTERNAL.check(mapped, 'ipv4');
  const family = isIP(bare);
  if (family === 0) return true;
  return INTERNAL.check(bare, family === 4 ? 'ipv4' : 'ipv6');
};

/** The host part a URL connects to, lower-case and without IPv6 brackets. */
export const targetHost = (url: URL): string => url.hostname.toLowerCase().replace(/^\[|\]$/g, '');

export const isAllowedHost = (host: string, allowHosts: readonly string[]): boolean => allowHosts.includes(host.toLowerCase());

/**
 * Registration rules: https only and a public IP literal, unless the host is allow-listed (which
 * permits http and internal addresses, for receivers inside the deployment and for tests).
 * Credentials in the URL and fragments are refused: the secret signs, nothing else authenticates.
 */
export const targetProblems = (raw: string, allowHosts: readonly string[]): FieldError[] => {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return [{ field: 'url', message: 'must be an absolute URL' }];
  }
  const problems: string[] = [];
  const host = targetHost(url);
  const allowed = isAllowedHost(host, allowHosts);
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && allowed)) {
    problems.push(allowed ? 'must be http or https' : 'must be https (http only for hosts in WEBHOOK_ALLOW_HOSTS)');
  }
  if (url.username !== '' || url.password !== '') problems.push('must not carry credentials');
  if (url.hash !== '') problems.push('must not have a fragment');
  if (!allowed && (isIP(host) !== 0 || MAPPED_V4.test(host)) && isInternalAddress(host)) {
    problems.push(`${host} is a private, loopback or link-local address (allow it with WEBHOOK_ALLOW_HOSTS)`);
  }
  if (!allowed && (host === 'localhost' || host.endsWith('.localhost'))) problems.push('localhost is not reachable from outside (allow it with WEBHOOK_ALLOW_HOSTS)');
  return problems.map((message) => ({ field: 'url', message }));
};

/** How failures are retried and when a subscription is given up on. */
export interface RetryPolicy {
  /** The first wait; each consecutive failure doubles it. */
  baseMs: number;
  /** No wait is longer (a day by default). */
  maxMs: number;
  /** Attempts after which one event is a dead letter and delivery moves on. */
  maxAttempts: number;
  /** Consecutive failed attempts after which the subscription is disabled. */
  disableAfter: number;
}

/**
 * The wait after the n-th consecutive failure: base·2^(n-1), capped, with "equal jitter" (half
 * fixed, half random) so receivers coming back are not hit by every sender at once.
 */
export const retryDelayMs = (failures: number, policy: Pick<RetryPolicy, 'baseMs' | 'maxMs'>, random: () => number = Math.random): number => {
  const exp = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.min(Math.max(failures - 1, 0), 40));
  return Math.round(exp / 2 + (exp / 2) * random());
};
