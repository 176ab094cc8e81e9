import * as shared from '@plant/client/verify';
import type { Amendment } from './amendment.ts';
import { nodeSha256 } from './canonical.ts';
import type { SignatureVerifier } from './ports/crypto.ts';

export type { ChainCheck, ChainExpectation, ChainProblem, ChainReport } from '@plant/client/verify';

/**
 * Verifies one entity's amendments, in version order as stored: the shared verification module's
 * check (identity, version, hash, link, signature per amendment; head and count for the chain),
 * hashing with node:crypto. Every problem names its index, version and check.
 */
export const verifyChain = (amendments: readonly Amendment[], verifier: SignatureVerifier, expect: shared.ChainExpectation): Promise<shared.ChainReport> =>
  shared.verifyChain(amendments, verifier, expect, nodeSha256);
