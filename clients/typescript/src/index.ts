import createClient, { type Client } from 'openapi-fetch';
import { serviceAccountTokens, type ServiceAccount } from './auth.ts';
import { PlantError, problemOf } from './errors.ts';
import type { components, paths } from './schema.ts';
import { ConsistencyTracker, DEFAULT_RETRY, transport, type RetryOptions } from './transport.ts';
import { verifyAgentCard, verifyEntityEvidence, type CardVerification, type EntityVerification, type SignedAmendment, type VerifyEntityOptions } from './verify/index.ts';

export { PlantError, type Problem } from './errors.ts';
export { backoffMs, CONSISTENCY_HEADER, ConsistencyTracker, retryAfterMs, type RetryOptions } from './transport.ts';
export type { components, paths, ServiceAccount };
export type { CardVerification, EntityVerification, VerifyEntityOptions } from './verify/index.ts';

export type Entity = components['schemas']['Entity'];
export type Change = components['schemas']['Change'];
export type AgentCard = paths['/api/v1/agents/{id}/card']['get']['responses'][200]['content']['application/json'];
export type Kind = NonNullable<NonNullable<paths['/api/v1/changes']['get']['parameters']['query']>['kind']>;

export interface PlantClientOptions {
  /** The server, e.g. `https://plant.example.com` (no path). */
  baseUrl: string;
  /** A bearer token (from `plant token` or your identity provider)… */
  token?: string;
  /** …or a service account whose tokens the client fetches and renews. */
  serviceAccount?: ServiceAccount;
  retry?: Partial<RetryOptions>;
  /** Another fetch (tests, proxies); the global one by default. */
  fetch?: typeof fetch;
  /** How the client waits between retries (tests make it instant). */
  sleep?: (ms: number) => Promise<void>;
  /**
   * Read your own writes when the server reads from replicas (default true): every request carries
   * the consistency token of the latest write this client saw, so no read is older than it.
   */
  readYourWrites?: boolean;
}

/** List routes of the catalog: arrays paged by the `X-Next-Cursor` header. */
export type ListPath = '/api/v1/genesis/skills' | '/api/v1/genesis/job-roles' | '/api/v1/genesis/industries' | '/api/v1/agents' | '/api/v1/teams';

type ListQuery<P extends ListPath> = NonNullable<paths[P]['get']['parameters']['query']>;

export interface PlantClient {
  /** The typed openapi-fetch client: every route of openapi.json, with its types. */
  api: Client<paths>;
  /** Every entity of a list route, across pages (follows `X-Next-Cursor`). */
  list<P extends ListPath>(path: P, query?: Omit<ListQuery<P>, 'cursor' | 'offset'>): AsyncIterable<Entity>;
  /**
   * The change feed from after a leaf index, in log order. With `follow`, it long-polls for new
   * changes and never ends (break out of the loop to stop); keep the last `leaf_index` to resume.
   */
  changes(options?: { after?: number; kind?: Kind; follow?: boolean; pageSize?: number }): AsyncIterable<Change>;
  /** One entity by id (any kind). */
  entity(id: string): Promise<Entity>;
  /**
   * Verifies what this server says about one entity against a log key you pin (from a source you
   * trust, not from this server): signatures, chain, state, the signed checkpoint and the head's
   * inclusion proof. Problems are in the result, never thrown; only a failed fetch throws.
   */
  verifyEntity(id: string, options: Omit<VerifyEntityOptions, 'sha256'>): Promise<EntityVerification>;
  /**
   * An agent's A2A card, checked both ways: its JWS by a published key (or one of `trustedKeys`),
   * and its ledger extension against the log key you pin. Returns the card with the result.
   */
  verifyAgentCard(agentId: string, options: { logKey: string; trustedKeys?: readonly Record<string, unknown>[] }): Promise<{ card: AgentCard; result: CardVerification }>;
  /** The consistency token of the latest write this client saw (hand it to another client to read after it). */
  consistencyToken(): string | undefined;
}

/** Throws the response's problem as a PlantError unless it is a success. */
export const unwrap = async <T>(result: { data?: T; error?: unknown; response: Response }): Promise<T> => {
  if (result.response.ok && result.data !== undefined) return result.data;
  if (result.response.ok) throw new PlantError(result.response.status, { detail: 'the answer had no body' });
  const problem = result.error;
  if (typeof problem === 'object' && problem !== null) throw new PlantError(result.response.status, problem);
  throw await problemOf(result.response);
};

