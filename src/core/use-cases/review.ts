import type { EntityRecord } from '../entity.ts';
import { checkGraph } from '../rules/index.ts';
import type { Actor, LedgerTx } from '../ports/ledger.ts';
import { loadRefs, signAndStore, validateWrite } from '../writer.ts';
import type { WriteDeps } from './deps.ts';

export interface ReviewOptions {
  /** Follow dependents of dependents (decertification), or stop at direct ones. */
  transitive: boolean;
  /** Flag only dependents whose relational rules now fail (evolve, lifecycle moves). */
  onlyFailing: boolean;
  reason: string;
}

/**
 * Flags dependents `amendment_alignment = requires_review` without rewriting anything they say:
 * each flag is its own signed `require_review` amendment, so the audit trail shows when and why
 * an agent or team fell out of alignment. Returns the flagged ids.
 */
export const flagDependents = async (
  deps: WriteDeps,
  tx: LedgerTx,
  actor: Actor,
  changed: EntityRecord,
  options: ReviewOptions,
): Promise<string[]> => {
  const known = new Map<string, EntityRecord>([[changed.id, changed]]);
  const visited = new Set<string>([changed.id]);
  const queue: string[] = [changed.id];
  const flagged: string[] = [];

  while (queue.length > 0) {
    const source = queue.shift();
    if (source === undefined) break;
    const ids = (await tx.dependents(source)).filter((id) => !visited.has(id));
    if (ids.length === 0) continue;
    const locked = await tx.lock(ids);
    for (const id of ids) {
      visited.add(id);
      const record = locked.get(id);
      if (record === undefined) continue;
      if (options.transitive) queue.push(id);
      const refs = await loadRefs(tx, record.entity_type, record.content, known);
      if (options.onlyFailing) {
        const failing = checkGraph({ kind: record.entity_type, content: record.content, previous: null, refs });
        if (failing.length === 0) continue;
      }
      if (record.content.amendment_alignment === 'requires_review') continue;
      const content = { ...record.content, amendment_alignment: 'requires_review' as const };
      const args = {
        tx, actor, id: record.id, kind: record.entity_type, current: record, content,
        operation: 'require_review' as const, reason: options.reason, known,
      };
      const updated = await signAndStore(deps, args, validateWrite(deps, args, refs));
      known.set(updated.id, updated);
      flagged.push(updated.id);
    }
  }
  return flagged;
};
