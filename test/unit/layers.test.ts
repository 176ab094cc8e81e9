import path from 'node:path';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';
// @ts-expect-error -- the layer config is plain JavaScript without type declarations
import { layersOnly } from '../../eslint.layers.js';

const root = path.resolve(import.meta.dirname, '../..');
const eslint = new ESLint({ cwd: root, overrideConfigFile: true, overrideConfig: layersOnly as never });

/** Lints `code` as if it were the file at `file` (relative to the repository root). */
const problems = async (file: string, code: string): Promise<string[]> => {
  const [result] = await eslint.lintText(code, { filePath: path.join(root, file) });
  return (result?.messages ?? []).map((m) => `${m.ruleId ?? ''}: ${m.message}`);
};

describe('layer boundaries (eslint.layers.js, part of `npm run lint`)', () => {
  it.each([
    ['src/core/use-cases/x.ts', "import { PgLedgerStore } from '../../adapters/db/ledger-store.ts';", 'src/core is the domain'],
    ['src/core/x.ts', "import pg from 'pg';", 'src/core is the domain'],
    ['src/http/routes/skills/x.ts', "import { listKeys } from '../../../adapters/db/key-registry.ts';", 'src/http receives its dependencies as ports'],
    ['src/http/x.ts', "import { buildDeps } from '../composition/deps.ts';", 'src/http receives its dependencies as ports'],
    ['src/cli/commands/x.ts', "import { PgLogStore } from '../../adapters/db/log-store.ts';", 'src/cli reaches adapters'],
    ['src/cli/commands/x.ts', "import { registerSearch } from '../../http/routes/search/get-search.ts';", 'src/cli reaches adapters'],
    ['src/jobs/x.ts', "import { PgEmbeddingQueue } from '../adapters/db/embedding-jobs.ts';", 'src/jobs run use cases over ports'],
    ['src/http/app-extra.ts', "import { registerSearch } from './routes/search/get-search.ts';", 'Only src/http/routes/index.ts imports endpoint files'],
    ['src/core/x.ts', "import { createPlantClient } from '@plant/client';", 'src/core is the domain'],
    ['clients/typescript/src/verify/x.ts', "import { transport } from '../transport.ts';", 'The verification module stands alone'],
    ['src/adapters/db/x.ts', "import { TransportError } from '../../core/errors.ts';\nthrow new TransportError('UNAUTHENTICATED', 'no');", 'Transport-only error codes are raised by src/http alone'],
  ])('%s may not: %s', async (file, code, message) => {
    expect((await problems(file, code)).join('\n')).toContain(message);
  });

  it.each([
    ['src/core/x.ts', "import { createHash } from 'node:crypto';\nimport canonicalize from 'canonicalize';\nimport unhomoglyph from 'unhomoglyph';\nimport type { Clock } from './ports/clock.ts';"],
    ['src/core/y.ts', "import { verifyChain } from '@plant/client/verify';"],
    ['clients/typescript/src/verify/y.ts', "import canonicalize from 'canonicalize';\nimport { toHex } from './bytes.ts';"],
    ['src/http/x.ts', "import type { LedgerStore } from '../core/ports/ledger.ts';"],
    ['src/cli/commands/x.ts', "import { buildDeps } from '../../composition/deps.ts';"],
    ['src/http/routes/index.ts', "import { registerSearch } from './search/get-search.ts';"],
    ['src/http/auth/x.ts', "import { TransportError } from '../../core/errors.ts';\nthrow new TransportError('UNAUTHENTICATED', 'no');"],
    ['src/composition/x.ts', "import { PgLedgerStore } from '../adapters/db/ledger-store.ts';"],
  ])('%s may: %s', async (file, code) => {
    expect(await problems(file, code)).toEqual([]);
  });
});
