import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pgCode } from '../support/pg-code.ts';
import { KeyringVerifier, NodeSigner } from '../../src/adapters/crypto/node-signer.ts';
import { migrate, readMigrations } from '../../src/adapters/db/migrate.ts';
import { publishKey } from '../../src/adapters/db/key-registry.ts';
import type { AgentContent, SkillContent, TeamContent } from '../../src/core/entity.ts';
import { DomainError } from '../../src/core/errors.ts';
import { assignTeam } from '../../src/core/use-cases/assign-team.ts';
import { runAudit } from '../../src/core/use-cases/audit.ts';
import { certify, decertify } from '../../src/core/use-cases/certification.ts';
import { createAgent, createJobRole, createSkill, createTeam } from '../../src/core/use-cases/create.ts';
import { evolve } from '../../src/core/use-cases/evolve.ts';
import { archive, deprecate, softDelete } from '../../src/core/use-cases/lifecycle.ts';
import { engines, TEST_APP_ROLE } from '../support/engines.ts';
import * as f from '../support/factories.ts';
import { AUDITOR, createTestLedger, GOVERNANCE, OPERATOR, testKey, type TestLedger } from '../support/ledger.ts';

const rejection = async (promise: Promise<unknown>): Promise<DomainError> => {
  try {
    await promise;
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error('expected a DomainError');
};


describe.each(await engines())('ledger on %s', (engine) => {
  let t: TestLedger;
  const amendmentCount = async (): Promise<number> =>
    Number((await t.service.query<{ n: string }>('SELECT count(*) AS n FROM amendments')).rows[0]?.n);

  beforeAll(async () => {
    t = await createTestLedger(engine);
  });
  afterAll(async () => {
    await t.close();
  });

  describe('schema and roles', () => {
    it('migrates from zero, and a second run applies nothing', async () => {
      const { rows } = await t.owner.query<{ name: string }>('SELECT name FROM plant_migrations ORDER BY version');
      expect(rows.map((r) => r.name)).toEqual(['0001_ledger', '0002_service_accounts', '0003_transparency_log', '0004_search', '0005_review', '0006_four_eyes', '0007_decisions', '0008_database_checks', '0009_name_skeletons', '0010_webhooks', '0011_idempotency', '0012_retired_keys', '0013_service_account_lifecycle', '0014_point_in_time', '0015_cosignatures', '0016_as_of_lists', '0017_embedded_documents']);
      const again = await migrate(t.owner, { appRole: TEST_APP_ROLE });
      expect(again.applied).toEqual([]);
    });

    it('refuses to start over a migration whose file changed after it was applied', async () => {
      const files = readMigrations();
      const edited = files.map((f) => (f.version === 4 ? { ...f, checksum: 'edited' } : f));
      await expect(migrate(t.owner, { appRole: TEST_APP_ROLE, files: edited })).rejects.toThrow('migration 0004_search was changed after it was applied (checksum mismatch)');
    });

    it('the service runs as a role that owns nothing and bypasses no RLS', async () => {
      const who = await t.service.query<{ u: string; super: boolean; bypass: boolean }>(
        'SELECT current_user AS u, r.rolsuper AS super, r.rolbypassrls AS bypass FROM pg_roles r WHERE r.rolname = current_user',
      );
      expect(who.rows[0]).toEqual({ u: TEST_APP_ROLE, super: false, bypass: false });
      const owned = await t.service.query(
        "SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tableowner = current_user",
      );
      expect(owned.rowCount).toBe(0);
      expect((await t.service.query("SELECT extname FROM pg_extension WHERE extname = 'vector'")).rowCount).toBe(1);
    });
  });

  describe('use cases', () => {
    it('creates a skill as version 1 linked to genesis, signed and auditable', async () => {
      const skill = await f.skill(t.write, { certified: false });
      expect(skill).toMatchObject({ entity_type: 'Skill', version: 1, amendment_count: 1 });
      expect(skill.content.certification.certified).toBe(false);
      const history = await t.store.getAmendments(skill.id);
      expect(history).toHaveLength(1);
      expect(history[0]?.payload.prev_hash).toBe('0'.repeat(64));
      expect(history[0]?.hash).toBe(skill.version_hash);
      expect(history[0]?.payload.actor).toBe(GOVERNANCE.subject);
      const report = await runAudit(t.audit, AUDITOR, { entityId: skill.id });
      expect(report).toMatchObject({ total_entities: 1, compliant: 1, violations: [] });
    });

    it('rejects a duplicate name (any case) with DUPLICATE_ENTITY and writes nothing', async () => {
      const skill = await f.skill(t.write, { certified: false });
      const before = await amendmentCount();
      const error = await rejection(
        createSkill(t.write, GOVERNANCE, { name: skill.content.name.toUpperCase(), description: 'd', category: 'technical' }),
      );
      expect(error.code).toBe('DUPLICATE_ENTITY');
      expect(error.message).toBe(`Skill '${skill.content.name.toUpperCase()}' already exists`);
      expect(await amendmentCount()).toBe(before);
    });

    it('rejects an invalid skill with every violation listed', async () => {
      const error = await rejection(createSkill(t.write, GOVERNANCE, { name: ' ', description: '', category: 'sales' }));
      expect(error.code).toBe('CONSTITUTIONAL_VIOLATION');
      expect(error.violations?.map((v) => v.code)).toEqual(['L1-SKILL-01', 'L1-SKILL-02', 'L1-SKILL-03']);
    });

    it('certifies with the certifier, reason and time; refuses to certify twice', async () => {
      const skill = await f.skill(t.write, { certified: false });
      const certified = (await certify(t.write, GOVERNANCE, 'Skill', skill.id, { reason: 'reviewed' })) as typeof skill;
      expect(certified.version).toBe(2);
      expect(certified.content.certification).toMatchObject({
        certified: true,
        certified_by: GOVERNANCE.subject,
        certification_reason: 'reviewed',
      });
      const history = await t.store.getAmendments(skill.id);
      expect(history.map((a) => a.payload.operation)).toEqual(['create', 'certify']);
      expect(history[1]?.payload.prev_hash).toBe(history[0]?.hash);
      expect((await rejection(certify(t.write, GOVERNANCE, 'Skill', skill.id, { reason: 'ok' }))).code).toBe('INVALID_STATE');
      expect((await rejection(certify(t.write, GOVERNANCE, 'JobRole', skill.id, { reason: 'ok' }))).code).toBe('ENTITY_NOT_FOUND');
    });

    it('job roles need existing, certified, distinct skills', async () => {
      const certified = await f.skill(t.write);
      const raw = await f.skill(t.write, { certified: false });
      const missing = '0190a000-0000-7000-8000-00000000dead';
      const notFound = await rejection(
        createJobRole(t.write, GOVERNANCE, { name: 'R-missing', description: 'd', required_skills: [certified.id, missing] }),
      );
      expect(notFound.code).toBe('REFERENCE_NOT_FOUND');
      expect(notFound.errors).toEqual([{ field: 'required_skills/1', message: `Skill ${missing} not found` }]);
      const uncertified = await rejection(
        createJobRole(t.write, GOVERNANCE, { name: 'R-raw', description: 'd', required_skills: [raw.id, certified.id, certified.id] }),
      );
      expect(uncertified.violations?.map((v) => v.message)).toEqual([
        `L1-JOBROLE-04: required skill ${raw.id} is not certified`,
        `L1-JOBROLE-04: required skill ${certified.id} is listed more than once`,
      ]);
      const role = await f.jobRole(t.write, [certified.id], { certified: false });
      expect(role.content.seniority_level).toBe('mid');
    });

    it('births an agent only from a certified skill of a certified role in its industry', async () => {
      const g = await f.graph(t.write);
      const agent = await f.agent(t.write, g);
      expect(agent.content).toMatchObject({ skill_id: g.skill.id, job_role_id: g.role.id, industry_id: g.industry.id, team_id: null });

      const otherSkill = await f.skill(t.write);
      const otherIndustry = await f.industry(t.write);
      const uncertifiedRole = await f.jobRole(t.write, [g.skill.id], { industryId: g.industry.id, certified: false });
      const attempt = (over: Record<string, string>) =>
        rejection(createAgent(t.write, OPERATOR, { name: `A ${Math.random()}`, skill_id: g.skill.id, job_role_id: g.role.id, industry_id: g.industry.id, ...over }));
      expect((await attempt({ skill_id: otherSkill.id })).violations?.[0]?.code).toBe('L1-AGENT-04');
      expect((await attempt({ industry_id: otherIndustry.id })).violations?.[0]?.code).toBe('L1-AGENT-05');
      expect((await attempt({ job_role_id: uncertifiedRole.id })).violations?.map((v) => v.code)).toEqual(['L1-AGENT-06']);
      const missing = await attempt({ industry_id: '0190a000-0000-7000-8000-00000000beef' });
      expect(missing.code).toBe('REFERENCE_NOT_FOUND');
      expect(missing.errors?.[0]?.field).toBe('industry_id');
      const wrongKind = await attempt({ skill_id: g.role.id });
      expect(wrongKind.errors?.[0]).toMatchObject({ field: 'skill_id' });
    });

    it('teams: members join at creation, move with assign-team, and a team never empties', async () => {
      const g = await f.graph(t.write);
      const a1 = await f.agent(t.write, g);
      const a2 = await f.agent(t.write, g);
      const team1 = await f.team(t.write, g, [a1.id]);
      expect((await t.store.getEntity(a1.id))?.content).toMatchObject({ team_id: team1.id });

      const team2 = await f.team(t.write, g, [a2.id]);
      // Moving a1 to team2 would leave team1 empty: L1-TEAM-01 rejects the whole move.
      const emptied = await rejection(assignTeam(t.write, OPERATOR, a1.id, team2.id));
      expect(emptied.violations?.map((v) => v.code)).toEqual(['L1-TEAM-01']);
      expect((await t.store.getEntity(a1.id))?.content).toMatchObject({ team_id: team1.id });

      const a3 = await f.agent(t.write, g);
      const moved = await assignTeam(t.write, OPERATOR, a3.id, team2.id);
      expect(moved.content.team_id).toBe(team2.id);
      expect(((await t.store.getEntity(team2.id))?.content as TeamContent).agents).toEqual([a2.id, a3.id]);
      await assignTeam(t.write, OPERATOR, a3.id, team1.id);
      expect(((await t.store.getEntity(team2.id))?.content as TeamContent).agents).toEqual([a2.id]);
      expect(((await t.store.getEntity(team1.id))?.content as TeamContent).agents).toEqual([a1.id, a3.id]);
      // Idempotent: assigning to the current team writes nothing.
      const before = await amendmentCount();
      await assignTeam(t.write, OPERATOR, a3.id, team1.id);
      expect(await amendmentCount()).toBe(before);

      const otherRole = await f.jobRole(t.write, [g.skill.id], { industryId: g.industry.id });
      const stranger = await f.agent(t.write, { ...g, role: otherRole });
      const misfit = await rejection(assignTeam(t.write, OPERATOR, stranger.id, team1.id));
      expect(misfit.violations?.map((v) => v.code)).toEqual(['L1-TEAM-03']);
      expect((await rejection(assignTeam(t.write, OPERATOR, a1.id, a2.id))).code).toBe('REFERENCE_NOT_FOUND');
    });

    it('a failing multi-entity write leaves nothing behind', async () => {
      const g = await f.graph(t.write);
      const a1 = await f.agent(t.write, g);
      const lone = await f.team(t.write, g, [a1.id]);
      const a2 = await f.agent(t.write, g);
      const before = await amendmentCount();
      // a2 joins fine, then a1 leaving `lone` empties it: everything is rolled back.
      const error = await rejection(
        createTeam(t.write, OPERATOR, { name: `Team ${Math.random()}`, description: 'd', job_role_id: g.role.id, agents: [a2.id, a1.id] }),
      );
      expect(error.code).toBe('CONSTITUTIONAL_VIOLATION');
      expect(await amendmentCount()).toBe(before);
      expect((await t.store.getEntity(a2.id))?.content).toMatchObject({ team_id: null });
      expect((await t.store.getEntity(lone.id))?.version).toBe(lone.version);
    });

    it('evolves content as a validated amendment; the agent industry stays locked', async () => {
      const g = await f.graph(t.write);
      const evolved = await evolve(t.write, GOVERNANCE, g.skill.id, { changes: { description: 'Now with GEO' }, reason: 'scope' });
      expect(evolved.version).toBe(g.skill.version + 1);
      expect((evolved.content as SkillContent).description).toBe('Now with GEO');

      const agent = await f.agent(t.write, g);
      const other = await f.industry(t.write);
      const locked = await rejection(evolve(t.write, OPERATOR, agent.id, { changes: { industry_id: other.id } }));
      expect(locked.violations?.map((v) => v.code)).toContain('L1-AGENT-07');
      const bad = await rejection(evolve(t.write, GOVERNANCE, g.skill.id, { changes: { status: 'active', category: 3 } }));
      expect(bad.code).toBe('VALIDATION_ERROR');
      expect(bad.errors?.map((e) => e.field)).toEqual(['changes/status', 'changes/category']);
      expect((await rejection(evolve(t.write, GOVERNANCE, g.skill.id, { changes: {} }))).code).toBe('VALIDATION_ERROR');
    });

    it('decertifying a skill flags every dependent role, agent and team for review, rewriting nothing', async () => {
      const g = await f.graph(t.write);
      const agent = await f.agent(t.write, g);
      const team = await f.team(t.write, g, [agent.id]);
      const { entity, flagged } = await decertify(t.write, GOVERNANCE, 'Skill', g.skill.id, { reason: 'vendor withdrew' });
      expect((entity.content as SkillContent).certification).toMatchObject({ certified: false, revoked_by: GOVERNANCE.subject });
      expect(new Set(flagged)).toEqual(new Set([g.role.id, agent.id, team.id]));
      for (const id of flagged) {
        const record = await t.store.getEntity(id);
        expect(record?.content.amendment_alignment).toBe('requires_review');
        expect((await t.store.getAmendments(id)).at(-1)?.payload.operation).toBe('require_review');
      }
      const agentAfter = await t.store.getEntity(agent.id);
      expect((agentAfter?.content as AgentContent).skill_id).toBe(g.skill.id);
      const report = await runAudit(t.audit, AUDITOR, {});
      const agentAudit = report.entities.find((e) => e.entity_id === agent.id);
      expect(agentAudit?.violations.map((v) => v.code)).toContain('L1-AGENT-06');
      expect(report.warnings.map((w) => w.entity_id)).toEqual(expect.arrayContaining([agent.id, team.id, g.role.id]));
      expect((await rejection(decertify(t.write, GOVERNANCE, 'Skill', g.skill.id, { reason: 'ok' }))).code).toBe('INVALID_STATE');
    });

    it('deprecates with a successor, archives, soft-deletes; rows and history stay', async () => {
      const oldSkill = await f.skill(t.write);
      const newSkill = await f.skill(t.write);
      const deprecated = await deprecate(t.write, GOVERNANCE, oldSkill.id, { reason: 'replaced', successor_id: newSkill.id });
      expect(deprecated.content).toMatchObject({ status: 'deprecated', superseded_by: newSkill.id });
      expect((await t.store.getEntity(newSkill.id))?.content.supersedes).toBe(oldSkill.id);
      expect((await archive(t.write, GOVERNANCE, oldSkill.id, 'retired')).content.status).toBe('archived');
      const deleted = await softDelete(t.write, GOVERNANCE, oldSkill.id, 'cleanup');
      expect(deleted.content.status).toBe('deleted');
      expect(deleted.deleted_at).not.toBeNull();
      expect((await rejection(softDelete(t.write, GOVERNANCE, oldSkill.id, null))).code).toBe('INVALID_STATE');
      expect((await rejection(evolve(t.write, GOVERNANCE, oldSkill.id, { changes: { description: 'x' } }))).code).toBe('INVALID_STATE');
      expect((await t.store.getAmendments(oldSkill.id)).map((a) => a.payload.operation)).toEqual([
        'create', 'certify', 'deprecate', 'archive', 'delete',
      ]);
      // The name is free again once the holder is deleted.
      await createSkill(t.write, GOVERNANCE, { name: oldSkill.content.name, description: 'again', category: 'technical' });
      const role = await f.jobRole(t.write, [newSkill.id]);
      const archivedRole = await archive(t.write, GOVERNANCE, role.id, null);
      expect(archivedRole.content.status).toBe('archived');
    });

    it('the audit re-verifies every chain and counts l1_pass for real', async () => {
      const g = await f.graph(t.write);
      await f.agent(t.write, g);
      const report = await runAudit(t.audit, AUDITOR, { record: true });
      expect(report.total_entities).toBeGreaterThan(5);
      expect(report.statistics.hash_chain_intact).toBe(report.total_entities);
      expect(report.statistics.l0_pass).toBe(report.total_entities);
      expect(report.statistics.l1_pass).toBeGreaterThan(0);
      expect(report.statistics.l1_pass).toBe(report.entities.filter((e) => e.violations.length === 0).length);
      const marked = await t.store.getEntity(g.skill.id);
      expect(marked?.tamper_proof).toBe(true);
    });

    it('rotated keys keep old amendments verifiable', async () => {
      const before = await f.skill(t.write);
      const newKey = await testKey('RSA-PSS-SHA256');
      await publishKey(t.owner, newKey);
      const rotated = { ...t.write, signer: new NodeSigner(newKey), publishedKeys: new Set([t.key.keyId, newKey.keyId]) };
      const after = await evolve(rotated, GOVERNANCE, before.id, { changes: { description: 'signed by the new key' } });
      const history = await t.store.getAmendments(after.id);
      expect(history.map((a) => a.payload.key_id)).toEqual([t.key.keyId, t.key.keyId, newKey.keyId]);
      const verifier = new KeyringVerifier([t.key, newKey]);
      const report = await runAudit({ ...t.audit, verifier }, AUDITOR, { entityId: before.id });
      expect(report.compliant).toBe(1);
      const withoutOld = await runAudit({ ...t.audit, verifier: new KeyringVerifier([newKey]) }, AUDITOR, { entityId: before.id });
      expect(withoutOld.entities[0]?.chain.problems[0]).toMatchObject({ check: 'signature', index: 0 });
    });
  });

  describe('database enforcement (raw SQL)', () => {
    it('amendments cannot be updated or deleted, by the service or by the owner', async () => {
      const skill = await f.skill(t.write, { certified: false });
      expect(await pgCode(t.service.query("UPDATE amendments SET actor = 'x' WHERE entity_id = $1", [skill.id]))).toBe('42501');
      expect(await pgCode(t.service.query('DELETE FROM amendments WHERE entity_id = $1', [skill.id]))).toBe('42501');
      expect(await pgCode(t.owner.query("UPDATE amendments SET actor = 'x' WHERE entity_id = $1", [skill.id]))).toBe('PL001');
      expect(await pgCode(t.owner.query('DELETE FROM amendments WHERE entity_id = $1', [skill.id]))).toBe('PL001');
      expect(await pgCode(t.owner.query('TRUNCATE amendments CASCADE'))).toBe('PL001');
      expect(await t.store.getAmendments(skill.id)).toHaveLength(1);
    });

    it('entity rows cannot be hard-deleted', async () => {
      const skill = await f.skill(t.write, { certified: false });
      expect(await pgCode(t.service.query('DELETE FROM entities WHERE id = $1', [skill.id]))).toBe('42501');
      expect(await pgCode(t.owner.query('DELETE FROM entities WHERE id = $1', [skill.id]))).toBe('PL001');
    });

    it("an agent's industry, and any entity's id, type and birth time, cannot change", async () => {
      const g = await f.graph(t.write);
      const agent = await f.agent(t.write, g);
      const other = await f.industry(t.write);
      const moveIndustry = `UPDATE entities SET content = jsonb_set(content, '{industry_id}', to_jsonb($2::text)) WHERE id = $1`;
      expect(await pgCode(t.owner.query(moveIndustry, [agent.id, other.id]))).toBe('PL003');
      expect(await pgCode(t.owner.query("UPDATE entities SET created_at = now() - interval '1 day' WHERE id = $1", [agent.id]))).toBe('PL003');
      expect(await pgCode(t.owner.query("UPDATE entities SET entity_type = 'Skill' WHERE id = $1", [agent.id]))).toBe('PL003');
      // The service role has no UPDATE privilege on identity columns at all.
      expect(await pgCode(t.service.query("UPDATE entities SET created_at = now() WHERE id = $1", [agent.id]))).toBe('42501');
    });

    it('content cannot change without its own amendment', async () => {
      const skill = await f.skill(t.write, { certified: false });
      const sneaky = `UPDATE entities SET content = jsonb_set(content, '{description}', '"sneaky"') WHERE id = $1`;
      expect(await pgCode(t.owner.query(sneaky, [skill.id]))).toBe('PL003');
      const bumped = `UPDATE entities SET content = jsonb_set(content, '{description}', '"sneaky"'), version = version + 1 WHERE id = $1`;
      expect(await pgCode(t.owner.query(bumped, [skill.id]))).toBe('PL003');
    });

    // A review of an agent would pass as an operator's agent write if the policy did not name it.
    it.each([['certify', 'Skill'], ['review', 'Agent']])('a %s amendment (%s) cannot be inserted without the governance role', async (operation, kind) => {
      const skill = kind === 'Agent' ? await f.agent(t.write, await f.graph(t.write)) : await f.skill(t.write, { certified: false });
      const [first] = await t.store.getAmendments(skill.id);
      if (first === undefined) throw new Error('no amendment');
      const forged = { ...first.payload, version: 2, operation, prev_hash: first.hash, actor: 'mallory' };
      const ROLLBACK = new Error('rollback');
      const insert = async (roles: string, claim: 'function' | 'bare settings' = 'function'): Promise<string | undefined> => {
        let code: string | undefined;
        await t.service
          .transaction(async (tx) => {
            if (claim === 'function') await tx.query("SELECT plant_set_identity('mallory', $1)", [roles]);
            else await tx.query("SELECT set_config('plant.actor', 'mallory', true), set_config('plant.roles', $1, true)", [roles]);
            code = await pgCode(
              tx.query(
                `INSERT INTO amendments (entity_id, version, entity_type, operation, actor, prev_hash, hash, signature, key_id, alg, payload)
                 VALUES ($1, 2, $8, $7, 'mallory', $2, $3, 'sig', $4, $5, $6)`,
                [skill.id, first.hash, 'a'.repeat(64), first.payload.key_id, first.payload.alg, JSON.stringify(forged), operation, kind],
              ),
            );
            throw ROLLBACK;
          })
          .catch((error: unknown) => {
            if (error !== ROLLBACK && code === 'no error') throw error;
          });
        return code;
      };
      expect(await insert('operator')).toBe('42501');
      expect(await insert('')).toBe('42501');
      // Claimed by setting plant.roles directly, not through plant_set_identity: no roles at all.
      expect(await insert('governance', 'bare settings')).toBe('42501');
      expect(await insert('admin', 'bare settings')).toBe('42501');
      // The same statement passes row-level security with the governance role (and is rolled back).
      expect(await insert('governance')).toBe('no error');
    });

    it('the service role cannot write ledger rows without an actor', async () => {
      const error = await rejection(createSkill(t.write, { subject: 'reader-1', roles: ['reader'] }, { name: 'Nope', description: 'd', category: 'technical' }));
      expect(error.code).toBe('FORBIDDEN');
    });

    it('versions link in the database too: a gap or a fork is refused', async () => {
      const skill = await f.skill(t.write, { certified: false });
      const [first] = await t.store.getAmendments(skill.id);
      if (first === undefined) throw new Error('no amendment');
      const gap = { ...first.payload, version: 3, operation: 'evolve', prev_hash: first.hash };
      const code = await pgCode(
        t.owner.query(
          `INSERT INTO amendments (entity_id, version, entity_type, operation, actor, prev_hash, hash, signature, key_id, alg, payload)
           VALUES ($1, 3, 'Skill', 'evolve', $2, $3, $4, 'sig', $5, $6, $7)`,
          [skill.id, first.payload.actor, first.hash, 'b'.repeat(64), first.payload.key_id, first.payload.alg, JSON.stringify(gap)],
        ),
      );
      expect(code).toBe('PL002');
    });
  });
});

