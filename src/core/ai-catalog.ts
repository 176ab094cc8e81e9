/**
 * The AI Catalog (`application/ai-catalog+json`, the Agent-Card/ai-catalog specification as of
 * its v0.9 release candidate, `specVersion` "1.0"): certified agents as A2A card entries, and each
 * team as a nested catalog of its certified members. The catalog's `signature` is a detached JWS
 * over the canonical catalog without it.
 */
export const AI_CATALOG_SPEC_VERSION = '1.0';
export const A2A_CARD_TYPE = 'application/a2a-agent-card+json';
export const CATALOG_TYPE = 'application/ai-catalog+json';

export interface CatalogEntry {
  identifier: string;
  type: string;
  url?: string;
  data?: unknown;
  displayName?: string;
  description?: string;
  tags?: string[];
  version?: string;
  updatedAt: string;
}

export interface AiCatalog {
  specVersion: string;
  host: { displayName: string; identifier: string; documentationUrl: string };
  entries: CatalogEntry[];
  signature?: string;
}

/** `urn:air:{publisher}:{namespace}:{name}` with the host name of PUBLIC_URL (no port: the URN separates with colons) as the publisher. */
export const airId = (baseUrl: string, namespace: string, name: string): string => `urn:air:${new URL(baseUrl).hostname}:${namespace}:${name}`;

/**
 * An agent's entry points at its signed card. It repeats the card's description, tags and version
 * so that a catalog can be browsed without fetching every card (the spec lets an entry do so).
 */
export const agentEntry = (baseUrl: string, id: string, summary: { description: string; tags: string[]; version: string }, updatedAt: string): CatalogEntry => ({
  identifier: airId(baseUrl, 'a2a', id),
  type: A2A_CARD_TYPE,
  url: `${baseUrl}/api/v1/agents/${id}/card`,
  ...summary,
  updatedAt,
});

export const teamEntry = (
  baseUrl: string,
  team: { id: string; name: string; description: string; version: number; updatedAt: string; tags: string[] },
  members: CatalogEntry[],
): CatalogEntry => ({
  identifier: airId(baseUrl, 'team', team.id),
  type: CATALOG_TYPE,
  // A nested catalog carries no name of its own, so the entry names it.
  displayName: team.name,
  description: team.description,
  tags: team.tags,
  version: String(team.version),
  updatedAt: team.updatedAt,
  data: { specVersion: AI_CATALOG_SPEC_VERSION, entries: members },
});
