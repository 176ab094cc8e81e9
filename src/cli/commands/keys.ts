import { existsSync, writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { SIGNATURE_ALGORITHMS, type SignatureAlgorithm } from '../../core/amendment.ts';
import { generateSigningKey } from '../../composition/keys.ts';
import { retireSigningKey } from '../../core/use-cases/keys.ts';
import { answer, serverFor } from '../server.ts';
import { CommandFailure, print, printJson, table, withContext } from '../shared.ts';

const algorithmOption = (value: string): SignatureAlgorithm => {
  if (!(SIGNATURE_ALGORITHMS as readonly string[]).includes(value)) throw new CommandFailure(`--algorithm must be one of ${SIGNATURE_ALGORITHMS.join(', ')}`);
  return value as SignatureAlgorithm;
};

export const registerKeys = (program: Command): void => {
  const keys = program.command('keys').description('Amendment signing keys: generate, list, retire, rotate');

  keys
    .command('generate')
    .description('Generate a new private signing key (PKCS#8 PEM, mode 0600) for SIGNING_KEY_FILE')
    .requiredOption('-o, --out <file>', 'where to write the private key (never overwritten)')
    .option('-a, --algorithm <alg>', SIGNATURE_ALGORITHMS.join(' or '), 'RSA-PSS-SHA256')
    .option('--json', 'print the key id as JSON')
    .action(async (options: { out: string; algorithm: string; json?: boolean }) => {
      const algorithm = algorithmOption(options.algorithm);
      if (existsSync(options.out)) throw new CommandFailure(`${options.out} exists; refusing to overwrite a key`);
      const { pem, keyId } = await generateSigningKey(algorithm);
      writeFileSync(options.out, pem, { mode: 0o600, flag: 'wx' });
      if (options.json === true) printJson({ key_id: keyId, algorithm, file: options.out });
      else print(`Wrote ${algorithm} key ${keyId} to ${options.out}. Set SIGNING_KEY_FILE=${options.out} to sign with it.`);
    });

  keys
    .command('list')
    .description('List published public keys (current and retired)')
    .option('--json', 'print as JSON')
    .option('--url <url>', 'the keys a running server publishes (no token needed where verification material is public)')
    .option('--token <token>', 'bearer token for --url (default: $PLANT_TOKEN)')
    .action(async (options: { json?: boolean; url?: string; token?: string }) => {
      const server = await serverFor(options, ['reader']);
      const rows =
        server === undefined
          ? await withContext(async (ctx) =>
              (await ctx.keys.list()).map((k) => ({ key_id: k.keyId, algorithm: k.algorithm, created_at: k.createdAt, retired_at: k.retiredAt, current: k.keyId === ctx.signingKey.keyId })),
            )
          : (await answer(server.api.GET('/api/v1/keys'))).keys.map((k) => ({
              key_id: String(k.kid),
              algorithm: k.kty === 'RSA' ? 'RSA-PSS-SHA256' : 'Ed25519',
              created_at: String(k.created_at),
              retired_at: typeof k.retired_at === 'string' ? k.retired_at : null,
              current: k.current === true,
            }));
      if (options.json === true) printJson(rows);
      else print(table(['KEY ID', 'ALGORITHM', 'CREATED', 'RETIRED', 'CURRENT'], rows.map((r) => [r.key_id, r.algorithm, r.created_at, r.retired_at ?? '-', r.current ? 'yes' : ''])));
    });

  keys
    .command('retire')
    .description('Retire a published key: it stays published so old amendments verify, and the database refuses new amendments under it')
    .argument('<kid>', 'the key id (see `plant keys list`)')
    .option('--json', 'print as JSON')
    .option('--url <url>', 'retire through a running server (admin token in --token or $PLANT_TOKEN)')
    .option('--token <token>', 'bearer token for --url (default: $PLANT_TOKEN)')
    // A key id is base64url: one in 64 starts with "-", which must reach the command as the kid.
    .allowUnknownOption()
    .action(async (kid: string, options: { json?: boolean; url?: string; token?: string }) => {
      const server = await serverFor(options, ['admin']);
      const retired =
        server === undefined
          ? await withContext(async (ctx) => {
              const key = await retireSigningKey({ keys: ctx.keys, signingKeyId: ctx.signingKey.keyId }, kid);
              return { key_id: key.keyId, algorithm: key.algorithm, created_at: key.createdAt, retired_at: key.retiredAt };
            })
          : await answer(server.api.POST('/api/v1/keys/{kid}/retire', { params: { path: { kid } } }));
      if (options.json === true) printJson(retired);
      else print(`Key ${retired.key_id} retired at ${String(retired.retired_at)}; it stays published, so what it signed still verifies.`);
    });

  keys
    .command('rotate')
    .description('Development keys: retire the current key (kept published) and generate a new one')
    .option('--json', 'print as JSON')
    .option('--url <url>', 'rotate the key a running server signs with (admin token in --token or $PLANT_TOKEN); it signs with the new key at once')
    .option('--token <token>', 'bearer token for --url (default: $PLANT_TOKEN)')
    .action(async (options: { json?: boolean; url?: string; token?: string }) => {
      const server = await serverFor(options, ['admin']);
      const result =
        server === undefined
          ? await withContext((ctx) => ctx.rotateSigningKey())
          : await answer(server.api.POST('/api/v1/keys/rotate', { body: {} }));
      if (options.json === true) printJson(result);
      else print(`Rotated: ${result.retired ?? '(none)'} retired (still published), ${result.current} now signs${server === undefined ? '. A server started before this signs with the retired key until it restarts (rotate through it instead: --url).' : ` on ${server.url}, from its next amendment on.`}`);
    });
};
