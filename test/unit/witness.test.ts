import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { noteParts, parseCosignerKey, parseVerifierKey, verifyCosignatures, withSignatureLines } from '../../clients/typescript/src/verify/index.ts';
import { Ed25519NoteSigner } from '../../src/adapters/crypto/node-signer.ts';
import { FileWitnessState } from '../../src/adapters/witness/file-state.ts';
import { signCheckpoint, verifierKey } from '../../src/core/checkpoint.ts';
import { consistencyProof, hashLeaf, MemoryTree } from '../../src/core/merkle.ts';
import { addCheckpoint, cosignatureLine, cosignerVerifierKey, parseAddCheckpoint, type WitnessDeps } from '../../src/core/witness.ts';

// A checkpoint of a public log and a public witness's cosignature on it, as published by
// transparency-dev (arche2025h1 staging log, witness remora.n621.de), and the verifier key of
// golang.org/x/mod's sumdb/note tests: implementations outside this project agree with ours.
const ARCHE_NOTE = `arche2025h1.staging.ct.transparency.dev
1432088532
U7WM79jrzyhGZ5/GUBTpM7NzwdyfFx61t3RovgcC4Ro=

— arche2025h1.staging.ct.transparency.dev ui8GwCF1+kWqZrxGdhj4aX3gcw7XUlXQQabg/27lefwhUkzbC3NygNI75MdhL1bfTW9g8Ei59RA23oHP7Ry1k3ZFWwQ=
— remora.n621.de 2net5wAAAABqEiEgPlfF3V06o0Y+fHM+J5J9s27wgxxcOVSpZ/2g/KSiXCg9DEZI+aVCIobWX9sXTynk5XeU/zZ0WBxtqB0DrAWfBw==
`;
const REMORA = 'remora.n621.de+da77ade7+BOvN63jn/bLvkieywe8R6UYAtVtNbZpXh34x7onlmtw2';
const PETER = 'PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW';

describe('cosignatures against published vectors', () => {
  it('verifies a real witness cosignature and its key, and refuses it on another checkpoint', async () => {
    const report = await verifyCosignatures(ARCHE_NOTE, [REMORA]);
    expect(report.problems).toEqual([]);
    expect(report.valid).toMatchObject([{ witness: 'remora.n621.de', timestamp: 1779573024 }]);
    const moved = await verifyCosignatures(ARCHE_NOTE.replace('1432088532', '1432088533'), [REMORA]);
    expect(moved.valid).toEqual([]);
    expect(moved.problems).toEqual(['cosignature by remora.n621.de does not verify on this checkpoint']);
    expect(typeof (await parseVerifierKey(PETER))).toBe('object');
    expect(await parseCosignerKey(PETER)).toBe('verifier key is not an Ed25519 cosigner key (type 0x04)');
    expect(await parseCosignerKey(REMORA.replace('da77ade7', 'da77ade8'))).toBe('verifier key id does not match its key');
  });

  it('our cosigner key and line round-trip through the shared verifier', async () => {
    const signer = new Ed25519NoteSigner('witness.test/w', generateKeyPairSync('ed25519').privateKey);
    const body = 'example.com/log\n5\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n';
    const line = await cosignatureLine(body, 1_700_000_000, signer);
    const note = withSignatureLines(`${body}\n— example.com/log AAAA\n`, [line]);
    const report = await verifyCosignatures(note, [cosignerVerifierKey(signer)]);
    expect(report.valid).toMatchObject([{ witness: 'witness.test/w', timestamp: 1_700_000_000, line }]);
    // A line already present is not repeated.
    expect(withSignatureLines(note, [line])).toBe(note);
    expect(noteParts(note)?.signatures).toEqual(['— example.com/log AAAA', line]);
    // Keys that cannot be read, a key given twice, a note with no signatures, a forged time.
    const twice = await verifyCosignatures(note, [cosignerVerifierKey(signer), cosignerVerifierKey(signer), 'not a key']);
    expect(twice.valid).toHaveLength(1);
    expect(twice.problems).toEqual(['witness key not a key: malformed verifier key']);
    expect(await verifyCosignatures(body, [cosignerVerifierKey(signer)])).toEqual({ valid: [], problems: ['note has no signature block'] });
    const blob = Buffer.from(line.split(' ')[2] ?? '', 'base64');
    blob.writeBigUInt64BE(1_700_000_001n, 4);
    const forged = withSignatureLines(`${body}\n— example.com/log AAAA\n`, [`— witness.test/w ${blob.toString('base64')}`]);
    expect((await verifyCosignatures(forged, [cosignerVerifierKey(signer)])).problems).toEqual(['cosignature by witness.test/w does not verify on this checkpoint']);
    blob.writeBigUInt64BE(2n ** 63n, 4);
    const huge = withSignatureLines(`${body}\n— example.com/log AAAA\n`, [`— witness.test/w ${blob.toString('base64')}`]);
    expect((await verifyCosignatures(huge, [cosignerVerifierKey(signer)])).valid).toEqual([]);
    expect((await verifyCosignatures(`${body}\n— example.com/log AAAA\n`, [cosignerVerifierKey(signer)])).problems).toEqual(['no cosignature by witness.test/w']);
  });
});

