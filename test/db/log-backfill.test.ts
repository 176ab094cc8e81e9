import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPglitePool, switchToRole } from '../../src/adapters/db/database.ts';
import { migrate, readMigrations } from '../../src/adapters/db/migrate.ts';
import type { SqlPool } from '../../src/adapters/db/sql.ts';
import { PgLogStore } from '../../src/adapters/db/log-store.ts';
import { PgLedgerStore } from '../../src/adapters/db/ledger-store.ts';
import { publishKey } from '../../src/adapters/db/key-registry.ts';
import { NodeSigner } from '../../src/adapters/crypto/node-signer.ts';
import { systemClock, uuidV7Ids } from '../../src/composition/clock-and-ids.ts';
import { TEST_APP_ROLE } from '../support/engines.ts';
import * as f from '../support/factories.ts';
import { testKey } from '../support/ledger.ts';
import { MemoryTree, amendmentLeaf } from '../../src/core/merkle.ts';

describe('upgrading a database that predates the log', () => {
  let db: SqlPool;
  beforeAll(async () => {
    db = await createPglitePool(null);
  });
  afterAll(async () => {
    await db.close();
  });

  it('migration 0003 turns existing amendments into the first leaves, in commit order', async () => {
    const all = readMigrations();
    await migrate(db, { appRole: TEST_APP_ROLE, files: all.filter((m) => m.version < 3) });
    // Today's store sets its identity through plant_set_identity (0008); at 0002 the settings were
    // the identity, which this stand-in reproduces until the real one arrives.
    await db.exec(`CREATE FUNCTION plant_set_identity(actor text, roles text) RETURNS void LANGUAGE sql
                   AS $$ SELECT set_config('plant.actor', actor, true), set_config('plant.roles', roles, true) $$`);
    await switchToRole(db, TEST_APP_ROLE);
    const key = await testKey('Ed25519');
    await publishKey(db, key);
    const store = new PgLedgerStore(db);
    // Migration 0002's plant_append has no log yet: these writes are the "old" data.
    await f.graph({ store, ids: uuidV7Ids, clock: systemClock, signer: new NodeSigner(key), publishedKeys: new Set([key.keyId]) });
    await db.exec('RESET ROLE');
    await db.exec('DROP FUNCTION plant_set_identity(text, text)');
    const before = await db.query<{ n: string }>('SELECT count(*) AS n FROM amendments');
    expect(Number(before.rows[0]?.n)).toBe(5);

    await migrate(db, { appRole: TEST_APP_ROLE, files: all });
    const log = new PgLogStore(db);
    expect(await log.size()).toBe(5);
    const leaves = await log.allLeaves(5);
    const order = await db.query<{ hash: string }>('SELECT hash FROM amendments ORDER BY recorded_at, entity_id, version');
    expect(leaves.map((l) => l.amendment_hash)).toEqual(order.rows.map((r) => r.hash));
    for (const l of leaves) expect(l.leaf_hash.equals(amendmentLeaf(l.amendment_hash))).toBe(true);
    expect((await log.root(5)).equals(new MemoryTree(leaves.map((l) => l.leaf_hash)).root())).toBe(true);
  });
});
