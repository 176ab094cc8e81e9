// `npm run bench`: prints figures and ratios against baselines measured in the same run.
// Figures, not thresholds: these machines are shared and noisy.
import { benchConsole } from './console.bench.ts';
import { benchGrowth } from './growth.bench.ts';
import { benchHistory } from './history.bench.ts';
import { benchHttp } from './http.bench.ts';
import { benchIntegration } from './integration.bench.ts';
import { benchLedger } from './ledger.bench.ts';
import { benchLog } from './log.bench.ts';
import { benchScale } from './scale.bench.ts';
import { benchSearch } from './search.bench.ts';
import { benchStartup } from './startup.bench.ts';
import { postgresReachable, TEST_DATABASE_URL } from '../test/support/engines.ts';

const only = process.argv[2];
const sections: Record<string, (url: string) => Promise<void>> = { ledger: benchLedger, http: benchHttp, startup: benchStartup, log: benchLog, search: benchSearch, integration: benchIntegration, console: benchConsole, history: benchHistory, scale: benchScale, growth: benchGrowth };

if (!(await postgresReachable())) {
  process.stderr.write(`bench: PostgreSQL at ${TEST_DATABASE_URL} is required (set TEST_DATABASE_URL)\n`);
  process.exit(1);
}
process.stdout.write(`Plant benchmarks — node ${process.version}, ${new Date().toISOString()}\n`);
for (const [name, run] of Object.entries(sections)) {
  if (only === undefined || only === name) await run(TEST_DATABASE_URL);
}
