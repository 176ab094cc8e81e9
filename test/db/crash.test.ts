import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAudit } from '../../src/core/use-cases/audit.ts';
import { postgresReachable } from '../support/engines.ts';
import { AUDITOR, createTestLedger, testKey, type TestLedger } from '../support/ledger.ts';

describe.skipIf(!(await postgresReachable()))('crash safety on PostgreSQL', () => {
  let t: TestLedger;
  beforeAll(async () => {
    t = await createTestLedger('postgres');
  });
  afterAll(async () => {
    await t.close();
  });

  it('after SIGKILL mid-load, every acknowledged write is present and every chain verifies', async () => {
    const key = await testKey('Ed25519');
    const pem = key.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
    const child = spawn(process.execPath, ['--import', 'tsx', 'test/support/crash-writer.ts'], {
      env: { ...process.env, CRASH_DATABASE_URL: t.serviceUrl ?? '', CRASH_SIGNING_KEY: pem },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const acked = new Map<string, number>();
    const lines = createInterface({ input: child.stdout });
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => { resolve(signal); }));
    await new Promise<void>((resolve) => {
      lines.on('line', (line) => {
        const [word, id, version] = line.split(' ');
        if (word !== 'ack' || id === undefined) return;
        acked.set(id, Math.max(acked.get(id) ?? 0, Number(version)));
        // Kill while four writers are mid-transaction, well into the load.
        if ([...acked.values()].reduce((a, b) => a + b, 0) >= 120) {
          child.kill('SIGKILL');
          resolve();
        }
      });
    });
    expect(await exited).toBe('SIGKILL');

    for (const [id, version] of acked) {
      const stored = await t.store.getEntity(id);
      expect(stored, `acknowledged entity ${id}`).toBeDefined();
      expect(stored?.version ?? 0).toBeGreaterThanOrEqual(version);
    }
    const report = await runAudit(t.audit, AUDITOR, {});
    expect(report.total_entities).toBeGreaterThanOrEqual(acked.size);
    expect(report.statistics.hash_chain_intact).toBe(report.total_entities);
    expect(report.compliant).toBe(report.total_entities);
  });
});
