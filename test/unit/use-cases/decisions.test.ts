import { describe, expect, it } from 'vitest';
import { certify, decertify, rejectCertification } from '../../../src/core/use-cases/certification.ts';
import { listDecisions } from '../../../src/core/use-cases/decisions.ts';
import { reviewEntity } from '../../../src/core/use-cases/review-decision.ts';
import * as f from '../../support/factories.ts';
import { GOVERNANCE } from '../../support/ledger.ts';
import { memoryLedger } from '../../support/memory.ts';

const BOB = { subject: 'bob', roles: ['governance'] };

describe('decisions as precedents', () => {
  it('a decision cites earlier ones by hash; the payload carries them and the list shows them', async () => {
    const m = await memoryLedger();
    const g = await f.graph(m.write);
    const old = await decertify(m.write, GOVERNANCE, 'Skill', g.skill.id, { reason: 'vendor API withdrawn' });
    const cited = old.entity.version_hash;
    const skill2 = await f.skill(m.write, { certified: false });
    const certified = await certify(m.write, BOB, 'Skill', skill2.id, { reason: 'replacement API is stable', precedents: [cited] });
    expect((await m.store.getAmendments(skill2.id)).at(-1)?.payload.precedents).toEqual([cited]);
    // A decision that cites nothing keeps the payload it always had.
    expect(Object.hasOwn((await m.store.getAmendments(g.skill.id)).at(-1)?.payload ?? {}, 'precedents')).toBe(false);
    const page = await listDecisions(m.store, { entityId: skill2.id, limit: 10 });
    expect(page.decisions).toEqual([expect.objectContaining({ amendment_hash: certified.version_hash, operation: 'certify', actor: 'bob', precedents: [cited], links: { entity: `/api/v1/entities/${skill2.id}`, history: `/api/v1/entities/${skill2.id}/history` } })]);
  });

  it('refuses a precedent that does not exist or is not a hash, for every kind of decision, writing nothing', async () => {
    const m = await memoryLedger();
    const g = await f.graph(m.write);
    const missing = 'ab'.repeat(32);
    const before = (await m.store.getAmendments(g.skill.id)).length;
    await expect(decertify(m.write, GOVERNANCE, 'Skill', g.skill.id, { reason: 'x', precedents: [missing] })).rejects.toMatchObject({
      code: 'REFERENCE_NOT_FOUND', errors: [{ field: 'precedents/0', message: `no amendment has hash ${missing}` }],
    });
    await expect(decertify(m.write, GOVERNANCE, 'Skill', g.skill.id, { reason: 'x', precedents: ['nope'] })).rejects.toMatchObject({ code: 'VALIDATION_ERROR', errors: [{ field: 'precedents/0' }] });
    await expect(certify(m.write, GOVERNANCE, 'Skill', (await f.skill(m.write, { certified: false })).id, { reason: 'x', precedents: [missing] })).rejects.toMatchObject({ code: 'REFERENCE_NOT_FOUND' });
    await expect(rejectCertification(m.write, GOVERNANCE, 'Skill', g.skill.id, { reason: 'x', precedents: [missing] })).rejects.toMatchObject({ code: 'REFERENCE_NOT_FOUND' });
    await expect(reviewEntity(m.write, GOVERNANCE, g.role.id, { outcome: 'still_valid', reason: 'x', precedents: [missing] })).rejects.toMatchObject({ code: 'REFERENCE_NOT_FOUND' });
    expect((await m.store.getAmendments(g.skill.id)).length).toBe(before);
  });

  it('lists by actor, operation, words in the reason and time, newest first, paged', async () => {
    const m = await memoryLedger();
    const g = await f.graph(m.write);
    await decertify(m.write, BOB, 'Skill', g.skill.id, { reason: 'Vendor API withdrawn' });
    await reviewEntity(m.write, GOVERNANCE, g.role.id, { outcome: 'decertify', reason: 'its skill is gone' });
    const all = await listDecisions(m.store, { limit: 50 });
    expect(all.decisions.map((d) => d.at)).toEqual([...all.decisions.map((d) => d.at)].sort().reverse());
    expect(all.decisions.map((d) => d.operation)).toEqual(['decertify', 'decertify', 'certify', 'certify']);
    expect((await listDecisions(m.store, { actor: 'bob', limit: 50 })).decisions.map((d) => d.reason)).toEqual(['Vendor API withdrawn']);
    expect((await listDecisions(m.store, { operation: 'certify', limit: 50 })).decisions).toHaveLength(2);
    expect((await listDecisions(m.store, { q: 'vendor withdrawn', limit: 50 })).decisions.map((d) => d.entity_id)).toEqual([g.skill.id]);
    const newest = all.decisions[0]?.at ?? '';
    expect((await listDecisions(m.store, { since: newest, limit: 50 })).decisions).toHaveLength(1);
    const first = await listDecisions(m.store, { limit: 3 });
    const rest = await listDecisions(m.store, { limit: 3, cursor: first.next_cursor ?? '' });
    expect([...first.decisions, ...rest.decisions].map((d) => d.amendment_hash)).toEqual(all.decisions.map((d) => d.amendment_hash));
    await expect(listDecisions(m.store, { since: 'last tuesday', limit: 5 })).rejects.toMatchObject({ code: 'VALIDATION_ERROR', errors: [{ field: 'since' }] });
    await expect(listDecisions(m.store, { cursor: 'garbage', limit: 5 })).rejects.toMatchObject({ code: 'VALIDATION_ERROR', errors: [{ field: 'cursor' }] });
  });

  it('every decision records why: certify, decertify, reject and review refuse a missing or blank reason', async () => {
    const m = await memoryLedger();
    const g = await f.graph(m.write);
    const raw = await f.skill(m.write, { certified: false });
    for (const attempt of [
      certify(m.write, GOVERNANCE, 'Skill', raw.id, {}),
      certify(m.write, GOVERNANCE, 'Skill', raw.id, { reason: '   ' }),
      decertify(m.write, GOVERNANCE, 'Skill', g.skill.id, { reason: null }),
      rejectCertification(m.write, GOVERNANCE, 'Skill', raw.id, { reason: '' }),
      reviewEntity(m.write, GOVERNANCE, g.role.id, { outcome: 'still_valid', reason: '' }),
    ]) {
      await expect(attempt).rejects.toMatchObject({ code: 'VALIDATION_ERROR', errors: [{ field: 'reason' }] });
    }
    expect((await m.store.getEntity(raw.id))?.version).toBe(1);
  });
});
