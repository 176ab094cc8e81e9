import { cardSigningPayload, LEDGER_EXTENSION_URI, type LedgerProof } from '@plant/client/verify';
import type { AgentContent, EntityRecord } from './entity.ts';
import type { FlattenedSignature } from './jws.ts';

/**
 * An agent as an A2A AgentCard (A2A specification v1.0 shape, as @a2a-js/sdk 1.3 types it).
 * Plant defines agents, it does not run them, so a card lists an interface only when the agent's
 * `custom_attributes.a2a_url` names one; what a card adds is proof: a JWS by the ledger's key and
 * the Plant ledger extension, which places the card's source amendment in the transparency log.
 */
export const A2A_PROTOCOL_VERSION = '1.0';
// The card's signing payload and ledger extension are the shared verifier's: signer and verifiers build the same bytes.
export { cardSigningPayload, LEDGER_EXTENSION_URI, type LedgerProof };

export interface AgentCardSkill {
  id: string;
  name: string;
  description: string;
  tags: string[];
  examples: string[];
  inputModes: string[];
  outputModes: string[];
  securityRequirements: never[];
}

export interface AgentCard {
  name: string;
  description: string;
  supportedInterfaces: { url: string; protocolBinding: string; tenant: string; protocolVersion: string }[];
  provider: { organization: string; url: string };
  version: string;
  documentationUrl: string;
  capabilities: { extensions: { uri: string; description: string; required: boolean; params: LedgerProof }[] };
  securitySchemes: Record<string, never>;
  securityRequirements: never[];
  defaultInputModes: string[];
  defaultOutputModes: string[];
  skills: AgentCardSkill[];
  /** `header` (the unprotected one) is never set: everything signed is in `protected`. */
  signatures: (FlattenedSignature & { header: Record<string, unknown> | undefined })[];
}

export interface CardSources {
  agent: EntityRecord<'Agent'>;
  skill: EntityRecord<'Skill'>;
  role: EntityRecord<'JobRole'>;
  /** The public base URL of this Plant (PUBLIC_URL), for links inside the card. */
  baseUrl: string;
  provider: string;
  proof: LedgerProof;
}

const unique = (values: readonly string[]): string[] => [...new Set(values.filter((v) => v.trim() !== ''))];

const a2aUrl = (content: AgentContent): string | null => {
  const raw = content.custom_attributes.a2a_url;
  if (typeof raw !== 'string') return null;
  try {
    return new URL(raw).protocol === 'https:' ? raw : null;
  } catch {
    return null;
  }
};

/** An agent is certified when it is active and both its skill and its job role are certified now. */
export const isCertifiedAgent = (agent: EntityRecord<'Agent'>, skill: EntityRecord<'Skill'> | undefined, role: EntityRecord<'JobRole'> | undefined): boolean =>
  agent.content.status === 'active' && skill?.content.certification.certified === true && role?.content.certification.certified === true;

/** What a card and a catalog entry say about an agent: from its skill and its job role. */
export const cardSummary = (agent: EntityRecord<'Agent'>, skillRecord: EntityRecord<'Skill'>, roleRecord: EntityRecord<'JobRole'>): { description: string; tags: string[]; version: string } => {
  const skill = skillRecord.content;
  const role = roleRecord.content;
  return {
    description: `${role.name} (${role.seniority_level}) with the skill ${skill.name}. ${role.description}`,
    tags: unique([skill.category, ...skill.tags, role.name, role.seniority_level, ...agent.content.tags]),
    version: String(agent.version),
  };
};

/** The card before it is signed (`signatures` empty). */
export const buildAgentCard = (s: CardSources): AgentCard => {
  const skill = s.skill.content;
  const summary = cardSummary(s.agent, s.skill, s.role);
  const url = a2aUrl(s.agent.content);
  return {
    name: s.agent.content.name,
    description: summary.description,
    supportedInterfaces: url === null ? [] : [{ url, protocolBinding: 'JSONRPC', tenant: '', protocolVersion: A2A_PROTOCOL_VERSION }],
    provider: { organization: s.provider, url: s.baseUrl },
    version: summary.version,
    documentationUrl: `${s.baseUrl}/api/v1/agents/${s.agent.id}`,
    capabilities: {
      extensions: [
        {
          uri: LEDGER_EXTENSION_URI,
          description: 'The amendment this card states, its leaf in Plant\'s transparency log, the inclusion proof and the signed checkpoint',
          required: false,
          params: s.proof,
        },
      ],
    },
    securitySchemes: {},
    securityRequirements: [],
    defaultInputModes: ['text/plain'],
    defaultOutputModes: ['text/plain'],
    skills: [
      {
        id: s.skill.id,
        name: skill.name,
        description: skill.description,
        tags: summary.tags,
        examples: [],
        inputModes: [],
        outputModes: [],
        securityRequirements: [],
      },
    ],
    signatures: [],
  };
};
