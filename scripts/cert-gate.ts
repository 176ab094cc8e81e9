// Certificate gate: before a load balancer's proxy is pointed at a new certificate, wait until
// that certificate is ACTIVE for every domain it covers. Abort at once on any FAILED_* status,
// and abort on timeout; in both cases the proxy keeps the certificate it serves now.
// This is the check whose absence took CP, PP and Plant down on 2026-01-15.
//
//   npx tsx scripts/cert-gate.ts --certificate plant-demo-tls-v1 [--timeout 3600] [--interval 30]
//     [--status-command "gcloud compute ssl-certificates describe {name} --global --format=json"]
//
// Exit codes: 0 ACTIVE, 2 FAILED_* (named), 3 timed out, 4 status unavailable or usage error.
import { execFileSync } from 'node:child_process';
import { parseArgs } from 'node:util';

export interface CertificateStatus {
  managed?: { status?: string; domainStatus?: Record<string, string> };
}

export type Verdict = { kind: 'active' } | { kind: 'failed'; reason: string } | { kind: 'wait'; reason: string };

/** Pure decision on one status reading (gcloud's `describe --format=json` shape). */
export const judge = (status: CertificateStatus): Verdict => {
  const managed = status.managed ?? {};
  const domains = Object.entries(managed.domainStatus ?? {});
  const failed = domains.filter(([, s]) => s.startsWith('FAILED'));
  if (failed.length > 0) return { kind: 'failed', reason: failed.map(([d, s]) => `${d}: ${s}`).join(', ') };
  if ((managed.status ?? '').startsWith('FAILED')) return { kind: 'failed', reason: `certificate ${String(managed.status)}` };
  const pending = domains.filter(([, s]) => s !== 'ACTIVE');
  if (managed.status === 'ACTIVE' && domains.length > 0 && pending.length === 0) return { kind: 'active' };
  return {
    kind: 'wait',
    reason: `status ${managed.status ?? 'unknown'}${pending.length > 0 ? `; waiting on ${pending.map(([d, s]) => `${d}: ${s}`).join(', ')}` : ''}`,
  };
};

const main = async (): Promise<number> => {
  const { values } = parseArgs({
    options: {
      certificate: { type: 'string' },
      timeout: { type: 'string', default: '3600' },
      interval: { type: 'string', default: '30' },
      'status-command': { type: 'string', default: 'gcloud compute ssl-certificates describe {name} --global --format=json' },
    },
  });
  const name = values.certificate;
  const timeout = Number(values.timeout) * 1000;
  const interval = Number(values.interval) * 1000;
  if (name === undefined || !/^[a-z][a-z0-9-]{1,61}[a-z0-9]$/.test(name) || !(timeout > 0) || !(interval > 0)) {
    process.stderr.write('usage: cert-gate --certificate NAME [--timeout SECONDS] [--interval SECONDS] [--status-command CMD]\n');
    return 4;
  }
  // No shell: the command is split on spaces and {name} substituted, so nothing is interpreted.
  const [command, ...args] = values['status-command'].split(' ').filter((a) => a !== '').map((a) => a.replaceAll('{name}', name));
  if (command === undefined) return 4;
  const deadline = Date.now() + timeout;
  for (;;) {
    let status: CertificateStatus;
    try {
      status = JSON.parse(execFileSync(command, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })) as CertificateStatus;
    } catch (error) {
      process.stderr.write(`cert-gate: cannot read the status of ${name}: ${(error as Error).message.split('\n')[0] ?? ''}\n`);
      return 4;
    }
    const verdict = judge(status);
    if (verdict.kind === 'active') {
      process.stdout.write(`cert-gate: ${name} is ACTIVE for every domain; the proxy may use it\n`);
      return 0;
    }
    if (verdict.kind === 'failed') {
      process.stderr.write(`cert-gate: ${name} FAILED (${verdict.reason}); aborting, the proxy keeps its current certificate\n`);
      return 2;
    }
    if (Date.now() + interval > deadline) {
      process.stderr.write(`cert-gate: ${name} not ACTIVE after ${values.timeout} s (${verdict.reason}); aborting, the proxy keeps its current certificate\n`);
      return 3;
    }
    process.stdout.write(`cert-gate: ${name}: ${verdict.reason}; checking again in ${values.interval} s\n`);
    await new Promise((resolve) => setTimeout(resolve, interval));
  }
};

if (import.meta.url === `file://${process.argv[1] ?? ''}`) process.exitCode = await main();
