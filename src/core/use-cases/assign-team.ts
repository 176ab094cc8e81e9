import type { EntityRecord } from '../entity.ts';
import type { Actor } from '../ports/ledger.ts';
import type { WriteDeps } from './deps.ts';
import { lockExisting } from './load.ts';
import { joinTeam, leaveTeam } from './team-membership.ts';

export const assignTeam = async (
  deps: WriteDeps,
  actor: Actor,
  agentId: string,
  /** null takes the agent out of its team. */
  teamId: string | null,
  reason: string | null = null,
): Promise<EntityRecord<'Agent'>> =>
  deps.store.write(actor, async (tx) => {
    const agent = await lockExisting(tx, agentId, 'Agent');
    return teamId === null ? leaveTeam(deps, tx, actor, agent, reason) : joinTeam(deps, tx, actor, agent, teamId, reason);
  });
