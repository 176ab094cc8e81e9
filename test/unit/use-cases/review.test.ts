import { describe, expect, it } from 'vitest';
import { decertify } from '../../../src/core/use-cases/certification.ts';
import { evolve } from '../../../src/core/use-cases/evolve.ts';
import { governanceQueue } from '../../../src/core/use-cases/governance-queue.ts';
import { reviewEntity } from '../../../src/core/use-cases/review-decision.ts';
import * as f from '../../support/factories.ts';
import { AUDITOR, GOVERNANCE, OPERATOR } from '../../support/ledger.ts';
import { memoryLedger } from '../../support/memory.ts';

/** Reviews and the queue on the in-memory ledger. */
describe('governance reviews', () => {
  it('evolving a certified skill keeps it certified but flags it and what relies on it; reviews clear the flags', async () => {
    const m = await memoryLedger();
    const g = await f.graph(m.write);
    const agent = await f.agent(m.write, g);
    const evolved = await evolve(m.write, GOVERNANCE, g.skill.id, { changes: { description: 'now also covers video' } });
    expect(evolved.content).toMatchObject({ amendment_alignment: 'requires_review', certification: { certified: true } });
    for (const id of [g.role.id, agent.id]) expect((await m.store.getEntity(id))?.content.amendment_alignment).toBe('requires_review');

    const queue = await governanceQueue(m.write, { limit: 10 });
    expect(queue.items.map((i) => i.entity_id).sort()).toEqual([g.skill.id, g.role.id, agent.id].sort());
    const skillItem = queue.items.find((i) => i.entity_id === g.skill.id);
    expect(skillItem).toMatchObject({ type: 'review', certified: true, cause: { operation: 'evolve', version: evolved.version, actor: GOVERNANCE.subject } });
    expect(queue.items.find((i) => i.entity_id === agent.id)?.cause).toMatchObject({ operation: 'require_review', reason: expect.stringContaining('waits for a review') as unknown });

    const reviewed = await reviewEntity(m.write, GOVERNANCE, g.skill.id, { outcome: 'still_valid', reason: 'video is in scope' });
    expect(reviewed.content).toMatchObject({ amendment_alignment: 'aligned', certification: { certified: true } });
    expect((await m.store.getAmendments(g.skill.id)).at(-1)?.payload).toMatchObject({ operation: 'review', reason: 'video is in scope', actor: GOVERNANCE.subject });
    await reviewEntity(m.write, GOVERNANCE, g.role.id, { outcome: 'still_valid', reason: 'unchanged' });
    await reviewEntity(m.write, GOVERNANCE, agent.id, { outcome: 'still_valid', reason: 'unchanged' });
    expect((await governanceQueue(m.write, { limit: 10 })).items).toEqual([]);
  });

  it('an uncertified skill evolves as before: aligned, dependents flagged only where rules now fail', async () => {
    const m = await memoryLedger();
    const skill = await f.skill(m.write, { certified: false });
    expect((await evolve(m.write, GOVERNANCE, skill.id, { changes: { description: 'x' } })).content.amendment_alignment).toBe('aligned');
  });

  it('a review cannot call valid what no longer holds, and can decertify instead', async () => {
    const m = await memoryLedger();
    const g = await f.graph(m.write);
    const agent = await f.agent(m.write, g);
    await decertify(m.write, GOVERNANCE, 'Skill', g.skill.id, { reason: 'outdated' });
    // The role requires a skill that is no longer certified: "still valid" breaks a rule.
    await expect(reviewEntity(m.write, GOVERNANCE, g.role.id, { outcome: 'still_valid', reason: 'fine' })).rejects.toMatchObject({ code: 'CONSTITUTIONAL_VIOLATION' });
    const revoked = await reviewEntity(m.write, GOVERNANCE, g.role.id, { outcome: 'decertify', reason: 'its skill was withdrawn' });
    expect(revoked.content).toMatchObject({ amendment_alignment: 'aligned', certification: { certified: false, revocation_reason: 'its skill was withdrawn' } });
    expect((await m.store.getAmendments(g.role.id)).at(-1)?.payload.operation).toBe('decertify');
    expect((await m.store.getEntity(agent.id))?.content.amendment_alignment).toBe('requires_review');
  });

  it('refuses what is not a review: an aligned entity, decertifying the uncertified, an empty reason, other roles', async () => {
    const m = await memoryLedger();
    const g = await f.graph(m.write);
    const agent = await f.agent(m.write, g);
    await expect(reviewEntity(m.write, GOVERNANCE, agent.id, { outcome: 'still_valid', reason: 'x' })).rejects.toMatchObject({ code: 'INVALID_STATE' });
    await decertify(m.write, GOVERNANCE, 'Skill', g.skill.id, { reason: 'outdated' });
    await expect(reviewEntity(m.write, GOVERNANCE, agent.id, { outcome: 'decertify', reason: 'x' })).rejects.toMatchObject({ code: 'INVALID_STATE', errors: [{ field: 'outcome' }] });
    await expect(reviewEntity(m.write, GOVERNANCE, agent.id, { outcome: 'still_valid', reason: '  ' })).rejects.toMatchObject({ code: 'VALIDATION_ERROR' });
    for (const actor of [OPERATOR, AUDITOR]) {
      await expect(reviewEntity(m.write, actor, g.role.id, { outcome: 'decertify', reason: 'x' })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    }
    await expect(reviewEntity(m.write, GOVERNANCE, '01900000-0000-7000-8000-00000000dead', { outcome: 'still_valid', reason: 'x' })).rejects.toMatchObject({ code: 'ENTITY_NOT_FOUND' });
  });

  it('the queue pages with its cursor and refuses a cursor it did not hand out', async () => {
    const m = await memoryLedger();
    const g = await f.graph(m.write);
    for (let i = 0; i < 3; i++) await f.agent(m.write, g);
    await decertify(m.write, GOVERNANCE, 'Skill', g.skill.id, { reason: 'outdated' });
    const first = await governanceQueue(m.write, { limit: 2 });
    expect(first.items).toHaveLength(2);
    expect(first.next_cursor).not.toBeNull();
    const second = await governanceQueue(m.write, { limit: 2, cursor: first.next_cursor ?? '' });
    expect(second.items).toHaveLength(2);
    // A full page cannot know it was the last: the next one is empty and ends the walk.
    expect(await governanceQueue(m.write, { limit: 2, cursor: second.next_cursor ?? '' })).toEqual({ items: [], next_cursor: null });
    expect(new Set([...first.items, ...second.items].map((i) => i.entity_id)).size).toBe(4);
    for (const bad of ['nope', Buffer.from('["2026-01-01", "x"]').toString('base64url')]) {
      await expect(governanceQueue(m.write, { limit: 2, cursor: bad })).rejects.toMatchObject({ code: 'VALIDATION_ERROR', errors: [{ field: 'cursor' }] });
    }
  });
});
