import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureVectorIndex } from '../../src/adapters/db/migrate.ts';
import { createSkill } from '../../src/core/use-cases/create.ts';
import { evolve } from '../../src/core/use-cases/evolve.ts';
import { seedDemoCatalog } from '../../src/core/use-cases/seed-catalog.ts';
import { search } from '../../src/core/use-cases/search.ts';
import { PgSearchIndex } from '../../src/adapters/db/search-index.ts';
import { drainJobs } from '../support/embeddings.ts';
import { engines } from '../support/engines.ts';
import { createTestLedger, GOVERNANCE, type TestLedger } from '../support/ledger.ts';
import type { SearchFilter } from '../../src/core/ports/embeddings.ts';
import { type EntityKind, SEARCHABLE_KINDS, type SearchableKind } from '../../src/core/entity.ts';
import { demoAgents, DEMO_CATALOG } from '../../src/catalog/demo-catalog.ts';

/**
 * How a customer or a governance officer would ask, and what a person would accept as a right
 * answer in the top three. `roles` expands to the role itself and every agent working in it.
 */
interface Case {
  q: string;
  kind?: SearchableKind;
  want: { skills?: string[]; roles?: string[]; industries?: string[] };
}

const RELEVANCE: Case[] = [
  { q: 'someone to run our Instagram ads', want: { skills: ['PPC Advertising', 'Social Media'], roles: ['Social Media Manager', 'SEO Specialist'] } },
  { q: 'help my kid with algebra homework', want: { skills: ['Math Tutoring', 'Homework Help'], roles: ['Math Tutor'] } },
  { q: 'get my daughter ready for the SAT', want: { skills: ['Test Prep'], roles: ['Test Prep Coach'] } },
  { q: 'more people finding our website on Google', want: { skills: ['SEO'], roles: ['SEO Specialist'] } },
  { q: 'write blog posts for our company', want: { skills: ['Content Marketing'], roles: ['Content Strategist', 'Email Marketer'] } },
  { q: 'send a monthly newsletter to our customers', want: { skills: ['Email Marketing'], roles: ['Email Marketer'] } },
  { q: 'book more sales meetings with prospects', want: { skills: ['SDR Prospecting'], roles: ['SDR'] } },
  { q: 'close bigger deals with enterprise buyers', want: { skills: ['Account Executive'], roles: ['Account Executive'] } },
  { q: 'clean up our Salesforce data', want: { skills: ['CRM Management'], roles: ['SDR'] } },
  { q: 'fill the pipeline with qualified leads', want: { skills: ['Lead Generation', 'SDR Prospecting'], roles: ['SDR'] } },
  { q: 'work with creators to promote our product', want: { skills: ['Influencer Marketing'], roles: ['Social Media Manager'] } },
  { q: 'chemistry exam revision for my son', want: { skills: ['Science Tutoring'], roles: ['Science Tutor'] } },
  { q: 'improve my essay writing', want: { skills: ['English Coaching'], roles: ['English Tutor'] } },
  { q: 'advice on which university to apply to', want: { skills: ['Career Counseling'] } },
  { q: 'a revision timetable before finals', want: { skills: ['Study Planning'], roles: ['Science Tutor', 'Test Prep Coach'] } },
  { q: 'train our reps to pitch better', want: { skills: ['Sales Enablement'], roles: ['Account Executive'] } },
  { q: 'make our brand stand out from competitors', want: { skills: ['Brand Strategy'], roles: ['Content Strategist'] } },
  { q: 'grow our followers on TikTok', want: { skills: ['Social Media'], roles: ['Social Media Manager'] } },
  { q: 'physics lessons for a teenager', want: { skills: ['Science Tutoring'], roles: ['Science Tutor'] } },
  { q: 'IELTS practice before moving abroad', want: { skills: ['Test Prep'], roles: ['Test Prep Coach'] } },
  { q: 'cold messages to decision makers on LinkedIn', want: { skills: ['SDR Prospecting'], roles: ['SDR'] } },
  { q: 'paid search campaigns with a fixed budget', want: { skills: ['PPC Advertising'], roles: ['SEO Specialist'] } },
  { q: 'automated drip emails for new signups', want: { skills: ['Email Marketing'], roles: ['Email Marketer'] } },
  { q: 'grammar and vocabulary for an English learner', want: { skills: ['English Coaching'], roles: ['English Tutor'] } },
  { q: 'schools and tutoring', kind: 'Industry', want: { industries: ['Education'] } },
  { q: 'businesses that want more customers online', kind: 'Industry', want: { industries: ['Marketing'] } },
  { q: 'an agent that teaches fractions', kind: 'Agent', want: { roles: ['Math Tutor'] } },
  { q: 'forecast reports from our CRM', kind: 'Skill', want: { skills: ['CRM Management'] } },
];

