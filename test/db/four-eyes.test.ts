import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate } from '../../src/adapters/db/migrate.ts';
import type { Sql } from '../../src/adapters/db/sql.ts';
import { certify } from '../../src/core/use-cases/certification.ts';
import { engines, TEST_APP_ROLE } from '../support/engines.ts';
import * as f from '../support/factories.ts';
import { createTestLedger, testConfig, type TestLedger } from '../support/ledger.ts';

const ALICE = { subject: 'alice', roles: ['governance'] };
const BOB = { subject: 'bob', roles: ['governance'] };

const pgCode = async (promise: Promise<unknown>): Promise<string> => {
  try {
    await promise;
  } catch (error) {
    return (error as { code?: string }).code ?? String(error);
  }
  return 'no error';
};

describe.each(await engines())('four-eyes certification in the database (%s)', (engine) => {
  let t: TestLedger;
  beforeAll(async () => {
    t = await createTestLedger(engine, 'Ed25519', { config: testConfig({ CERTIFICATION_QUORUM: '2' }) });
    await t.owner.query("UPDATE plant_settings SET value = '2' WHERE key = 'certification_quorum'");
  });
  afterAll(async () => {
    await t.close();
  });

  /** Appends raw amendments as the service role with governance roles, then rolls everything back. */
  const rawAppend = async (skillId: string, steps: { operation: string; actor: string }[]): Promise<string[]> => {
    const [first] = await t.store.getAmendments(skillId);
    if (first === undefined) throw new Error('no amendment');
    const codes: string[] = [];
    const ROLLBACK = new Error('rollback');
    await t.service
      .transaction(async (tx: Sql) => {
        let prev = first.hash;
        for (const [i, step] of steps.entries()) {
          await tx.query("SELECT plant_set_identity($1, 'governance')", [step.actor]);
          const version = i + 2;
          const hash = String(version).repeat(64).slice(0, 64);
          const payload = { ...first.payload, version, operation: step.operation, prev_hash: prev, actor: step.actor };
          codes.push(await pgCode(tx.query(
            `INSERT INTO amendments (entity_id, version, entity_type, operation, actor, prev_hash, hash, signature, key_id, alg, payload)
             VALUES ($1, $2, 'Skill', $3, $4, $5, $6, 'sig', $7, $8, $9)`,
            [skillId, version, step.operation, step.actor, prev, hash, first.payload.key_id, first.payload.alg, JSON.stringify(payload)],
          )));
          if (codes.at(-1) !== 'no error') break;
          // The chain must move the entity's head along (0008): the projection follows each append.
          await tx.query('UPDATE entities SET version = $2, version_hash = $3, hash_chain_head = $3, amendment_count = $2 WHERE id = $1', [skillId, version, hash]);
          prev = hash;
        }
        throw ROLLBACK;
      })
      .catch((error: unknown) => {
        if (error !== ROLLBACK) throw error;
      });
    return codes;
  };

  it('refuses, even through raw SQL as the service role, a certify without the quorum of distinct approvals', async () => {
    const uncertified = await f.skill(t.write, { certified: false });
    expect(await rawAppend(uncertified.id, [{ operation: 'certify', actor: 'mallory' }])).toEqual(['PL006']);
    // An approval by the same actor does not make two.
    expect(await rawAppend(uncertified.id, [{ operation: 'certification_approval', actor: 'mallory' }, { operation: 'certify', actor: 'mallory' }])).toEqual(['no error', 'PL006']);
    // A rejection in between resets the count.
    expect(await rawAppend(uncertified.id, [
      { operation: 'certification_approval', actor: 'alice' },
      { operation: 'certification_rejected', actor: 'bob' },
      { operation: 'certify', actor: 'mallory' },
    ])).toEqual(['no error', 'no error', 'PL006']);
    // Another actor's approval first: the same statement passes (and is rolled back).
    expect(await rawAppend(uncertified.id, [{ operation: 'certification_approval', actor: 'alice' }, { operation: 'certify', actor: 'mallory' }])).toEqual(['no error', 'no error']);
  });

  it('two governance actors certify through the use case; the database agrees', async () => {
    const skill = await f.skill(t.write, { certified: false });
    expect((await certify(t.write, ALICE, 'Skill', skill.id, { reason: 'ok' })).content).toMatchObject({ certification: { certified: false } });
    expect((await certify(t.write, BOB, 'Skill', skill.id, { reason: 'ok' })).content).toMatchObject({ certification: { certified: true, approved_by: ['alice', 'bob'] } });
  });

  it('a server counting fewer approvals than the database holds is refused: FORBIDDEN', async () => {
    const skill = await f.skill(t.write, { certified: false });
    const lax = { ...t.write, certification: { quorum: 1, requestTtlMs: 1000 } };
    await expect(certify(lax, ALICE, 'Skill', skill.id, { reason: 'ok' })).rejects.toMatchObject({ code: 'FORBIDDEN', message: expect.stringContaining('more distinct governance approvals') as unknown });
  });

  it('plant migrate records the configured quorum', async () => {
    await migrate(t.owner, { appRole: TEST_APP_ROLE, certificationQuorum: 3 });
    const { rows } = await t.owner.query<{ value: number }>("SELECT value FROM plant_settings WHERE key = 'certification_quorum'");
    expect(rows[0]?.value).toBe(3);
    await t.owner.query("UPDATE plant_settings SET value = '2' WHERE key = 'certification_quorum'");
  });
});
