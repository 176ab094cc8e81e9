import { Type } from 'typebox';

export const A2A_CARD_MEDIA_TYPE = 'application/a2a-agent-card+json';

/** Passed through as built: the card's shape is the A2A specification's, checked in tests against @a2a-js/sdk. */
export const AgentCardSchema = Type.Object({}, { additionalProperties: true, description: 'An A2A AgentCard (v1.0) with `signatures` (JWS by the key in /api/v1/keys)' });
