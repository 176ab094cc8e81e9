import type { EntityRecord } from '../entity.ts';
import type { Actor } from '../ports/ledger.ts';
import type { WriteDeps } from './deps.ts';
import { lockExisting } from './load.ts';
import { joinTeam } from './team-membership.ts';

export const assignTeam = async (
  deps: WriteDeps,
  actor: Actor,
  agentId: string,
  teamId: string,
  reason: string | null = null,
): Promise<EntityRecord<'Agent'>> =>
  deps.store.write(actor, async (tx) => {
    const agent = await lockExisting(tx, agentId, 'Agent');
    return joinTeam(deps, tx, actor, agent, teamId, reason);
  });
