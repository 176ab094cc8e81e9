import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseVerifierKey } from '@plant/client/verify';
import { loadOrCreateDevKey, signingKeyFromPem } from '../adapters/crypto/keys.ts';
import { Ed25519NoteSigner } from '../adapters/crypto/node-signer.ts';
import { lockDirectory } from '../adapters/db/embedded-lock.ts';
import { FileWitnessState } from '../adapters/witness/file-state.ts';
import { nodeSha256 } from '../core/canonical.ts';
import { cosignerVerifierKey } from '../core/witness.ts';
import { buildWitnessApp } from '../http/witness-app.ts';
import { systemClock } from './clock-and-ids.ts';

export interface WitnessOptions {
  /** The witness's key name, e.g. witness.example.com/w1 (no spaces, '+' or newlines). */
  name: string;
  /** Its own state: the last cosigned checkpoint of each log, and its key unless keyFile is given. */
  stateDir: string;
  /** A PKCS#8 PEM Ed25519 private key; absent, one is made in stateDir on first start and kept. */
  keyFile?: string | undefined;
  /** The logs it witnesses: each log's note verifier key, whose name is the log's origin. */
  logs: readonly string[];
}

export class WitnessConfigError extends Error {}

/** The witness's signer: the given key, or the one kept in its state directory. */
export const witnessSigner = async (options: Pick<WitnessOptions, 'name' | 'stateDir' | 'keyFile'>): Promise<Ed25519NoteSigner> => {
  if (options.name === '' || /[\s+]/.test(options.name)) throw new WitnessConfigError('--name: a key name without spaces or "+", such as witness.example.com/w1');
  const key =
    options.keyFile === undefined
      ? (await loadOrCreateDevKey(path.resolve(options.stateDir), 'Ed25519', 'witness-ed25519.pem')).key
      : await signingKeyFromPem(readFileSync(options.keyFile, 'utf8'), 'Ed25519');
  return new Ed25519NoteSigner(options.name, key.privateKey);
};

/** The logs a witness trusts, by origin (the key name of each log verifier key). */
const trustedLogs = async (vkeys: readonly string[]): Promise<Map<string, string[]>> => {
  if (vkeys.length === 0) throw new WitnessConfigError('--log: name at least one log verifier key to witness (the "log key" `plant log checkpoint` prints)');
  const logs = new Map<string, string[]>();
  for (const vkey of vkeys) {
    const key = await parseVerifierKey(vkey, nodeSha256);
    if (typeof key === 'string') throw new WitnessConfigError(`--log ${vkey}: ${key}`);
    logs.set(key.name, [...(logs.get(key.name) ?? []), vkey]);
  }
  return logs;
};

/** `plant witness serve`: one process owns the state directory; it listens until closed. */
export const startWitness = async (options: WitnessOptions & { host: string; port: number; logLevel: string }) => {
  const logs = await trustedLogs(options.logs);
  const stateDir = path.resolve(options.stateDir);
  const state = new FileWitnessState(stateDir);
  const release = lockDirectory(stateDir, 'witness.lock', (pid) => `the witness state in ${stateDir} is in use by process ${pid} (another \`plant witness serve\`)`);
  try {
    const signer = await witnessSigner(options);
    const app = buildWitnessApp({ state, signer, logs, clock: systemClock }, options.logLevel);
    const address = await app.listen({ host: options.host, port: options.port });
    return {
      url: address,
      vkey: cosignerVerifierKey(signer),
      origins: [...logs.keys()],
      close: async (): Promise<void> => {
        await app.close();
        release();
      },
    };
  } catch (error) {
    release();
    throw error;
  }
};
