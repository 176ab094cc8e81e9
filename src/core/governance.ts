/** Governance decisions: the amendments that record a judgement and may be cited as precedents. */
export const DECISION_OPERATIONS = ['certification_approval', 'certify', 'certification_rejected', 'decertify', 'review'] as const;
export type DecisionOperation = (typeof DECISION_OPERATIONS)[number];

export const isDecisionOperation = (value: string): value is DecisionOperation => (DECISION_OPERATIONS as readonly string[]).includes(value);

/** How many precedents one decision may cite. */
export const MAX_PRECEDENTS = 20;

export const AMENDMENT_HASH_PATTERN = /^[0-9a-f]{64}$/;
