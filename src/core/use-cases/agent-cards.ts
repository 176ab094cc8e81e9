import { agentEntry, AI_CATALOG_SPEC_VERSION, teamEntry, type AiCatalog, type CatalogEntry } from '../ai-catalog.ts';
import { buildAgentCard, cardSigningPayload, cardSummary, isCertifiedAgent, type AgentCard, type LedgerProof } from '../agent-card.ts';
import type { EntityRecord } from '../entity.ts';
import { DomainError } from '../errors.ts';
import { detachedJws, signJws } from '../jws.ts';
import type { Signer } from '../ports/crypto.ts';
import type { LedgerStore } from '../ports/ledger.ts';
import type { TransparencyLog } from '../ports/log.ts';
import { makeCheckpoint } from './checkpoint.ts';

export interface CardDeps {
  store: Pick<LedgerStore, 'getEntity' | 'getEntities' | 'listEntities'>;
  log: Pick<TransparencyLog, 'store' | 'signer' | 'origin'>;
  signer: Signer;
  /** PUBLIC_URL: links in cards and catalog entries (never the request's Host header, which a caller controls). */
  baseUrl: string;
  provider: string;
}

/** The largest page of cards, each with its own inclusion proof. */
export const MAX_CARDS_PAGE = 100;

const hex = (hashes: readonly Buffer[]): string[] => hashes.map((h) => h.toString('hex'));

/** A signed checkpoint (size and note) that every card of one answer is proven against. */
interface Anchor {
  tree_size: number;
  note: string;
}

/**
 * A checkpoint covering every leaf up to `leafIndex`: the latest one, or one signed now when the
 * latest predates it (one per log size, as the checkpointer does).
 */
const anchorCovering = async (deps: CardDeps, leafIndex: number): Promise<Anchor> => {
  const latest = await deps.log.store.latestCheckpoint();
  if (latest !== undefined && latest.tree_size > leafIndex) return latest;
  const made = await makeCheckpoint(deps.log);
  return { tree_size: made.size, note: made.note };
};

const leafOf = async (deps: CardDeps, agent: EntityRecord<'Agent'>): Promise<number> => {
  const leaf = await deps.log.store.leafByAmendment(agent.hash_chain_head);
  if (leaf === undefined) throw new Error(`the head amendment of agent ${agent.id} is not in the log`);
  return leaf.leaf_index;
};

/** The agent's head amendment in the log: its leaf and inclusion proof under `anchor`. */
const ledgerProof = async (deps: CardDeps, agent: EntityRecord<'Agent'>, leafIndex: number, anchor: Anchor): Promise<LedgerProof> => ({
  entity_id: agent.id,
  amendment_hash: agent.hash_chain_head,
  version: agent.version,
  leaf_index: leafIndex,
  tree_size: anchor.tree_size,
  inclusion_proof: hex(await deps.log.store.inclusion(leafIndex, anchor.tree_size)),
  checkpoint: anchor.note,
  log_origin: deps.log.origin,
});

const keysUrl = (deps: CardDeps): string => `${deps.baseUrl}/api/v1/keys`;

const signCard = async (deps: CardDeps, card: AgentCard): Promise<AgentCard> => ({
  ...card,
  signatures: [{ ...(await signJws(cardSigningPayload(card), deps.signer, keysUrl(deps))), header: undefined }],
});

/** The skills and job roles the agents name, by id. */
type Sources = Map<string, EntityRecord>;

const sourcesOf = (deps: CardDeps, agents: readonly EntityRecord<'Agent'>[]): Promise<Sources> =>
  deps.store.getEntities([...new Set(agents.flatMap((a) => [a.content.skill_id, a.content.job_role_id]))]);

const skillOf = (agent: EntityRecord<'Agent'>, sources: Sources): EntityRecord<'Skill'> | undefined =>
  sources.get(agent.content.skill_id) as EntityRecord<'Skill'> | undefined;
const roleOf = (agent: EntityRecord<'Agent'>, sources: Sources): EntityRecord<'JobRole'> | undefined =>
  sources.get(agent.content.job_role_id) as EntityRecord<'JobRole'> | undefined;