const ALL: SearchFilter = { kinds: SEARCHABLE_KINDS, statuses: ['active'], certifiedOnly: false };

describe.each(await engines())('search on the demo catalog (%s)', (engine) => {
  let t: TestLedger;
  const ids = new Map<string, string>();
  const key = (kind: EntityKind, name: string): string => `${kind}:${name}`;

  beforeAll(async () => {
    t = await createTestLedger(engine);
    await seedDemoCatalog(t.write, DEMO_CATALOG);
    for (const kind of SEARCHABLE_KINDS) {
      for (const id of await t.store.listIds([kind])) {
        const record = await t.store.getEntity(id);
        if (record !== undefined) ids.set(record.id, key(kind, record.content.name));
      }
    }
  });
  afterAll(async () => {
    await t.close();
  });

  const run = (q: string, filter: SearchFilter = ALL, limit = 10) => search({ index: t.embeddings.index, embedder: t.embeddings.embedder }, q, filter, limit);

  it('finds entities by text before anything is embedded', async () => {
    const result = await run('Salesforce HubSpot');
    expect(result.mode).toBe('hybrid');
    expect(result.hits[0]?.name).toBe('CRM Management');
    expect(result.hits[0]?.scores.vector).toBeNull();
    expect(result.hits[0]?.why.join(' ')).toMatch(/text: matches "Salesforce", "HubSpot"/);
  });

  it('embeds every skill, job role, industry and agent through the job queue', async () => {
    expect(await t.embeddings.queue.pending()).toBe(82);
    expect(await drainJobs(t.embeddings)).toBe(82);
    expect(await t.embeddings.queue.stats(t.embeddings.embedder.model)).toMatchObject({ documents: 82, embedded: 82, queued: 0, dead: 0 });
  });

  it(`ranks the expected entities in the top three for ${RELEVANCE.length} everyday questions (hit@3, MRR)`, async () => {
    const agentsOf = new Map<string, string[]>();
    for (const a of demoAgents()) agentsOf.set(a.role, [...(agentsOf.get(a.role) ?? []), a.name]);
    const rows: string[] = [];
    let hits = 0;
    let reciprocal = 0;
    let meaningHits = 0;
    for (const c of RELEVANCE) {
      const wanted = new Set([
        ...(c.want.skills ?? []).map((n) => key('Skill', n)),
        ...(c.want.industries ?? []).map((n) => key('Industry', n)),
        ...(c.want.roles ?? []).flatMap((r) => [key('JobRole', r), ...(agentsOf.get(r) ?? []).map((n) => key('Agent', n))]),
      ]);
      const filter = c.kind === undefined ? ALL : { ...ALL, kinds: [c.kind] };
      const result = await run(c.q, filter, 10);
      const names = result.hits.map((h) => ids.get(h.entityId) ?? h.entityId);
      const first = names.findIndex((n) => wanted.has(n));
      if (first >= 0 && first < 3) hits++;
      if (first >= 0) reciprocal += 1 / (first + 1);
      // The same question ranked by meaning alone: the embedder must carry its weight.
      const byMeaning = result.hits.filter((h) => h.scores.vector_rank !== null).sort((a, b) => (a.scores.vector_rank ?? 0) - (b.scores.vector_rank ?? 0));
      if (byMeaning.slice(0, 3).some((h) => wanted.has(ids.get(h.entityId) ?? ''))) meaningHits++;
      rows.push(`${first >= 0 && first < 3 ? 'ok ' : 'MISS'} #${first < 0 ? '-' : first + 1}  ${c.q}  →  ${names.slice(0, 3).join(' | ')}`);
    }
    const n = RELEVANCE.length;
    const report = { queries: n, hit_at_3: hits / n, mrr: reciprocal / n, meaning_only_hit_at_3: meaningHits / n };
    process.stdout.write(`\nsearch relevance (${engine}): ${JSON.stringify(report)}\n${rows.join('\n')}\n`);
    expect(RELEVANCE.length).toBeGreaterThanOrEqual(20);
    expect(report.hit_at_3).toBeGreaterThanOrEqual(0.9);
    expect(report.mrr).toBeGreaterThanOrEqual(0.8);
    expect(report.meaning_only_hit_at_3).toBeGreaterThanOrEqual(0.75);
  });

  it('filters by kind, status, industry and certification', async () => {
    const marketing = [...ids].find(([, k]) => k === 'Industry:Marketing')?.[0] as string;
    const inMarketing = await run('help with customers', { ...ALL, industryId: marketing }, 50);
    expect(inMarketing.hits.length).toBeGreaterThan(0);
    expect(inMarketing.hits.every((h) => h.industryId === marketing)).toBe(true);
    const skills = await run('tutoring', { ...ALL, kinds: ['Skill'] }, 50);
    expect(skills.hits.every((h) => h.entityType === 'Skill')).toBe(true);
    const certified = await run('tutoring', { ...ALL, certifiedOnly: true }, 50);
    expect(certified.hits.length).toBeGreaterThan(0);
    expect(certified.hits.every((h) => h.certified && h.entityType !== 'Industry')).toBe(true);
    expect((await run('tutoring', { ...ALL, statuses: ['draft'] })).hits).toEqual([]);
  });

  it('keeps a new entity findable by text until its job runs, then by meaning too', async () => {
    const skill = await createSkill(t.write, GOVERNANCE, { name: 'Podcast Production', category: 'technical', description: 'Records, edits and publishes podcast episodes with show notes.' });
    const before = await run('podcast editing', { ...ALL, statuses: ['draft', 'active'] });
    const found = before.hits.find((h) => h.entityId === skill.id);
    expect(found?.scores.vector).toBeNull();
    expect(found?.scores.text).toBeGreaterThan(0);
    await drainJobs(t.embeddings);
    const after = await run('podcast editing', { ...ALL, statuses: ['draft', 'active'] });
    expect(after.hits[0]?.entityId).toBe(skill.id);
    expect(after.hits[0]?.scores.vector).toBeGreaterThan(0.3);
  });

  it('answers by text alone, and says so, when the query cannot be embedded', async () => {
    const broken = { model: t.embeddings.embedder.model, embed: () => Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:8005')) };
    const result = await search({ index: t.embeddings.index, embedder: broken }, 'Salesforce pipeline', ALL, 5);
    expect(result.mode).toBe('text');
    expect(result.degraded).toMatch(/ECONNREFUSED/);
    expect(result.hits[0]?.name).toBe('CRM Management');
  });

  it('serves the same results from an IVFFlat index (EMBEDDINGS_INDEX=ivfflat), and switches back', async () => {
    const method = async () =>
      (await t.owner.query<{ m: string }>("SELECT am.amname AS m FROM pg_class c JOIN pg_am am ON am.oid = c.relam WHERE c.relname = 'search_documents_embedding'")).rows[0]?.m;
    const hnsw = (await run('help my kid with algebra homework')).hits.map((h) => h.entityId);
    await ensureVectorIndex(t.owner, 'ivfflat');
    expect(await method()).toBe('ivfflat');
    expect((await run('help my kid with algebra homework')).hits.map((h) => h.entityId)).toEqual(hnsw);
    await ensureVectorIndex(t.owner, 'hnsw');
    expect(await method()).toBe('hnsw');
  });

  it('re-queues an entity whose text changes, and not one whose text stays', async () => {
    await drainJobs(t.embeddings);
    const seo = [...ids].find(([, k]) => k === 'Skill:SEO')?.[0] as string;
    // Certification does not change the text: no job. Dependents keep their documents.
    expect(await t.embeddings.queue.pending()).toBe(0);
    await evolve(t.write, GOVERNANCE, seo, { changes: { description: 'Search engine optimisation for Google and Bing: keywords, audits and rankings.' }, reason: 'broaden' });
    // The skill, and the two roles and the agents whose text quotes it.
    const pending = await t.embeddings.queue.pending();
    expect(pending).toBeGreaterThan(1);
    expect(await drainJobs(t.embeddings)).toBe(pending);
    expect((await run('Bing rankings', { ...ALL, kinds: ['Skill'] })).hits[0]?.entityId).toBe(seo);
  });

  // Last: ANALYZE leaves statistics behind, and the other tests expect none.
  it('lets rare words choose the candidates and common words only fill the places left, once ANALYZE has counted them', async () => {
    const query = 'Salesforce marketing';
    const plain = await t.embeddings.index.matching(query, ALL, 20);
    await t.owner.query('ANALYZE search_documents');
    // The default bar (2,000 documents) is far above this catalog: nothing is common, nothing changes.
    expect(await t.embeddings.index.matching(query, ALL, 20)).toEqual(plain);
    // With a bar of 5 documents "marketing" is common here and "Salesforce" is not.
    const tiered = await new PgSearchIndex(t.service, 5).matching(query, ALL, 20);
    const rare = tiered.findIndex((c) => !c.terms.includes('Salesforce'));
    expect(rare).toBeGreaterThan(0);
    // Every document with the rare word comes first, the plain search's among them.
    const withRare = new Set(tiered.slice(0, rare).map((c) => c.entityId));
    expect(plain.filter((c) => c.terms.includes('Salesforce')).every((c) => withRare.has(c.entityId))).toBe(true);
    // The common word filled the rest, ranked among at most 5 of its documents.
    const fill = tiered.slice(rare);
    expect(fill).toHaveLength(5);
    expect(fill.every((c) => c.terms.includes('marketing') && !c.terms.includes('Salesforce'))).toBe(true);
  });
});