describe('the witness (C2SP tlog-witness add-checkpoint)', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'plant-witness-unit-'));
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });
  const ORIGIN = 'test.example/log';
  const logSigner = new Ed25519NoteSigner(ORIGIN, generateKeyPairSync('ed25519').privateKey);
  const witnessSigner = new Ed25519NoteSigner('witness.test/w1', generateKeyPairSync('ed25519').privateKey);
  const tree = new MemoryTree(Array.from({ length: 20 }, (_, i) => hashLeaf(Buffer.from(`leaf ${i}`))));
  const fork = new MemoryTree(Array.from({ length: 20 }, (_, i) => hashLeaf(Buffer.from(i < 4 ? `leaf ${i}` : `other ${i}`))));
  const clock = { now: () => '2026-12-04T12:00:00.000Z' };
  const deps = (stateDir: string): WitnessDeps => ({ state: new FileWitnessState(stateDir), signer: witnessSigner, logs: new Map([[ORIGIN, [verifierKey(logSigner)]]]), clock });
  const note = (t: MemoryTree, size: number, signer = logSigner, origin = ORIGIN): Promise<string> => signCheckpoint({ origin, size, root: t.root(size) }, signer);
  const request = async (old: number, size: number, t = tree, proof = old === 0 || old === size ? [] : consistencyProof(t, old, size)): Promise<string> =>
    `old ${old}\n${proof.map((h) => `${h.toString('base64')}\n`).join('')}\n${await note(t, size)}`;

  it('cosigns a growing log, refuses stale sizes, forks, rollbacks and bad proofs, and keeps its state across restarts', async () => {
    const stateDir = path.join(dir, 'a');
    const w = deps(stateDir);
    const first = await addCheckpoint(w, await request(0, 3));
    expect(first).toMatchObject({ ok: true, size: 3 });
    const cosigned = first.ok ? withSignatureLines(await note(tree, 3), [first.cosignature]) : '';
    expect((await verifyCosignatures(cosigned, [cosignerVerifierKey(witnessSigner)])).valid).toHaveLength(1);
    expect(await addCheckpoint(w, await request(3, 8))).toMatchObject({ ok: true, size: 8 });
    // The same checkpoint again (another server of the same log) is cosigned again.
    expect(await addCheckpoint(w, await request(8, 8))).toMatchObject({ ok: true, size: 8 });

    expect(await addCheckpoint(w, await request(3, 12))).toMatchObject({ ok: false, status: 409, size: 8 });
    expect(await addCheckpoint(w, await request(8, 5, tree, []))).toMatchObject({ ok: false, status: 400 });
    expect(await addCheckpoint(w, await request(0, 5))).toMatchObject({ ok: false, status: 409, size: 8 });
    // A forked history under the same key: not an extension of what was cosigned.
    expect(await addCheckpoint(w, await request(8, 12, fork))).toMatchObject({ ok: false, status: 422 });
    expect(await addCheckpoint(w, await request(8, 8, fork))).toMatchObject({ ok: false, status: 409 });
    expect(await addCheckpoint(w, await request(8, 12, tree, consistencyProof(tree, 7, 12)))).toMatchObject({ ok: false, status: 422 });

    const restarted = deps(stateDir);
    expect(await restarted.state.get(ORIGIN)).toEqual({ size: 8, root: tree.root(8) });
    expect(await addCheckpoint(restarted, await request(0, 12))).toMatchObject({ ok: false, status: 409, size: 8 });
    expect(await addCheckpoint(restarted, await request(8, 12))).toMatchObject({ ok: true, size: 12 });
    expect(JSON.parse(readFileSync(path.join(stateDir, 'state.json'), 'utf8'))).toMatchObject({ logs: { [ORIGIN]: { size: 12 } } });
  });

  it('checks and records atomically: of two requests from the same old size one is cosigned', async () => {
    const w = deps(path.join(dir, 'b'));
    await addCheckpoint(w, await request(0, 4));
    const [a, b] = await Promise.all([addCheckpoint(w, await request(4, 9)), addCheckpoint(w, await request(4, 15))]);
    expect([a.ok, b.ok].sort()).toEqual([false, true]);
    expect([a, b].find((r) => !r.ok)).toMatchObject({ status: 409 });
  });

  it('answers malformed requests, unknown logs and untrusted signatures with the statuses of the spec', async () => {
    const w = deps(path.join(dir, 'c'));
    const good = await note(tree, 3);
    expect(await addCheckpoint(w, 'nonsense')).toMatchObject({ status: 400 });
    expect(await addCheckpoint(w, `old 01\n\n${good}`)).toMatchObject({ status: 400 });
    expect(await addCheckpoint(w, `old 0\nnot-base64\n\n${good}`)).toMatchObject({ status: 400 });
    expect(await addCheckpoint(w, `old 0\n${'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n'.repeat(64)}\n${good}`)).toMatchObject({ status: 400 });
    expect(await addCheckpoint(w, 'old 0\n\nnot a checkpoint\n\n— x y\n')).toMatchObject({ status: 400 });
    expect(await addCheckpoint(w, `old 0\n\n${await note(tree, 3, logSigner, 'other.example/log')}`)).toMatchObject({ status: 404 });
    const impostor = new Ed25519NoteSigner(ORIGIN, generateKeyPairSync('ed25519').privateKey);
    expect(await addCheckpoint(w, `old 0\n\n${await note(tree, 3, impostor)}`)).toMatchObject({ status: 403 });
    expect(await addCheckpoint(w, `old 0\n${consistencyProof(tree, 2, 3)[0]?.toString('base64') ?? ''}\n\n${good}`)).toMatchObject({ status: 422 });
    expect(parseAddCheckpoint(`old 0\n\n${good}`)).toMatchObject({ oldSize: 0, proof: [], note: good });
    // Nothing refused was recorded.
    expect(await w.state.get(ORIGIN)).toBeUndefined();
  });
});
