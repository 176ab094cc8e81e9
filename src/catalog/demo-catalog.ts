/**
 * The seed system's demo catalog (3 industries, 19 skills, 10 job roles, 6 teams, 50 agents,
 * with the seed's names, categories and role→skill lists), made consistent with the rules:
 * every agent's skill is one of its role's, its industry is its role's, and every team holds
 * agents of its role. Descriptions say what a customer would look for. Fully deterministic.
 */
import type { Catalog, CatalogAgent, CatalogIndustry, CatalogRole, CatalogSkill } from '../core/use-cases/seed-catalog.ts';

export const DEMO_INDUSTRIES: readonly CatalogIndustry[] = [
  {
    name: 'Marketing',
    description:
      'Growth, content, and performance: brand awareness, social media, search, email and paid advertising for businesses that want more customers and traffic.',
  },
  {
    name: 'Education',
    description:
      'Tutoring and academic support: homework help, exam and test preparation, study plans and subject tutoring for students, parents and schools.',
  },
  {
    name: 'Sales',
    description:
      'Revenue and pipeline acceleration: prospecting, lead generation, outreach, demos, deal closing and CRM hygiene for sales teams.',
  },
];

export const DEMO_SKILLS: readonly CatalogSkill[] = [
  { name: 'Content Marketing', category: 'technical', description: 'Plans and writes blog posts, articles, newsletters, case studies and website copy that attract and convert customers; editorial calendars and content strategy.' },
  { name: 'Social Media', category: 'technical', description: 'Runs Instagram, Facebook, TikTok, LinkedIn and X accounts: posting schedules, captions, reels, community replies and follower growth.' },
  { name: 'SEO', category: 'technical', description: 'Search engine optimisation: keyword research, on-page fixes, technical audits, backlinks and Google rankings to grow organic website traffic.' },
  { name: 'Email Marketing', category: 'technical', description: 'Email campaigns and newsletters: list building, segmentation, automated drip sequences, subject-line testing and open and click rates (Mailchimp, Klaviyo).' },
  { name: 'PPC Advertising', category: 'technical', description: 'Paid ads on Google Ads, Meta and Instagram ads, LinkedIn ads: campaign setup, bidding, budgets, ad copy, targeting and cost-per-click optimisation.' },
  { name: 'Influencer Marketing', category: 'technical', description: 'Finds and manages influencers and creators: outreach, sponsored posts, partnership briefs and tracking of campaign reach.' },
  { name: 'SDR Prospecting', category: 'technical', description: 'Sales development: finds prospects, researches accounts, sends cold emails and LinkedIn messages, and books meetings for the sales team.' },
  { name: 'Account Executive', category: 'technical', description: 'Runs discovery calls and product demos, writes proposals, negotiates pricing and closes deals with B2B buyers.' },
  { name: 'CRM Management', category: 'technical', description: 'Keeps Salesforce and HubSpot clean: contact records, deal stages, pipeline reports, forecasts and follow-up reminders.' },
  { name: 'Sales Enablement', category: 'technical', description: 'Builds pitch decks, battle cards, playbooks and training so sales reps sell better and ramp faster.' },
  { name: 'Lead Generation', category: 'technical', description: 'Generates and qualifies leads: lead magnets, landing pages, contact lists, enrichment and lead scoring to fill the sales pipeline.' },
  { name: 'Brand Strategy', category: 'domain_expertise', description: 'Defines brand positioning, voice, messaging and visual identity so a business stands out and speaks to its audience consistently.' },
  { name: 'Math Tutoring', category: 'domain_expertise', description: 'Teaches mathematics from arithmetic to algebra, geometry and calculus, with worked examples and practice problems for school students.' },
  { name: 'Science Tutoring', category: 'domain_expertise', description: 'Explains physics, chemistry and biology concepts, lab reports and exam questions for middle and high school students.' },
  { name: 'English Coaching', category: 'domain_expertise', description: 'Improves English reading, writing, grammar, vocabulary and essay skills, and spoken English for students and learners.' },
  { name: 'Test Prep', category: 'domain_expertise', description: 'Prepares students for exams such as the SAT, ACT, GRE, GMAT and IELTS: practice tests, timing strategy and score improvement.' },
  { name: 'Career Counseling', category: 'soft_skill', description: 'Guides students on careers, college applications, CVs and interviews, and choosing a course of study.' },
  { name: 'Study Planning', category: 'soft_skill', description: 'Builds study schedules and revision plans, sets goals and keeps students motivated and organised before exams.' },
  { name: 'Homework Help', category: 'soft_skill', description: 'Helps children and students with daily homework and assignments across subjects, explaining step by step.' },
];

