/**
 * Plant's verification, one module for every verifier: `plant verify` and the server's audit in
 * Node, the SDK's verifyEntity and the console in a browser. WebCrypto and Uint8Array only.
 */
export { concatBytes, equalBytes, fromBase64, fromHex, toBase64, toHex, utf8 } from './bytes.ts';
export { webSha256, type Sha256 } from './digest.ts';
export { amendmentLeaf, hashChildren, hashLeaf, proofFromHex, verifyConsistency, verifyInclusion } from './merkle.ts';
export { EM_DASH, noteKeyId, parseTypedKey, parseVerifierKey, verifyCheckpointNote, type NoteCheck, type NoteVerifierKey, type SignedCheckpoint } from './note.ts';
export {
  COSIGNATURE_TYPE,
  cosignatureMessage,
  noteParts,
  parseCosignerKey,
  verifyCosignatures,
  withSignatureLines,
  type CosignatureReport,
  type ValidCosignature,
} from './cosignature.ts';
export { jwkThumbprint, webKeyring, type Keyring, type SignatureAlgorithm, type SignatureVerifier } from './keyring.ts';
export { canonicalPayload, GENESIS_HASH, verifyChain, type ChainCheck, type ChainExpectation, type ChainProblem, type ChainReport, type SignedAmendment } from './chain.ts';
export {
  ENTITY_STEPS,
  verifyEntityEvidence,
  type EntityEvidence,
  type EntityProblem,
  type EntityStep,
  type EntityVerification,
  type StepResult,
  type VerifyEntityOptions,
} from './entity.ts';
export { cardSigningPayload, LEDGER_EXTENSION_URI, verifyAgentCard, type CardVerification, type LedgerProof, type VerifyCardOptions } from './card.ts';
