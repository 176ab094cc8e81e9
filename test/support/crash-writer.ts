// A child process for the crash test: writes through the core against a real PostgreSQL and
// prints "ack <entity> <version>" only after each transaction has committed. The parent kills
// it with SIGKILL at an arbitrary moment and then checks every acknowledged write survived.
import { signingKeyFromPem } from '../../src/adapters/crypto/keys.ts';
import { NodeSigner } from '../../src/adapters/crypto/node-signer.ts';
import { createPgPool } from '../../src/adapters/db/database.ts';
import { PgLedgerStore } from '../../src/adapters/db/ledger-store.ts';
import { systemClock, uuidV7Ids } from '../../src/composition/clock-and-ids.ts';
import { createSkill } from '../../src/core/use-cases/create.ts';
import { evolve } from '../../src/core/use-cases/evolve.ts';

const url = process.env.CRASH_DATABASE_URL ?? '';
const key = await signingKeyFromPem(process.env.CRASH_SIGNING_KEY ?? '');
const pool = createPgPool(url, 4, 'plant-crash-writer');
const store = new PgLedgerStore(pool);
const deps = { store, ids: uuidV7Ids, clock: systemClock, signer: new NodeSigner(key), publishedKeys: new Set([key.keyId]) };
const actor = { subject: 'crash-writer', roles: ['governance'] };

const worker = async (n: number): Promise<void> => {
  for (let i = 0; ; i++) {
    const skill = await createSkill(deps, actor, { name: `crash ${n}-${i}-${process.pid}`, description: 'd', category: 'technical' });
    process.stdout.write(`ack ${skill.id} ${skill.version}\n`);
    for (let v = 0; v < 3; v++) {
      const next = await evolve(deps, actor, skill.id, { changes: { description: `v${v}` } });
      process.stdout.write(`ack ${next.id} ${next.version}\n`);
    }
  }
};

await Promise.all([0, 1, 2, 3].map(worker));