export const DEMO_ROLES: readonly CatalogRole[] = [
  { name: 'Content Strategist', industry: 'Marketing', seniority: 'senior', skills: ['Content Marketing', 'Brand Strategy'], description: 'Plans what a brand publishes and why: content strategy, editorial calendar, brand voice and content that brings in customers.' },
  { name: 'SEO Specialist', industry: 'Marketing', seniority: 'mid', skills: ['SEO', 'PPC Advertising'], description: 'Gets a website found on Google: SEO audits, keywords and rankings, plus paid search ads to capture demand.' },
  { name: 'Social Media Manager', industry: 'Marketing', seniority: 'mid', skills: ['Social Media', 'Influencer Marketing'], description: 'Runs social media accounts and influencer campaigns on Instagram, TikTok and Facebook to grow followers and engagement.' },
  { name: 'Email Marketer', industry: 'Marketing', seniority: 'junior', skills: ['Email Marketing', 'Content Marketing'], description: 'Writes and sends newsletters and email campaigns, automates sequences and grows the mailing list.' },
  { name: 'Math Tutor', industry: 'Education', seniority: 'mid', skills: ['Math Tutoring', 'Homework Help'], description: 'Tutors students in maths and helps with math homework, from basic arithmetic to calculus.' },
  { name: 'Science Tutor', industry: 'Education', seniority: 'mid', skills: ['Science Tutoring', 'Study Planning'], description: 'Tutors physics, chemistry and biology and plans revision so students are ready for science exams.' },
  { name: 'English Tutor', industry: 'Education', seniority: 'junior', skills: ['English Coaching', 'Homework Help'], description: 'Teaches English reading, writing and grammar, and helps with English homework and essays.' },
  { name: 'Test Prep Coach', industry: 'Education', seniority: 'senior', skills: ['Test Prep', 'Study Planning'], description: 'Coaches students for SAT, ACT, GRE and IELTS exams with practice tests and a study plan.' },
  { name: 'SDR', industry: 'Sales', seniority: 'junior', skills: ['SDR Prospecting', 'Lead Generation', 'CRM Management'], description: 'Sales development representative: prospects, generates leads, sends outreach and books meetings, keeping the CRM up to date.' },
  { name: 'Account Executive', industry: 'Sales', seniority: 'senior', skills: ['Account Executive', 'Sales Enablement'], description: 'Closes deals: runs demos and negotiations with buyers and uses sales playbooks to win.' },
];

/** The seed's six teams: one for each of the first six job roles. */
export const DEMO_TEAM_COUNT = 6;

export const DEMO_AGENT_NAMES: readonly string[] = [
  'Ava Flux', 'Nova Quill', 'Orion Sage', 'Lumen Drift', 'Echo Vale', 'Mira Pulse', 'Coda Trace', 'Ivy Loom', 'Vega March', 'Rune Shift',
  'Aria North', 'Sage Wren', 'Kai Ember', 'Lux Harbor', 'Zane Frost', 'Faye Lark', 'Nia Cove', 'Juno Kade', 'Ezra Bloom', 'Rhea Sparks',
  'Pax Arden', 'Lyra Crest', 'Theo March', 'Indi Ray', 'Vale Knox', 'Remy Slate', 'Bria Vaughn', 'Zuri Lane', 'Odin Crest', 'Marlowe Finch',
  'Cleo Pierce', 'Rowan Gale', 'Tess Hart', 'Ash Calder', 'Siena Rush', 'Neo Plume', 'Arden Vale', 'Iris Calder', 'Keir Moss', 'Sloane Pike',
  'Ember Knox', 'Talon Rhys', 'Lara Voss', 'Quinn Vale', 'Riven Storm', 'Solene Ash', 'Tara Wisp', 'Jade Arden', 'Noor Pryce', 'Opal Winn',
];


/**
 * Agents go to roles round-robin (5 per role); each takes its role's skills in turn. The first
 * three agents of each of the first six roles form that role's team.
 */
export const demoAgents = (): CatalogAgent[] => {
  const perRole = new Map<string, number>();
  return DEMO_AGENT_NAMES.map((name, i) => {
    const role = DEMO_ROLES[i % DEMO_ROLES.length] as CatalogRole;
    const k = perRole.get(role.name) ?? 0;
    perRole.set(role.name, k + 1);
    const roleIndex = i % DEMO_ROLES.length;
    return {
      name,
      role: role.name,
      skill: role.skills[k % role.skills.length] as string,
      team: roleIndex < DEMO_TEAM_COUNT && k < 3 ? roleIndex : null,
    };
  });
};

/** The demo catalog as the seed use case takes it. */
export const DEMO_CATALOG: Catalog = { industries: DEMO_INDUSTRIES, skills: DEMO_SKILLS, roles: DEMO_ROLES, teamCount: DEMO_TEAM_COUNT, agents: demoAgents() };
