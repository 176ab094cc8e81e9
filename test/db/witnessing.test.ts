import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Ed25519NoteSigner } from '../../src/adapters/crypto/node-signer.ts';
import { HttpWitnessClient } from '../../src/adapters/witness/http-client.ts';
import { FileWitnessState } from '../../src/adapters/witness/file-state.ts';
import { makeCheckpoint } from '../../src/core/use-cases/checkpoint.ts';
import { buildExportBundle } from '../../src/core/use-cases/export-bundle.ts';
import { verifyBundle } from '../../src/core/use-cases/verify-bundle.ts';
import { collectCosignatures } from '../../src/core/use-cases/witnessing.ts';
import { cosignerVerifierKey } from '../../src/core/witness.ts';
import { buildWitnessApp } from '../../src/http/witness-app.ts';
import { engines } from '../support/engines.ts';
import * as f from '../support/factories.ts';
import { AUDITOR, createTestLedger, type TestLedger } from '../support/ledger.ts';
import { closedPort } from '../support/net.ts';

// The log's side of witnessing and the witness's HTTP layer in one process (the e2e test runs them
// as separate processes): what the checkpointer keeps, and what a verifier then demands.
describe.each(await engines())('collecting cosignatures (%s)', (engine) => {
  const dir = mkdtempSync(path.join(tmpdir(), 'plant-witnessing-'));
  let t: TestLedger;
  let app: FastifyInstance;
  let url = '';
  const signer = new Ed25519NoteSigner('witness.test/inproc', generateKeyPairSync('ed25519').privateKey);
  const vkey = cosignerVerifierKey(signer);
  beforeAll(async () => {
    t = await createTestLedger(engine, 'Ed25519');
    app = buildWitnessApp({ state: new FileWitnessState(dir), signer, logs: new Map([[t.log.origin, [t.log.vkey]]]), clock: { now: () => new Date().toISOString() } }, 'silent');
    url = await app.listen({ host: '127.0.0.1', port: 0 });
  });
  afterAll(async () => {
    await app.close();
    await t.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps what a witness cosigns, extends it with a consistency proof, and a verifier counts it', async () => {
    const witness = new HttpWitnessClient(url, vkey, 2000);
    expect(await collectCosignatures(t.log, [])).toEqual([]);
    await f.skill(t.write, { certified: false });
    const first = await makeCheckpoint(t.log);
    expect(await collectCosignatures(t.log, [witness])).toEqual([{ witness: url, outcome: 'cosigned', size: first.size }]);
    expect(await collectCosignatures(t.log, [witness])).toEqual([{ witness: url, outcome: 'already', size: first.size }]);
    await f.skill(t.write, { certified: false });
    const second = await makeCheckpoint(t.log);
    expect(await collectCosignatures(t.log, [witness])).toEqual([{ witness: url, outcome: 'cosigned', size: second.size }]);
    expect(await t.log.store.lastCosignedSize(vkey)).toBe(second.size);
    expect((await t.log.store.latestCheckpoint())?.cosignatures).toHaveLength(1);

    const { bundle } = await buildExportBundle({ ...t.audit, keys: t.deps.keys, log: t.log }, AUDITOR);
    const other = cosignerVerifierKey(new Ed25519NoteSigner('witness.test/other', generateKeyPairSync('ed25519').privateKey));
    const once = await verifyBundle(bundle, { verifier: t.verifier, logKey: t.log.vkey, witnesses: { keys: [vkey], min: 1 } });
    expect(once.problems).toEqual([]);
    expect(once.checked.witnesses).toEqual(['witness.test/inproc']);
    const twice = await verifyBundle(bundle, { verifier: t.verifier, logKey: t.log.vkey, witnesses: { keys: [vkey, other], min: 2 } });
    expect(twice.problems).toEqual([{ check: 'witness', detail: `1 of the required 2 witness cosignatures on the checkpoint of size ${second.size} (no cosignature by witness.test/other)` }]);
  });

  it('reports a witness that is down, one that refuses, and one whose answer is not under its configured key', async () => {
    await f.skill(t.write, { certified: false });
    const size = (await makeCheckpoint(t.log)).size;
    const down = new HttpWitnessClient(await closedPort(), vkey, 500);
    const impostor = new HttpWitnessClient(url, cosignerVerifierKey(new Ed25519NoteSigner('witness.test/inproc', generateKeyPairSync('ed25519').privateKey)), 2000);
    const outcomes = await collectCosignatures(t.log, [down, impostor]);
    expect(outcomes.map((o) => o.outcome)).toEqual(['unreachable', 'invalid']);
    const refusing = new HttpWitnessClient(`${url}/nowhere`, vkey, 2000);
    expect(await collectCosignatures(t.log, [refusing])).toEqual([expect.objectContaining({ outcome: 'refused', size })]);
  });

  it('the witness answers in the protocol\'s plain text: a size on 409, a reason otherwise, and describes itself', async () => {
    const latest = await t.log.store.latestCheckpoint();
    const stale = await fetch(`${url}/add-checkpoint`, { method: 'POST', body: `old 0\n\n${latest?.note ?? ''}` });
    expect(stale.status).toBe(409);
    expect(stale.headers.get('content-type')).toBe('text/x.tlog.size');
    const held = Number((await stale.text()).trim());
    expect(held).toBeGreaterThan(0);
    const bad = await fetch(`${url}/add-checkpoint`, { method: 'POST', body: 'old x\n\n' });
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain('"old <size>"');
    const about = (await (await fetch(`${url}/`)).json()) as { name: string; vkey: string; logs: { origin: string; size: number }[] };
    expect(about).toEqual({ name: 'witness.test/inproc', vkey, logs: [expect.objectContaining({ origin: t.log.origin, size: held })] });
  });
});
