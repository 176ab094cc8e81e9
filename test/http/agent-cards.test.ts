import { AgentCard as A2aCard, canonicalizeAgentCard, verifyAgentCardSignature, type AgentCard } from '@a2a-js/sdk';
import { compactVerify, importJWK, type JWK } from 'jose';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createPlantClient } from '../../clients/typescript/src/index.ts';
import { verifyAgentCard } from '../../clients/typescript/src/verify/index.ts';
import { cardSigningPayload, LEDGER_EXTENSION_URI, type AgentCard as PlantCard, type LedgerProof } from '../../src/core/agent-card.ts';
import { airId } from '../../src/core/ai-catalog.ts';
import { canonicalJson } from '../../src/core/canonical.ts';
import { verifyCheckpointNote } from '../../src/core/checkpoint.ts';
import { hashLeaf, verifyInclusion } from '../../src/core/merkle.ts';
import { decertify } from '../../src/core/use-cases/certification.ts';
import { engines } from '../support/engines.ts';
import * as f from '../support/factories.ts';
import { GOVERNANCE, testConfig } from '../support/ledger.ts';
import { createTestApi, type TestApi } from '../support/api.ts';

interface Catalog {
  specVersion: string;
  host: { displayName: string; identifier: string };
  entries: { identifier: string; type: string; url?: string; displayName?: string; description?: string; tags?: string[]; version?: string; updatedAt: string; data?: { specVersion: string; entries: { identifier: string }[] } }[];
  signature: string;
}

