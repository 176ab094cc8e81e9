import canonicalize from 'canonicalize';
import { fromHex } from './bytes.ts';
import { verifyChain, type SignedAmendment } from './chain.ts';
import { webSha256, type Sha256 } from './digest.ts';
import { webKeyring } from './keyring.ts';
import { amendmentLeaf, proofFromHex, verifyInclusion } from './merkle.ts';
import { verifyCheckpointNote } from './note.ts';

/** What a verifier fetches from a Plant server about one entity (or receives from anywhere else). */
export interface EntityEvidence {
  /** GET /api/v1/entities/{id}: the flat view (its own fields next to the envelope). */
  entity: Record<string, unknown>;
  /** GET /api/v1/entities/{id}/history: every amendment, version order. */
  amendments: readonly SignedAmendment[];
  /** GET /api/v1/keys: the published JWKs (ignored when the caller pins its own). */
  keys: readonly Record<string, unknown>[];
  /** GET /api/v1/log/checkpoint: the signed note. */
  checkpoint: { note: string };
  /** GET /api/v1/log/proof/inclusion?hash=<head>&tree_size=<checkpoint size>; null when the head is newer than the checkpoint. */
  inclusion: { leaf_index: number; tree_size: number; amendment_hash: string; proof: readonly string[] } | null;
}

export interface VerifyEntityOptions {
  /** The log's note verifier key ("<name>+<id>+<key>"), pinned by the caller: the one thing trusted. */
  logKey: string;
  /** JWKs to check amendment signatures with instead of the served ones. */
  trustedKeys?: readonly Record<string, unknown>[];
  sha256?: Sha256;
}

/** The steps of a verification, in the order a badge names the first that failed. */
export const ENTITY_STEPS = ['keys', 'signatures', 'chain', 'state', 'checkpoint', 'inclusion'] as const;
export type EntityStep = (typeof ENTITY_STEPS)[number];
/** `pending`: the head amendment is newer than the latest checkpoint, so it cannot be proven yet. */
export type StepResult = 'pass' | 'fail' | 'pending';

export interface EntityProblem {
  step: EntityStep;
  /** The finer check: 'hash', 'link', 'version', 'signature', 'identity', 'head', 'count', 'state', … */
  check: string;
  version: number | null;
  detail: string;
}

export interface EntityVerification {
  /** Every step passed: signatures, chain, state, and the head proven in a checkpoint the pinned key signed. */
  verified: boolean;
  entity_id: string;
  version: number | null;
  head: string | null;
  steps: Record<EntityStep, StepResult>;
  /** The first step that failed, for a badge to name; null when none failed. */
  failed_step: EntityStep | null;
  problems: EntityProblem[];
  log: { origin: string; tree_size: number; leaf_index: number | null } | null;
}

const CHAIN_CHECKS = new Set(['version', 'hash', 'link', 'identity', 'head', 'count']);

const same = (a: unknown, b: unknown): boolean => canonicalize(a ?? null) === canonicalize(b ?? null);

/**
 * Checks what a server says about one entity, trusting only `logKey` (and `trustedKeys` when
 * given): every amendment's signature, the hash chain and its head, the shown state against the
 * last signed content, the checkpoint's note signature, and the head's inclusion proof under it.
 */
export const verifyEntityEvidence = async (evidence: EntityEvidence, options: VerifyEntityOptions): Promise<EntityVerification> => {
  const sha256 = options.sha256 ?? webSha256;
  const id = String(evidence.entity.id);
  const problems: EntityProblem[] = [];
  const add = (step: EntityStep, check: string, version: number | null, detail: string): void => {
    problems.push({ step, check, version, detail });
  };

  const keyring = await webKeyring(options.trustedKeys ?? evidence.keys);
  for (const detail of keyring.problems) add('keys', 'key', null, detail);

  const head = typeof evidence.entity.hash_chain_head === 'string' ? evidence.entity.hash_chain_head : undefined;
  const count = typeof evidence.entity.amendment_count === 'number' ? evidence.entity.amendment_count : undefined;
  const chain = await verifyChain(evidence.amendments, keyring.verifier, { entityId: id, ...(head === undefined ? {} : { head }), ...(count === undefined ? {} : { count }) }, sha256);
  for (const p of chain.problems) add(CHAIN_CHECKS.has(p.check) ? 'chain' : 'signatures', p.check, p.version, p.detail);

  const last = evidence.amendments.at(-1);
  if (last === undefined) add('chain', 'count', null, 'the entity has no amendments');
  else {
    const content = (last.payload.content ?? {}) as Record<string, unknown>;
    const differing = Object.keys(content).filter((k) => !same(content[k], evidence.entity[k]));
    if (differing.length > 0) add('state', 'state', last.payload.version, `the shown entity differs from its last signed amendment in ${differing.join(', ')}`);
    if (evidence.entity.version !== last.payload.version) add('state', 'state', last.payload.version, `the entity shows version ${String(evidence.entity.version)}, its last amendment is version ${last.payload.version}`);
  }

  const note = await verifyCheckpointNote(evidence.checkpoint.note, options.logKey, sha256);
  if (!note.ok) add('checkpoint', 'checkpoint', null, `checkpoint: ${note.reason}`);

  let inclusion: StepResult = 'fail';
  const proof = evidence.inclusion;
  if (note.ok && last !== undefined) {
    if (proof === null) inclusion = 'pending';
    else {
      const path = proofFromHex(proof.proof);
      if (proof.amendment_hash !== last.hash) add('inclusion', 'inclusion', last.payload.version, `the proof is for amendment ${proof.amendment_hash}, not the head ${last.hash}`);
      else if (proof.tree_size !== note.checkpoint.size) add('inclusion', 'inclusion', last.payload.version, `the proof is for a tree of size ${proof.tree_size}, the checkpoint is of size ${note.checkpoint.size}`);
      else if (path === null || fromHex(last.hash)?.length !== 32) add('inclusion', 'inclusion', last.payload.version, 'the proof or the head hash is not hex SHA-256');
      else if (!(await verifyInclusion(proof.leaf_index, proof.tree_size, await amendmentLeaf(last.hash, sha256), path, note.checkpoint.root, sha256))) {
        add('inclusion', 'inclusion', last.payload.version, `the head is not included at leaf ${proof.leaf_index} of the signed tree of size ${note.checkpoint.size}`);
      } else inclusion = 'pass';
    }
  }

  const failedIn = new Set(problems.map((p) => p.step));
  const steps = Object.fromEntries(ENTITY_STEPS.map((s) => [s, failedIn.has(s) ? 'fail' : 'pass'])) as Record<EntityStep, StepResult>;
  // `inclusion` stays 'fail' when there was no checkpoint or no head to prove.
  steps.inclusion = failedIn.has('inclusion') ? 'fail' : inclusion;
  const failed = ENTITY_STEPS.find((s) => steps[s] === 'fail') ?? null;
  return {
    verified: failed === null && steps.inclusion === 'pass',
    entity_id: id,
    version: last?.payload.version ?? null,
    head: last?.hash ?? null,
    steps,
    failed_step: failed,
    problems,
    log: note.ok ? { origin: note.checkpoint.origin, tree_size: note.checkpoint.size, leaf_index: proof?.leaf_index ?? null } : null,
  };
};