const sleeper = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export const createPlantClient = (options: PlantClientOptions): PlantClient => {
  const raw = options.fetch ?? globalThis.fetch.bind(globalThis);
  const token =
    options.serviceAccount !== undefined
      ? serviceAccountTokens(options.baseUrl, options.serviceAccount, raw)
      : options.token === undefined
        ? undefined
        : () => Promise.resolve(options.token);
  const consistency = options.readYourWrites === false ? undefined : new ConsistencyTracker();
  const api = createClient<paths>({
    baseUrl: options.baseUrl.replace(/\/+$/, ''),
    fetch: transport({
      retry: { ...DEFAULT_RETRY, ...options.retry },
      fetch: raw,
      sleep: options.sleep ?? sleeper,
      ...(token === undefined ? {} : { token }),
      ...(consistency === undefined ? {} : { consistency }),
    }),
  });

  async function* list<P extends ListPath>(path: P, query?: Omit<ListQuery<P>, 'cursor' | 'offset'>): AsyncIterable<Entity> {
    let cursor: string | undefined;
    for (;;) {
      // The list routes share one shape; the path union is too wide for openapi-fetch to infer.
      const result = await (api.GET as (p: string, init: unknown) => Promise<{ data?: Entity[]; error?: unknown; response: Response }>)(path, {
        params: { query: { ...query, ...(cursor === undefined ? {} : { cursor }) } },
      });
      const page = await unwrap(result);
      yield* page;
      cursor = result.response.headers.get('x-next-cursor') ?? undefined;
      if (cursor === undefined || page.length === 0) return;
    }
  }

  async function* changes(o: { after?: number; kind?: Kind; follow?: boolean; pageSize?: number } = {}): AsyncIterable<Change> {
    let after = o.after;
    for (;;) {
      const page = await unwrap(
        await api.GET('/api/v1/changes', {
          params: { query: { limit: o.pageSize ?? 1000, wait: o.follow === true ? 30 : 0, ...(after === undefined ? {} : { after }), ...(o.kind === undefined ? {} : { kind: o.kind }) } },
        }),
      );
      for (const change of page.items) {
        after = change.leaf_index;
        yield change;
      }
      if (page.items.length === 0 && o.follow !== true) return;
    }
  }

  const entity = async (id: string): Promise<Entity> => unwrap(await api.GET('/api/v1/entities/{id}', { params: { path: { id } } }));
  const history = async (id: string) => unwrap(await api.GET('/api/v1/entities/{id}/history', { params: { path: { id } } }));

  /** The entity and its history read as one state: a write landing between the two reads is read again. */
  const entityWithHistory = async (id: string): Promise<[Entity, Awaited<ReturnType<typeof history>>]> => {
    for (let attempt = 0; ; attempt++) {
      const [e, h] = await Promise.all([entity(id), history(id)]);
      if (e.hash_chain_head === h.amendments.at(-1)?.hash || attempt === 2) return [e, h];
    }
  };

  const verifyEntity = async (id: string, opts: Omit<VerifyEntityOptions, 'sha256'>): Promise<EntityVerification> => {
    const [[e, h], keys, checkpoint] = await Promise.all([
      entityWithHistory(id),
      opts.trustedKeys === undefined ? api.GET('/api/v1/keys').then(unwrap).then((k) => k.keys) : Promise.resolve([]),
      api.GET('/api/v1/log/checkpoint').then(unwrap),
    ]);
    const head = h.amendments.at(-1)?.hash;
    let inclusion = null;
    if (head !== undefined) {
      const { leaf_index: leaf } = await unwrap(await api.GET('/api/v1/amendments/{hash}', { params: { path: { hash: head } } }));
      // A head newer than the latest checkpoint cannot be proven yet: the result says `pending`.
      if (leaf !== null && leaf < checkpoint.tree_size) {
        inclusion = await unwrap(await api.GET('/api/v1/log/proof/inclusion', { params: { query: { hash: head, tree_size: checkpoint.tree_size } } }));
      }
    }
    return verifyEntityEvidence({ entity: e, amendments: h.amendments as unknown as SignedAmendment[], keys, checkpoint, inclusion }, opts);
  };

  const verifyCard = async (agentId: string, opts: { logKey: string; trustedKeys?: readonly Record<string, unknown>[] }): Promise<{ card: AgentCard; result: CardVerification }> => {
    const [card, keys] = await Promise.all([
      api.GET('/api/v1/agents/{id}/card', { params: { path: { id: agentId } } }).then(unwrap),
      opts.trustedKeys === undefined ? api.GET('/api/v1/keys').then(unwrap).then((k) => k.keys) : Promise.resolve(opts.trustedKeys),
    ]);
    return { card, result: await verifyAgentCard(card, { logKey: opts.logKey, keys }) };
  };

  return { api, list, changes, entity, verifyEntity, verifyAgentCard: verifyCard, consistencyToken: () => consistency?.token };
};