describe.each(await engines())('A2A agent cards and the AI Catalog (%s)', (engine) => {
  let api: TestApi;
  let reader: { authorization: string };
  let keys: JWK[];
  let vkey: string;
  beforeAll(async () => {
    api = await createTestApi(engine, {}, {}, { config: testConfig({ PUBLIC_URL: 'https://plant.example.com/', PROVIDER_NAME: 'Example Marketplace' }) });
    reader = await api.auth(['reader']);
    keys = (await api.app.inject({ method: 'GET', url: '/api/v1/keys', headers: reader })).json<{ keys: JWK[] }>().keys;
    vkey = api.t.log.vkey;
  });
  afterAll(async () => {
    await api.close();
  });

  // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters -- the caller names the body's shape
  const get = async <T = unknown>(url: string): Promise<{ status: number; body: T; type: string }> => {
    const res = await api.app.inject({ method: 'GET', url, headers: reader });
    return { status: res.statusCode, body: res.json(), type: String(res.headers['content-type']) };
  };
  const publicKey = async (kid: string) => {
    const jwk = keys.find((k) => k.kid === kid);
    if (jwk === undefined) throw new Error(`no key ${kid}`);
    return (await importJWK(jwk, jwk.kty === 'OKP' ? 'EdDSA' : 'PS256')) as CryptoKey;
  };

  it('a card has the A2A v1 shape, verifies with @a2a-js/sdk against /api/v1/keys, and proves its amendment in the log', async () => {
    const g = await f.graph(api.t.write);
    const agent = await f.agent(api.t.write, g);
    const res = await get<PlantCard>(`/api/v1/agents/${agent.id}/card`);
    expect(res.status).toBe(200);
    expect(res.type).toContain('application/a2a-agent-card+json');
    const card = res.body;
    // Type check: Plant's card is assignable to the SDK's AgentCard; and the SDK's own JSON
    // round trip keeps every field (nothing outside the v1 schema, nothing mistyped).
    const typed: AgentCard = card;
    const { signatures, ...roundTripped } = A2aCard.toJSON(A2aCard.fromJSON(typed)) as Record<string, unknown>;
    expect(roundTripped).toEqual(JSON.parse(canonicalizeAgentCard(typed)));
    expect(signatures).toEqual(card.signatures);
    expect(card).toMatchObject({
      name: agent.content.name,
      version: String(agent.version),
      provider: { organization: 'Example Marketplace', url: 'https://plant.example.com' },
      documentationUrl: `https://plant.example.com/api/v1/agents/${agent.id}`,
      defaultInputModes: ['text/plain'],
      skills: [{ id: g.skill.id, name: g.skill.content.name, description: g.skill.content.description }],
    });
    expect(card.skills[0]?.tags).toEqual(expect.arrayContaining([g.skill.content.category, g.role.content.name]));

    // Signed bytes: the SDK's canonical form and Plant's are the same.
    expect(canonicalizeAgentCard(typed)).toBe(canonicalJson(cardSigningPayload(card)));
    await expect(verifyAgentCardSignature(publicKey)(typed)).resolves.toBeUndefined();
    const tampered = { ...typed, name: `${typed.name} (improved)` };
    // The SDK logs each failed signature at debug level; the rejection is what counts here.
    const debug = vi.spyOn(console, 'debug').mockImplementation(() => undefined);
    await expect(verifyAgentCardSignature(publicKey)(tampered)).rejects.toThrow('No valid signatures');
    debug.mockRestore();

    // The other way: the extension's amendment is the agent's head, included under a signed checkpoint.
    const ext = card.capabilities.extensions.find((e) => e.uri === LEDGER_EXTENSION_URI);
    const proof = ext?.params as LedgerProof;
    expect(proof).toMatchObject({ entity_id: agent.id, amendment_hash: agent.hash_chain_head, version: agent.version });
    const note = await verifyCheckpointNote(proof.checkpoint, vkey);
    expect(note.ok).toBe(true);
    if (!note.ok) return;
    expect(note.checkpoint.size).toBe(proof.tree_size);
    const leaf = hashLeaf(Buffer.from(proof.amendment_hash, 'hex'));
    expect(await verifyInclusion(proof.leaf_index, proof.tree_size, leaf, proof.inclusion_proof.map((h) => Buffer.from(h, 'hex')), note.checkpoint.root)).toBe(true);
    const amendment = await get<{ amendment: { payload: { content: { name: string } } }; leaf_index: number }>(`/api/v1/amendments/${proof.amendment_hash}`);
    expect(amendment.body.leaf_index).toBe(proof.leaf_index);
    expect(amendment.body.amendment.payload.content.name).toBe(card.name);
  });

  it('the SDK verifies a card both ways (signature and ledger), and names which way a forgery or a foreign log fails', async () => {
    const g = await f.graph(api.t.write);
    const agent = await f.agent(api.t.write, g);
    // The SDK over the app itself: its fetch is answered by inject, no socket.
    const inject: typeof fetch = async (input, init) => {
      const request = input instanceof Request ? input : new Request(input, init);
      const headers: Record<string, string> = {};
      request.headers.forEach((value, name) => {
        headers[name] = value;
      });
      const url = new URL(request.url);
      const res = await api.app.inject({ method: request.method as 'GET', url: url.pathname + url.search, headers });
      return new Response(res.body, { status: res.statusCode, headers: res.headers as Record<string, string> });
    };
    const plant = createPlantClient({ baseUrl: 'http://plant.test', token: reader.authorization.slice('Bearer '.length), fetch: inject });
    const { card, result } = await plant.verifyAgentCard(agent.id, { logKey: vkey });
    expect(result).toMatchObject({ verified: true, signature: 'pass', ledger: 'pass', problems: [], proof: { entity_id: agent.id, amendment_hash: agent.hash_chain_head } });

    const forged = await verifyAgentCard({ ...card, description: 'a better agent than it is' }, { logKey: vkey, keys });
    expect(forged).toMatchObject({ verified: false, signature: 'fail', ledger: 'pass', problems: ['no signature on the card verifies under the given keys'] });
    const stranger = vkey.replace(/^[^+]+/, 'another.example/log');
    const foreign = await verifyAgentCard(card, { logKey: stranger, keys });
    expect(foreign).toMatchObject({ verified: false, signature: 'pass', ledger: 'fail', problems: ['checkpoint: verifier key id does not match its key'] });
    const unsigned = await verifyAgentCard({ ...card, signatures: [] }, { logKey: vkey, keys });
    expect(unsigned.problems).toEqual(['the card is not signed']);

    // The ledger way fails on its own, with the signature left as it is.
    type Ext = { uri: string; params: Record<string, unknown> };
    const withProof = (change: Record<string, unknown> | null): object => {
      const { capabilities } = card as unknown as { capabilities: { extensions?: Ext[] } };
      const extensions = capabilities.extensions ?? [];
      return {
        ...card,
        capabilities: { ...capabilities, extensions: change === null ? [] : extensions.map((e) => (e.uri === 'urn:plant:a2a:ledger:v1' ? { ...e, params: { ...e.params, ...change } } : e)) },
      };
    };
    const ledgerOf = async (c: object): Promise<string[]> => (await verifyAgentCard(c, { logKey: vkey, keys })).problems.filter((p) => !p.startsWith('no signature'));
    expect(await ledgerOf(withProof(null))).toEqual(['the card has no urn:plant:a2a:ledger:v1 extension']);
    const size = (result.proof?.tree_size ?? 0) + 1;
    expect(await ledgerOf(withProof({ tree_size: size }))).toEqual([`the checkpoint is of size ${size - 1}, the proof says ${size}`]);
    expect(await ledgerOf(withProof({ amendment_hash: 'not hex' }))).toEqual(['the proof or the amendment hash is not hex SHA-256']);
    const other = '0'.repeat(64);
    expect(await ledgerOf(withProof({ amendment_hash: other }))).toEqual([`amendment ${other} is not included at leaf ${String(result.proof?.leaf_index)} of the signed tree of size ${size - 1}`]);
  });

  it('lists certified agents by default, pages by id; a decertified role takes its agents out; unknown ids are 404', async () => {
    const g = await f.graph(api.t.write);
    const a = await f.agent(api.t.write, g);
    const b = await f.agent(api.t.write, g);
    const all: string[] = [];
    let after: string | null = null;
    for (;;) {
      const page: { status: number; body: { items: PlantCard[]; next: string | null } } = await get(`/api/v1/agents/cards?limit=2${after === null ? '' : `&after=${after}`}`);
      expect(page.status).toBe(200);
      all.push(...page.body.items.map((c) => c.documentationUrl.split('/').at(-1) ?? ''));
      if (page.body.next === null) break;
      after = page.body.next;
    }
    expect(all).toEqual(expect.arrayContaining([a.id, b.id]));
    await decertify(api.t.write, GOVERNANCE, 'JobRole', g.role.id, { reason: 'withdrawn' });
    const certified = (await get<{ items: PlantCard[] }>('/api/v1/agents/cards?limit=100')).body.items.map((c) => c.name);
    expect(certified).not.toContain(a.content.name);
    const everyone = (await get<{ items: PlantCard[] }>('/api/v1/agents/cards?limit=100&all=true')).body.items.map((c) => c.name);
    expect(everyone).toContain(a.content.name);
    expect((await get('/api/v1/agents/019a0000-0000-7000-8000-000000000000/card')).status).toBe(404);
    expect((await get(`/api/v1/agents/${g.skill.id}/card`)).status).toBe(404);
    expect((await get('/api/v1/agents/cards?limit=1000')).status).toBe(422);
  });

  it('the AI Catalog lists certified agents and nests teams, and its detached JWS verifies over the canonical catalog', async () => {
    const g = await f.graph(api.t.write);
    const agent = await f.agent(api.t.write, g);
    const team = await f.team(api.t.write, g, [agent.id]);
    const member = await api.t.store.getEntity(agent.id);
    const res = await get<Catalog>('/.well-known/ai-catalog.json');
    expect(res.status).toBe(200);
    expect(res.type).toContain('application/ai-catalog+json');
    const catalog = res.body;
    expect(catalog).toMatchObject({ specVersion: '1.0', host: { displayName: 'Example Marketplace', identifier: 'plant.example.com' } });
    const entry = catalog.entries.find((e) => e.identifier === `urn:air:plant.example.com:a2a:${agent.id}`);
    expect(entry).toMatchObject({ type: 'application/a2a-agent-card+json', url: `https://plant.example.com/api/v1/agents/${agent.id}/card`, version: String(member?.version) });
    expect(entry?.updatedAt).toBe(member?.updated_at);
    const nested = catalog.entries.find((e) => e.identifier === `urn:air:plant.example.com:team:${team.id}`);
    expect(nested).toMatchObject({ type: 'application/ai-catalog+json', displayName: team.content.name });
    expect(nested?.data?.entries.map((e) => e.identifier)).toEqual([entry?.identifier]);
    // The publisher segment is a host name: a port would add a colon, the URN's separator.
    expect(airId('http://localhost:8000', 'a2a', 'x')).toBe('urn:air:localhost:a2a:x');

    const [header, empty, signature] = catalog.signature.split('.');
    expect(empty).toBe('');
    const unsigned: Partial<Catalog> = { ...catalog };
    delete unsigned.signature;
    const payload = Buffer.from(canonicalJson(unsigned)).toString('base64url');
    const kid = (JSON.parse(Buffer.from(header ?? '', 'base64url').toString()) as { kid: string }).kid;
    await expect(compactVerify(`${header ?? ''}.${payload}.${signature ?? ''}`, await publicKey(kid))).resolves.toBeDefined();
    const forged = Buffer.from(canonicalJson({ ...unsigned, entries: [] })).toString('base64url');
    await expect(compactVerify(`${header ?? ''}.${forged}.${signature ?? ''}`, await publicKey(kid))).rejects.toThrow();
  });

  it('is public when PUBLIC_READ is on, and needs a token otherwise', async () => {
    expect((await api.app.inject({ method: 'GET', url: '/.well-known/ai-catalog.json' })).statusCode).toBe(401);
    const open = await createTestApi(engine, { publicRead: true });
    try {
      expect((await open.app.inject({ method: 'GET', url: '/.well-known/ai-catalog.json' })).statusCode).toBe(200);
    } finally {
      await open.close();
    }
  });
});