/** Signed cards of these agents, all proven against one checkpoint that covers every head. */
const cardsFor = async (deps: CardDeps, agents: readonly EntityRecord<'Agent'>[], sources: Sources): Promise<AgentCard[]> => {
  const leaves = await Promise.all(agents.map((a) => leafOf(deps, a)));
  if (leaves.length === 0) return [];
  const anchor = await anchorCovering(deps, Math.max(...leaves));
  return Promise.all(
    agents.map(async (agent, i) => {
      const skill = skillOf(agent, sources);
      const role = roleOf(agent, sources);
      if (skill === undefined || role === undefined) throw new Error(`agent ${agent.id} refers to a missing skill or job role`);
      const proof = await ledgerProof(deps, agent, leaves[i] as number, anchor);
      return signCard(deps, buildAgentCard({ agent, skill, role, baseUrl: deps.baseUrl, provider: deps.provider, proof }));
    }),
  );
};

const certified = (agent: EntityRecord<'Agent'>, sources: Sources): boolean => isCertifiedAgent(agent, skillOf(agent, sources), roleOf(agent, sources));

/** One agent's signed card; any live agent has one (a deleted one does not). */
export const agentCard = async (deps: CardDeps, id: string): Promise<AgentCard> => {
  const agent = await deps.store.getEntity(id);
  if (agent?.entity_type !== 'Agent' || agent.deleted_at !== null) throw new DomainError('ENTITY_NOT_FOUND', `No agent has id ${id}`);
  const typed = agent as EntityRecord<'Agent'>;
  const [card] = await cardsFor(deps, [typed], await sourcesOf(deps, [typed]));
  return card as AgentCard;
};

/** A page of cards in id order: certified agents only, unless `all`. */
export const listAgentCards = async (deps: CardDeps, query: { all: boolean; after?: string | undefined; limit: number }): Promise<{ items: AgentCard[]; next: string | null }> => {
  const agents = (await deps.store.listEntities({ kind: 'Agent', status: query.all ? undefined : 'active', after: query.after, limit: query.limit })) as EntityRecord<'Agent'>[];
  const sources = await sourcesOf(deps, agents);
  const chosen = query.all ? agents.filter((a) => a.deleted_at === null) : agents.filter((a) => certified(a, sources));
  const items = await cardsFor(deps, chosen, sources);
  return { items, next: agents.length === query.limit ? (agents.at(-1)?.id ?? null) : null };
};

const allOf = async (deps: CardDeps, kind: 'Agent' | 'Team'): Promise<EntityRecord[]> => {
  const out: EntityRecord[] = [];
  let after: string | undefined;
  for (;;) {
    const page = await deps.store.listEntities({ kind, status: 'active', after, limit: 500 });
    out.push(...page);
    if (page.length < 500) return out;
    after = page.at(-1)?.id;
  }
};

/**
 * The AI Catalog of this Plant: every certified agent as an A2A card entry, every active team as
 * a nested catalog of its certified members; signed with a detached JWS.
 */
export const aiCatalog = async (deps: CardDeps): Promise<AiCatalog> => {
  const agents = (await allOf(deps, 'Agent')) as EntityRecord<'Agent'>[];
  const sources = await sourcesOf(deps, agents);
  const entries = new Map<string, CatalogEntry>();
  for (const agent of agents.filter((a) => certified(a, sources))) {
    const skill = skillOf(agent, sources) as EntityRecord<'Skill'>;
    const role = roleOf(agent, sources) as EntityRecord<'JobRole'>;
    entries.set(agent.id, agentEntry(deps.baseUrl, agent.id, cardSummary(agent, skill, role), agent.updated_at));
  }
  const teams = (await allOf(deps, 'Team')) as EntityRecord<'Team'>[];
  const nested = teams
    .map((team) => {
      const content = team.content;
      const members = content.agents.map((id) => entries.get(id)).filter((e): e is CatalogEntry => e !== undefined);
      return members.length === 0
        ? null
        : teamEntry(deps.baseUrl, { id: team.id, name: content.name, description: content.description, version: team.version, updatedAt: team.updated_at, tags: content.tags }, members);
    })
    .filter((e): e is CatalogEntry => e !== null);
  const catalog: AiCatalog = {
    specVersion: AI_CATALOG_SPEC_VERSION,
    host: { displayName: deps.provider, identifier: new URL(deps.baseUrl).hostname, documentationUrl: `${deps.baseUrl}/docs` },
    entries: [...entries.values(), ...nested],
  };
  return { ...catalog, signature: detachedJws(await signJws(catalog, deps.signer, keysUrl(deps))) };
};
