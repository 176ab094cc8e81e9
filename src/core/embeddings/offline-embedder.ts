import type { Embedder } from '../ports/embeddings.ts';
import { EMBEDDING_DIMENSIONS, normalize, type Vector } from './vector.ts';

/**
 * The built-in embedder: no model files, no network, the same vector for the same text on every
 * machine. It hashes features of the text into 384 signed buckets and normalizes:
 *   - word stems (weight 1, sublinear in repeats), so "ads" and "ad" agree;
 *   - word pairs (0.5), so "lead generation" means more than its words;
 *   - character trigrams of each word (0.8 spread over them): a weak pull between words that share
 *     a root but not a stem ("marketer", "marketing");
 *   - concepts (1.0) from a small hand-written lexicon of everyday synonyms in the catalog's
 *     domains (marketing, sales, education), so "kid" meets "student" and "ads" meets "PPC".
 * It is not a language model: it knows no synonyms beyond that lexicon, no word order beyond
 * pairs and no negation. Production installations point EMBEDDINGS_PROVIDER at a real model.
 */
export const OFFLINE_MODEL = 'plant-offline-v1';

const STOPWORDS = new Set(
  ('a an and are as at be been but by can could do does for from get got has have i if in into is it its me my of on or our ours ' +
    'should so some someone somebody something than that the their them then there these they this those to too us very was ' +
    'we were what when where which who whom why will with would you your yours need needs want wants looking find hire help ' +
    'anyone person people please like just also more most much many any all each other such own same only about up out')
    .split(' '),
);

/** Light suffix stripping: enough to fold plurals and verb forms together, deterministic. */
export const stem = (word: string): string => {
  let w = word;
  if (w.length > 4 && w.endsWith('ies')) w = `${w.slice(0, -3)}y`;
  else if (w.length > 5 && w.endsWith('ing')) w = w.slice(0, -3);
  else if (w.length > 4 && w.endsWith('ed')) w = w.slice(0, -2);
  else if (w.length > 3 && w.endsWith('s') && !w.endsWith('ss') && !w.endsWith('us') && !w.endsWith('is')) w = w.slice(0, -1);
  return w;
};

/** Everyday words that mean the same thing to someone hiring in these domains. */
const CONCEPTS: Record<string, string> = {
  advertising: 'ad ads advert adverts advertising advertisement ppc paid sponsored promote promotion promoted cpc',
  social: 'social instagram facebook tiktok linkedin twitter reels followers follower influencer influencers creator creators posting',
  search: 'seo google ranking rankings rank organic keyword keywords backlinks serp',
  email: 'email emails newsletter newsletters mailchimp klaviyo mailing inbox drip',
  content: 'content blog blogs article articles copy copywriting editorial',
  brand: 'brand branding logo identity positioning messaging',
  selling: 'sales sell selling deal deals close closing revenue quota buyer buyers negotiate negotiation',
  leads: 'lead leads prospect prospects prospecting pipeline outreach cold meetings appointments',
  crm: 'crm salesforce hubspot contacts records forecast forecasts',
  math: 'math maths mathematics algebra geometry calculus arithmetic fractions equations trigonometry',
  science: 'science physics chemistry biology lab',
  english: 'english grammar essay essays reading writing vocabulary spelling literature',
  exam: 'exam exams test tests sat act gre gmat ielts toefl prep preparation revision',
  student: 'student students kid kids child children son daughter teen teenager pupil pupils learner learners school',
  tutoring: 'tutor tutors tutoring teach teacher teaching lesson lessons coach coaching',
  career: 'career careers college university cv resume interview interviews admissions',
  planning: 'plan plans planning schedule schedules organised organized motivation motivated',
  enablement: 'enablement playbook playbooks onboarding ramp pitch decks training',
  growth: 'marketing growth traffic awareness audience visibility',
  homework: 'homework assignments assignment',
};

const conceptOf = new Map<string, string[]>();
for (const [concept, words] of Object.entries(CONCEPTS)) {
  for (const w of words.split(' ')) {
    const s = stem(w);
    conceptOf.set(s, [...(conceptOf.get(s) ?? []), concept]);
  }
}

export const tokens = (text: string): string[] =>
  (text.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').toLowerCase().match(/[a-z0-9]+/g) ?? [])
    .filter((w) => !STOPWORDS.has(w))
    .map(stem);

/** FNV-1a, 32 bits; the seed keeps bucket and sign hashes independent. */
const fnv = (text: string, seed: number): number => {
  let h = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
};

/** Share of a word's weight spread over its character trigrams. */
const TRIGRAM_WEIGHT = 0.8;

const add = (acc: Float64Array, feature: string, weight: number): void => {
  const bucket = fnv(feature, 0) % acc.length;
  const sign = (fnv(feature, 0x9e3779b9) & 1) === 0 ? 1 : -1;
  acc[bucket] = (acc[bucket] as number) + sign * weight;
};

export const embedOffline = (text: string, dimensions = EMBEDDING_DIMENSIONS): number[] => {
  const words = tokens(text);
  const counts = new Map<string, number>();
  const bump = (feature: string, weight: number): void => {
    counts.set(feature, (counts.get(feature) ?? 0) + weight);
  };
  words.forEach((w, i) => {
    bump(`w:${w}`, 1);
    for (const c of conceptOf.get(w) ?? []) bump(`c:${c}`, 1);
    const next = words[i + 1];
    if (next !== undefined) bump(`b:${w} ${next}`, 0.5);
    const padded = `#${w}#`;
    const grams = Math.max(1, padded.length - 2);
    for (let j = 0; j + 3 <= padded.length; j++) bump(`g:${padded.slice(j, j + 3)}`, TRIGRAM_WEIGHT / grams);
  });
  const acc = new Float64Array(dimensions);
  // Sublinear in repeats, so a word said five times does not drown the rest.
  for (const [feature, weight] of counts) add(acc, feature, weight >= 1 ? 1 + Math.log(weight) : weight);
  return normalize(Array.from(acc));
};

export class OfflineEmbedder implements Embedder {
  readonly model = OFFLINE_MODEL;
  embed(texts: readonly string[]): Promise<Vector[]> {
    return Promise.resolve(texts.map((t) => embedOffline(t)));
  }
}
