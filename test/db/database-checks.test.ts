import { generateKeyPairSync } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listKeys, publishKey } from '../../src/adapters/db/key-registry.ts';
import type { Sql } from '../../src/adapters/db/sql.ts';
import { publicRecord } from '../../src/adapters/crypto/keys.ts';
import { engines } from '../support/engines.ts';
import * as f from '../support/factories.ts';
import { createTestLedger, type TestLedger } from '../support/ledger.ts';
import { pgCode } from '../support/pg-code.ts';

const ROLLBACK = new Error('rollback');

/** Runs raw SQL as the service role in one transaction that is always rolled back; the code of the first failure. */
const asService = async (t: TestLedger, work: (tx: Sql) => Promise<void>): Promise<string> => {
  let code = 'no error';
  await t.service
    .transaction(async (tx) => {
      code = await pgCode(work(tx));
      throw ROLLBACK;
    })
    .catch((error: unknown) => {
      if (error !== ROLLBACK) throw error;
    });
  return code;
};

/** Like asService, but commits: deferred checks run at COMMIT. */
const commitAsService = (t: TestLedger, work: (tx: Sql) => Promise<void>): Promise<string> => pgCode(t.service.transaction(work));

describe.each(await engines())('what the database refuses the service role (%s)', (engine) => {
  let t: TestLedger;
  beforeAll(async () => {
    t = await createTestLedger(engine);
  });
  afterAll(async () => {
    await t.close();
  });

  describe('keys', () => {
    it('the service role cannot publish a signing key; the owner can', async () => {
      const mallory = await publicRecord(generateKeyPairSync('ed25519').publicKey, 'Ed25519');
      expect(await pgCode(publishKey(t.service, mallory))).toBe('42501');
      expect((await listKeys(t.service)).map((k) => k.keyId)).not.toContain(mallory.keyId);
      await publishKey(t.owner, mallory);
      expect((await listKeys(t.service)).map((k) => k.keyId)).toContain(mallory.keyId);
    });

    it.each([
      ['a private key member', (jwk: Record<string, unknown>) => ({ ...jwk, d: 'A'.repeat(43) })],
      ['a kid that is not the key id', (jwk: Record<string, unknown>) => ({ ...jwk, kid: 'someone-else' })],
      ['the wrong key type', (jwk: Record<string, unknown>) => ({ ...jwk, kty: 'RSA' })],
      ['a truncated x', (jwk: Record<string, unknown>) => ({ ...jwk, x: 'AAAA' })],
      ['no use', (jwk: Record<string, unknown>) => ({ kty: jwk.kty, crv: jwk.crv, x: jwk.x, kid: jwk.kid, alg: jwk.alg })],
      ['not an object', () => ['not', 'a', 'jwk']],
    ])('even the owner cannot store a malformed key: %s', async (_what, mangle) => {
      const record = await publicRecord(generateKeyPairSync('ed25519').publicKey, 'Ed25519');
      const code = await pgCode(
        t.owner.query('INSERT INTO signing_keys (key_id, alg, public_jwk) VALUES ($1, $2, $3)', [record.keyId, 'Ed25519', JSON.stringify(mangle(record.jwk as never))]),
      );
      expect(code).toBe('23514');
    });

    it('an RSA key under 2048 bits is refused', async () => {
      const small = await publicRecord(generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey, 'RSA-PSS-SHA256');
      expect(await pgCode(publishKey(t.owner, small))).toBe('23514');
      const big = await publicRecord(generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey, 'RSA-PSS-SHA256');
      await publishKey(t.owner, big);
    });
  });

  describe('identity', () => {
    it('the MAC key and the function that makes MACs are out of reach', async () => {
      expect(await asService(t, async (tx) => { await tx.query('SELECT key FROM plant_identity_key'); })).toBe('42501');
      expect(await asService(t, async (tx) => { await tx.query("SELECT plant_identity_mac('mallory', 'admin')"); })).toBe('42501');
      // The functions run as their owner: they must not be redirectable through a schema the service can write.
      const { rows } = await t.service.query<{ create: boolean }>("SELECT has_schema_privilege(current_user, 'public', 'CREATE') AS create");
      expect(rows[0]?.create).toBe(false);
    });

    it('settings claimed without plant_set_identity grant no actor and no roles', async () => {
      const claimed = async (viaFunction: boolean): Promise<{ actor: string | null; roles: string[] }> => {
        let seen = { actor: null as string | null, roles: [] as string[] };
        await asService(t, async (tx) => {
          if (viaFunction) await tx.query("SELECT plant_set_identity('mallory', 'governance,admin')");
          else await tx.query("SELECT set_config('plant.actor', 'mallory', true), set_config('plant.roles', 'governance,admin', true)");
          const { rows } = await tx.query<{ actor: string | null; roles: string[] }>('SELECT plant_actor() AS actor, plant_roles() AS roles');
          seen = rows[0] ?? seen;
        });
        return seen;
      };
      expect(await claimed(false)).toEqual({ actor: null, roles: [] });
      expect(await claimed(true)).toEqual({ actor: 'mallory', roles: ['governance', 'admin'] });
      // Changing the roles after the function ran voids the claim.
      const changed = await asService(t, async (tx) => {
        await tx.query("SELECT plant_set_identity('mallory', 'reader')");
        await tx.query("SELECT set_config('plant.roles', 'admin', true)");
        const { rows } = await tx.query<{ roles: string[] }>('SELECT plant_roles() AS roles');
        if ((rows[0]?.roles ?? []).length > 0) throw Object.assign(new Error('roles survived'), { code: 'ESCALATED' });
      });
      expect(changed).toBe('no error');
      expect(await asService(t, async (tx) => { await tx.query("SELECT plant_set_identity('mallory', 'root')"); })).toBe('PL008');
    });
  });

  describe('the chain', () => {
    const forged = async (id: string, version: number, prevHash: string): Promise<unknown[]> => {
      const [first] = await t.store.getAmendments(id);
      if (first === undefined) throw new Error('no amendment');
      const payload = { ...first.payload, version, operation: 'evolve', prev_hash: prevHash, actor: 'mallory' };
      return [id, version, prevHash, 'c'.repeat(64), first.payload.key_id, first.payload.alg, JSON.stringify(payload)];
    };
    const INSERT = `INSERT INTO amendments (entity_id, version, entity_type, operation, actor, prev_hash, hash, signature, key_id, alg, payload)
                    VALUES ($1, $2, 'Skill', 'evolve', 'mallory', $3, $4, 'sig', $5, $6, $7)`;

    it('an amendment appended without moving its entity along is refused at commit', async () => {
      const skill = await f.skill(t.write, { certified: false });
      // Built before the transaction: PGlite's one session is held by it.
      const args = await forged(skill.id, 2, skill.version_hash);
      const code = await commitAsService(t, async (tx) => {
        await tx.query("SELECT plant_set_identity('mallory', 'governance')");
        await tx.query(INSERT, args);
      });
      expect(code).toBe('PL007');
      expect((await t.store.getAmendments(skill.id)).length).toBe(1);
    });

    it('an amendment must extend the head: the predecessor and the entity row agree', async () => {
      const skill = await f.skill(t.write, { certified: false });
      const args = await forged(skill.id, 2, 'd'.repeat(64));
      const code = await asService(t, async (tx) => {
        await tx.query("SELECT plant_set_identity('mallory', 'governance')");
        await tx.query(INSERT, args);
      });
      expect(code).toBe('PL002');
    });
  });

  describe('search documents', () => {
    it('are written by the triggers and the embedding functions only', async () => {
      const skill = await f.skill(t.write, { certified: false });
      expect(await asService(t, async (tx) => { await tx.query("UPDATE search_documents SET body = 'poisoned' WHERE entity_id = $1", [skill.id]); })).toBe('42501');
      expect(await asService(t, async (tx) => { await tx.query('UPDATE search_documents SET certified = true'); })).toBe('42501');
      expect(await asService(t, async (tx) => {
        await tx.query("INSERT INTO search_documents (entity_id, entity_type, name, status, certified, body) VALUES (gen_random_uuid(), 'Skill', 'x', 'active', true, 'x')");
      })).toBe('42501');
      // The refresh function would take a made-up row: only the trigger may call it.
      expect(await asService(t, async (tx) => { await tx.query('SELECT plant_search_refresh(e) FROM entities e LIMIT 1'); })).toBe('42501');
      const { rows } = await t.service.query<{ body: string }>('SELECT body FROM search_documents WHERE entity_id = $1', [skill.id]);
      expect(rows[0]?.body).toContain(skill.content.name);
    });
  });
});
