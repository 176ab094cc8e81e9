import { describe, expect, it } from 'vitest';
import type { SkillContent } from '../../../src/core/entity.ts';
import { certify, decertify, rejectCertification } from '../../../src/core/use-cases/certification.ts';
import type { WriteDeps } from '../../../src/core/use-cases/deps.ts';
import { governanceQueue } from '../../../src/core/use-cases/governance-queue.ts';
import * as f from '../../support/factories.ts';
import { AUDITOR, OPERATOR } from '../../support/ledger.ts';
import { memoryLedger } from '../../support/memory.ts';

const ALICE = { subject: 'alice', roles: ['governance'] };
const BOB = { subject: 'bob', roles: ['governance'] };
const CAROL = { subject: 'carol', roles: ['governance'] };
const DAY = 86_400_000;

/** A ledger with four-eyes on, and a clock the test can move. */
const fourEyes = async (quorum = 2): Promise<{ w: WriteDeps; advance: (ms: number) => void; store: WriteDeps['store'] }> => {
  let t = Date.parse('2026-01-01T00:00:00.000Z');
  const clock = { now: () => new Date(t++).toISOString() };
  const m = await memoryLedger({ clock });
  return { w: { ...m.write, certification: { quorum, requestTtlMs: 7 * DAY } }, advance: (ms) => (t += ms), store: m.store };
};

const certification = async (store: WriteDeps['store'], id: string) => ((await store.getEntity(id))?.content as SkillContent).certification;

describe('four-eyes certification', () => {
  it('the first approval opens a request; a second actor completes it, and the certify names both', async () => {
    const { w, store } = await fourEyes();
    const skill = await f.skill(w, { certified: false });
    const first = await certify(w, ALICE, 'Skill', skill.id, { reason: 'looks right' });
    expect((first.content as SkillContent).certification).toMatchObject({ certified: false, request: { approvals: [{ actor: 'alice', reason: 'looks right' }] } });
    expect((await store.getAmendments(skill.id)).at(-1)?.payload.operation).toBe('certification_approval');
    const queue = await governanceQueue(w, { limit: 10 });
    expect(queue.items).toEqual([expect.objectContaining({ type: 'certification_request', entity_id: skill.id, request: expect.objectContaining({ quorum: 2, expired: false }) as unknown })]);

    const done = await certify(w, BOB, 'Skill', skill.id, { reason: 'agreed' });
    expect((done.content as SkillContent).certification).toMatchObject({ certified: true, certified_by: 'bob', approved_by: ['alice', 'bob'], request: null });
    expect((await store.getAmendments(skill.id)).map((a) => a.payload.operation)).toEqual(['create', 'certification_approval', 'certify']);
    expect((await governanceQueue(w, { limit: 10 })).items).toEqual([]);
  });

  it('one actor cannot approve twice; other roles cannot approve or reject', async () => {
    const { w } = await fourEyes();
    const skill = await f.skill(w, { certified: false });
    await certify(w, ALICE, 'Skill', skill.id, { reason: 'ok' });
    await expect(certify(w, ALICE, 'Skill', skill.id, { reason: 'ok' })).rejects.toMatchObject({ code: 'DUPLICATE_APPROVAL' });
    // Two tokens with the same subject are one actor, whatever else they carry.
    await expect(certify(w, { subject: 'alice', roles: ['governance', 'admin'] }, 'Skill', skill.id, { reason: 'ok' })).rejects.toMatchObject({ code: 'DUPLICATE_APPROVAL' });
    for (const actor of [OPERATOR, AUDITOR]) {
      await expect(certify(w, actor, 'Skill', skill.id, { reason: 'ok' })).rejects.toMatchObject({ code: 'FORBIDDEN' });
      await expect(rejectCertification(w, actor, 'Skill', skill.id, { reason: 'no' })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    }
  });

  it('a rejection closes the request: its approvals stop counting', async () => {
    const { w, store } = await fourEyes();
    const skill = await f.skill(w, { certified: false });
    await certify(w, ALICE, 'Skill', skill.id, { reason: 'ok' });
    await rejectCertification(w, BOB, 'Skill', skill.id, { reason: 'scope unclear' });
    expect((await certification(store, skill.id)).request).toBeNull();
    await expect(rejectCertification(w, BOB, 'Skill', skill.id, { reason: 'again' })).rejects.toMatchObject({ code: 'INVALID_STATE' });
    await expect(rejectCertification(w, BOB, 'Skill', skill.id, { reason: ' ' })).rejects.toMatchObject({ code: 'VALIDATION_ERROR' });
    const reopened = await certify(w, CAROL, 'Skill', skill.id, { reason: 'ok' });
    expect((reopened.content as SkillContent).certification.request?.approvals.map((a) => a.actor)).toEqual(['carol']);
  });

  it('a request expires after its TTL and says so; a later approval opens a fresh one', async () => {
    const { w, advance, store } = await fourEyes();
    const skill = await f.skill(w, { certified: false });
    await certify(w, ALICE, 'Skill', skill.id, { reason: 'ok' });
    advance(8 * DAY);
    const [item] = (await governanceQueue(w, { limit: 10 })).items;
    expect(item?.request).toMatchObject({ expired: true, approvals: [{ actor: 'alice' }] });
    await expect(rejectCertification(w, BOB, 'Skill', skill.id, { reason: 'x' })).rejects.toMatchObject({ code: 'INVALID_STATE', message: expect.stringContaining('expired') as unknown });
    await certify(w, BOB, 'Skill', skill.id, { reason: 'ok' });
    const fresh = await certification(store, skill.id);
    expect(fresh).toMatchObject({ certified: false, request: { approvals: [{ actor: 'bob' }] } });
  });

  it('a quorum of 1 certifies at once, as before; a role is held to its rules before it can be approved', async () => {
    const { w } = await fourEyes(1);
    const skill = await f.skill(w, { certified: false });
    expect((await certify(w, ALICE, 'Skill', skill.id, { reason: 'ok' })).content).toMatchObject({ certification: { certified: true, approved_by: ['alice'] } });
    // A role whose required skill lost its certification cannot be approved: approvals obey the rules.
    const strict = (await fourEyes(2)).w;
    const setup = { ...strict, certification: { quorum: 1, requestTtlMs: DAY } };
    const g = await f.graph(setup);
    await decertify(setup, ALICE, 'JobRole', g.role.id, { reason: 'rework' });
    await decertify(setup, ALICE, 'Skill', g.skill.id, { reason: 'outdated' });
    await expect(certify(strict, BOB, 'JobRole', g.role.id, { reason: 'ok' })).rejects.toMatchObject({ code: 'CONSTITUTIONAL_VIOLATION' });
  });
});
