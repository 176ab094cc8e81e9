import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { makeCheckpoint } from '../../core/use-cases/checkpoint.ts';
import { answer, serverFor } from '../server.ts';
import { CommandFailure, print, printJson, withContext } from '../shared.ts';

export const registerLog = (program: Command): void => {
  const log = program.command('log').description('The transparency log: checkpoints and proofs');

  log
    .command('checkpoint')
    .description('Sign a checkpoint of the log as it is now (or show the current one); save it to compare later')
    .option('-o, --out <file>', 'also write the signed note to this file (keep it for `plant verify --against`)')
    .option('--json', 'print as JSON')
    .option('--url <url>', 'the latest checkpoint of a running server (its checkpointer signs one every CHECKPOINT_INTERVAL)')
    .option('--token <token>', 'bearer token for --url (none needed where verification material is public)')
    .action(async (options: { out?: string; json?: boolean; url?: string; token?: string }) => {
      const server = await serverFor(options, ['reader']);
      const made =
        server === undefined
          ? await withContext(async (ctx) => {
              const signed = await makeCheckpoint(ctx.log);
              return { tree_size: signed.size, created: signed.created, note: signed.note, log_key: ctx.log.vkey };
            })
          : await answer(server.api.GET('/api/v1/log/checkpoint')).then((c) => ({ tree_size: c.tree_size, created: false, note: c.note, log_key: c.log_key }));
      if (options.out !== undefined) writeFileSync(options.out, made.note);
      if (options.json === true) printJson(made);
      else print(`${made.note}\nlog key: ${made.log_key}`);
    });

  log
    .command('prove')
    .description('Inclusion proof of an amendment (by hash) or leaf, or consistency proof between two sizes')
    .option('--hash <hash>', 'amendment hash')
    .option('--leaf-index <n>', 'leaf index')
    .option('--tree-size <n>', 'tree size (default: the latest checkpoint)')
    .option('--from <n>', 'consistency: the older size (with --tree-size as the newer)')
    .option('--url <url>', 'ask a running server for the proof')
    .option('--token <token>', 'bearer token for --url (none needed where verification material is public)')
    .action(async (options: { hash?: string; leafIndex?: string; treeSize?: string; from?: string; url?: string; token?: string }) => {
      const server = await serverFor(options, ['reader']);
      if (server !== undefined) {
        const treeSize = options.treeSize === undefined ? undefined : Number(options.treeSize);
        if (options.from !== undefined) {
          const latest = treeSize ?? (await answer(server.api.GET('/api/v1/log/checkpoint'))).tree_size;
          const proof = await answer(server.api.GET('/api/v1/log/proof/consistency', { params: { query: { first: Number(options.from), second: latest } } }));
          printJson({ first: proof.first, second: proof.second, proof: proof.proof });
          return;
        }
        if (options.hash === undefined && options.leafIndex === undefined) throw new CommandFailure('no such leaf: pass --hash or --leaf-index of an existing amendment');
        const query = {
          ...(options.hash === undefined ? {} : { hash: options.hash }),
          ...(options.leafIndex === undefined ? {} : { leaf_index: Number(options.leafIndex) }),
          ...(treeSize === undefined ? {} : { tree_size: treeSize }),
        };
        const proof = await answer(server.api.GET('/api/v1/log/proof/inclusion', { params: { query } }));
        printJson({ leaf_index: proof.leaf_index, tree_size: proof.tree_size, amendment_hash: proof.amendment_hash, proof: proof.proof });
        return;
      }
      await withContext(async (ctx) => {
        const store = ctx.log.store;
        const size = options.treeSize !== undefined ? Number(options.treeSize) : ((await store.latestCheckpoint())?.tree_size ?? (await store.size()));
        if (!Number.isInteger(size) || size < 1 || size > (await store.size())) throw new CommandFailure(`--tree-size must be 1..${await store.size()}`);
        if (options.from !== undefined) {
          const first = Number(options.from);
          if (!Number.isInteger(first) || first < 1 || first > size) throw new CommandFailure('--from must be 1..tree size');
          printJson({ first, second: size, proof: (await store.consistency(first, size)).map((h) => h.toString('hex')) });
          return;
        }
        const leaf =
          options.hash !== undefined
            ? await store.leafByAmendment(options.hash)
            : options.leafIndex !== undefined
              ? (await store.leaves(Number(options.leafIndex), Number(options.leafIndex) + 1))[0]
              : undefined;
        if (leaf === undefined) throw new CommandFailure('no such leaf: pass --hash or --leaf-index of an existing amendment');
        if (leaf.leaf_index >= size) throw new CommandFailure(`leaf ${leaf.leaf_index} is not in the tree of size ${size}`);
        printJson({ leaf_index: leaf.leaf_index, tree_size: size, amendment_hash: leaf.amendment_hash, proof: (await store.inclusion(leaf.leaf_index, size)).map((h) => h.toString('hex')) });
      });
    });
};
