import type { AgentContent, EntityRecord, TeamContent } from '../entity.ts';
import { DomainError } from '../errors.ts';
import type { Actor, LedgerTx } from '../ports/ledger.ts';
import { appendAmendment } from '../writer.ts';
import type { WriteDeps } from './deps.ts';

const assertActive = (record: EntityRecord, what: string): void => {
  if (record.content.status !== 'active') {
    throw new DomainError('INVALID_STATE', `${what} ${record.id} is ${record.content.status}; only active ${what.toLowerCase()}s can join teams`);
  }
};

/**
 * An agent belongs to at most one team, and `agent.team_id` and `team.agents` always agree: each
 * move amends the agent, its old team (if any) and its new team in one transaction. A team left
 * empty by a move fails L1-TEAM-01, which rejects the whole move.
 */
export const removeFromTeam = async (
  deps: WriteDeps,
  tx: LedgerTx,
  actor: Actor,
  agent: EntityRecord<'Agent'>,
  reason: string,
  known: Map<string, EntityRecord>,
): Promise<void> => {
  const teamId = agent.content.team_id;
  if (teamId === null) return;
  const team = known.get(teamId) ?? (await tx.lock([teamId])).get(teamId);
  if (team === undefined || team.content.status === 'deleted') return;
  const content: TeamContent = { ...(team.content as TeamContent) };
  content.agents = content.agents.filter((a) => a !== agent.id);
  const updated = await appendAmendment(deps, { tx, actor, id: team.id, kind: 'Team', current: team, content, operation: 'assign_team', reason, known });
  known.set(updated.id, updated);
};

const leaveOldTeam = (
  deps: WriteDeps,
  tx: LedgerTx,
  actor: Actor,
  agent: EntityRecord<'Agent'>,
  newTeamId: string,
  known: Map<string, EntityRecord>,
): Promise<void> =>
  agent.content.team_id === newTeamId ? Promise.resolve() : removeFromTeam(deps, tx, actor, agent, `agent ${agent.id} moved to team ${newTeamId}`, known);

const setAgentTeam = async (
  deps: WriteDeps,
  tx: LedgerTx,
  actor: Actor,
  agent: EntityRecord<'Agent'>,
  teamId: string | null,
  reason: string | null,
  known: Map<string, EntityRecord>,
): Promise<EntityRecord<'Agent'>> => {
  const content: AgentContent = { ...agent.content, team_id: teamId };
  const updated = (await appendAmendment(deps, {
    tx, actor, id: agent.id, kind: 'Agent', current: agent, content, operation: 'assign_team', reason, known,
  })) as EntityRecord<'Agent'>;
  known.set(updated.id, updated);
  return updated;
};

/** Members listed when a team is created: each leaves its old team and records its new one. */
export const moveMembersInto = async (
  deps: WriteDeps,
  tx: LedgerTx,
  actor: Actor,
  team: EntityRecord<'Team'>,
  members: readonly EntityRecord<'Agent'>[],
  knownIn: ReadonlyMap<string, EntityRecord>,
): Promise<void> => {
  const known = new Map(knownIn);
  known.set(team.id, team);
  for (const member of members) {
    assertActive(member, 'Agent');
    await leaveOldTeam(deps, tx, actor, member, team.id, known);
    await setAgentTeam(deps, tx, actor, member, team.id, `member of new team ${team.id}`, known);
  }
};

/** Assigns one (locked) agent to a team: amends old team, new team and agent. Idempotent. */
export const joinTeam = async (
  deps: WriteDeps,
  tx: LedgerTx,
  actor: Actor,
  agent: EntityRecord<'Agent'>,
  teamId: string,
  reason: string | null,
): Promise<EntityRecord<'Agent'>> => {
  if (agent.content.team_id === teamId) return agent;
  assertActive(agent, 'Agent');
  const team = (await tx.lock([teamId])).get(teamId);
  if (team?.entity_type !== 'Team') {
    throw new DomainError('REFERENCE_NOT_FOUND', `Team ${teamId} not found`, {
      errors: [{ field: 'team_id', message: `Team ${teamId} not found` }],
    });
  }
  assertActive(team, 'Team');
  const known = new Map<string, EntityRecord>([[agent.id, agent], [team.id, team]]);
  await leaveOldTeam(deps, tx, actor, agent, teamId, known);
  const teamContent: TeamContent = { ...(team.content as TeamContent) };
  teamContent.agents = [...teamContent.agents, agent.id];
  const updatedTeam = await appendAmendment(deps, {
    tx, actor, id: team.id, kind: 'Team', current: team, content: teamContent, operation: 'assign_team',
    reason: reason ?? `agent ${agent.id} joined`, known,
  });
  known.set(updatedTeam.id, updatedTeam);
  return setAgentTeam(deps, tx, actor, agent, teamId, reason, known);
};

/** Takes one (locked) agent out of its team: amends the team and the agent. Idempotent. */
export const leaveTeam = async (
  deps: WriteDeps,
  tx: LedgerTx,
  actor: Actor,
  agent: EntityRecord<'Agent'>,
  reason: string | null,
): Promise<EntityRecord<'Agent'>> => {
  if (agent.content.team_id === null) return agent;
  const known = new Map<string, EntityRecord>([[agent.id, agent]]);
  await removeFromTeam(deps, tx, actor, agent, reason ?? `agent ${agent.id} left`, known);
  return setAgentTeam(deps, tx, actor, agent, null, reason, known);
};
