import { verifyCosignatures } from '@plant/client/verify';
import { canonicalJson, nodeSha256 } from '../canonical.ts';
import { verifyChain } from '../chain.ts';
import { verifyCheckpointNote } from '../checkpoint.ts';
import type { SignatureVerifier } from '../ports/crypto.ts';
import { EXPORT_FORMAT, type BundleAmendment, type ExportBundle } from './export-bundle.ts';
import { MemoryTree, verifyConsistency, verifyInclusion, amendmentLeaf } from '../merkle.ts';

export interface VerifyProblem {
  check: 'format' | 'key' | 'checkpoint' | 'log' | 'version' | 'hash' | 'link' | 'signature' | 'identity' | 'head' | 'count' | 'state' | 'leaf' | 'coverage' | 'inclusion' | 'consistency' | 'rollback' | 'witness';
  entity_id?: string;
  entity_type?: string;
  version?: number | null;
  detail: string;
  /** On a summary line: how many more problems of this kind it stands for. */
  more?: number;
}

export interface VerifyOptions {
  /** Verifies amendment signatures: built from --trusted-keys when given, else from the bundle's keys. */
  verifier: SignatureVerifier;
  /** The log's note verifier key: --trusted-keys' log_key when given, else the bundle's. */
  logKey: string;
  /** A checkpoint the auditor saved earlier (signed note text). */
  against?: string | undefined;
  /** Where to get a consistency proof the bundle does not carry (e.g. the server, --url). */
  fetchConsistency?: ((first: number, second: number) => Promise<string[]>) | undefined;
  /** Witness cosigner keys (type 0x04) the auditor trusts, and how many of them must have cosigned the checkpoint. */
  witnesses?: { keys: readonly string[]; min: number } | undefined;
}

export interface VerifyReport {
  ok: boolean;
  /** The bundle says it holds only part of the registry: missing leaves are expected, not failures. */
  partial: boolean;
  checked: {
    entities: number;
    amendments: number;
    tree_size: number | null;
    against: number | null;
    /** Distinct leaf indexes of the signed tree that the bundle's amendments claim. */
    leaves_claimed: number | null;
    /** The trusted witnesses whose cosignature on the checkpoint verifies (only with `witnesses`). */
    witnesses: string[] | null;
  };
  problems: VerifyProblem[];
}

const fromHex = (hexes: readonly string[]): Buffer[] => hexes.map((h) => Buffer.from(h, 'hex'));

/** True when the amendments' leaves are exactly 0..size-1 and the tree they form has the signed root. */
const wholeTree = (entities: ExportBundle['entities'], size: number, root: Buffer): boolean => {
  const leaves: (Buffer | undefined)[] = new Array<Buffer | undefined>(size);
  let count = 0;
  for (const entity of entities) {
    for (const a of Array.isArray(entity.amendments) ? entity.amendments : []) {
      const index = a.log?.leaf_index;
      if (index === undefined || !Number.isInteger(index) || index < 0 || index >= size || leaves[index] !== undefined) return false;
      leaves[index] = amendmentLeaf(a.hash);
      count++;
    }
  }
  if (count !== size) return false;
  return new MemoryTree(leaves as Buffer[]).root().equals(root);
};

/** The unclaimed leaf indexes below `size`, as ranges ("3, 7-9"), at most 20 of them shown. */
const missingRanges = (claimed: ReadonlyMap<number, unknown>, size: number): string => {
  const ranges: string[] = [];
  let i = 0;
  while (i < size && ranges.length <= 20) {
    if (claimed.has(i)) {
      i++;
      continue;
    }
    const start = i;
    while (i < size && !claimed.has(i)) i++;
    ranges.push(i - 1 === start ? String(start) : `${start}-${i - 1}`);
  }
  return ranges.length > 20 ? `${ranges.slice(0, 20).join(', ')}, …` : ranges.join(', ');
};

/** Problems about the bundle or the log as a whole: causes, listed before what follows from them. */
const WHOLE: ReadonlySet<VerifyProblem['check']> = new Set(['format', 'checkpoint', 'rollback', 'consistency', 'coverage', 'log', 'key', 'witness']);
/** A cause that repeats across amendments is shown this many times, then as one line with the count. */
const SHOWN_PER_CAUSE = 10;

/**
 * Root causes first, consequences summarised: one lost leaf or a foreign checkpoint makes every
 * proof fail the same way, and a thousand identical lines hide the one that matters.
 */
const ordered = (problems: readonly VerifyProblem[]): VerifyProblem[] => {
  const whole = problems.filter((p) => WHOLE.has(p.check) && p.entity_id === undefined);
  const groups = new Map<string, VerifyProblem[]>();
  for (const p of problems) {
    if (whole.includes(p)) continue;
    const key = `${p.check}:${p.detail.replace(/\d+/g, '#')}`;
    groups.set(key, [...(groups.get(key) ?? []), p]);
  }
  const out = [...whole];
  for (const group of groups.values()) {
    out.push(...group.slice(0, SHOWN_PER_CAUSE));
    const rest = group.slice(SHOWN_PER_CAUSE);
    const first = rest[0];
    if (first === undefined) continue;
    const entities = new Set(rest.map((p) => p.entity_id)).size;
    out.push({ check: first.check, detail: `and ${rest.length} more in ${entities} entities: ${first.detail}`, more: rest.length });
  }
  return out;
};

/** Entities are checked this many at a time, so RSA signature checks keep both cores busy. */
const CONCURRENCY = 64;

/**
 * Offline verification of an export bundle, trusting only the given keys: every signature, every
 * chain link, every entity's state against its last signed amendment, every leaf and inclusion
 * proof against the signed checkpoint, and optionally that the log only grew since a checkpoint
 * the auditor kept. Failures are reported, never thrown, each naming entity, version and check.
 */
export const verifyBundle = async (bundle: ExportBundle, options: VerifyOptions): Promise<VerifyReport> => {
  const problems: VerifyProblem[] = [];
  const entities = Array.isArray(bundle.entities) ? bundle.entities : [];
  let amendmentCount = 0;
  // The bundle is untrusted input: its declared type is what it should be, not what it is.
  if ((bundle.format as unknown) !== EXPORT_FORMAT) problems.push({ check: 'format', detail: `unknown bundle format ${JSON.stringify(bundle.format)}` });

  // The signed checkpoint anchors every inclusion proof.
  let tree: { size: number; root: Buffer } | null = null;
  if (bundle.log === undefined) {
    problems.push({ check: 'checkpoint', detail: 'the bundle has no log section (no checkpoint, no proofs)' });
  } else {
    const checked = await verifyCheckpointNote(bundle.log.checkpoint.note, options.logKey);
    if (!checked.ok) problems.push({ check: 'checkpoint', detail: `checkpoint: ${checked.reason}` });
    else {
      tree = { size: checked.checkpoint.size, root: checked.checkpoint.root };
      if (checked.checkpoint.size !== bundle.log.checkpoint.tree_size) {
        problems.push({ check: 'checkpoint', detail: `signed size ${checked.checkpoint.size} differs from the stated ${bundle.log.checkpoint.tree_size}` });
      }
    }
  }

  // When the bundle holds every leaf of the signed tree, rebuilding the tree once from the
  // amendments' own hashes (n hashes) and matching the signed root proves every inclusion at
  // once; otherwise (a partial bundle, or a mismatch) each proof is checked and named.
  const everyLeaf = tree !== null && wholeTree(entities, tree.size, tree.root);
  const seenLeaves = new Map<number, string>();
  const checkEntity = async (entity: ExportBundle['entities'][number]): Promise<void> => {
    const id = String(entity.id);
    const type = String(entity.entity_type);
    const amendments: BundleAmendment[] = Array.isArray(entity.amendments) ? entity.amendments : [];
    amendmentCount += amendments.length;
    const chain = await verifyChain(amendments, options.verifier, {
      entityId: id,
      head: String(entity.hash_chain_head),
      count: Number(entity.amendment_count),
    });
    for (const p of chain.problems) problems.push({ check: p.check, entity_id: id, entity_type: type, version: p.version, detail: p.detail });
    const last = amendments.at(-1);
    if (last !== undefined) {
      const content = last.payload.content as unknown as Record<string, unknown>;
      const shown = Object.fromEntries(Object.keys(content).map((k) => [k, entity[k] ?? null]));
      const differing =
        canonicalJson(content) === canonicalJson(shown)
          ? []
          : Object.keys(content).filter((k) => canonicalJson(content[k] ?? null) !== canonicalJson(entity[k] ?? null));
      if (differing.length > 0) {
        problems.push({ check: 'state', entity_id: id, entity_type: type, version: last.payload.version, detail: `state differs from the last signed amendment in ${differing.join(', ')}` });
      }
    }
    if (tree === null) return;
    for (const a of amendments) {
      const version = a.payload.version;
      if (a.log === undefined) {
        problems.push({ check: 'leaf', entity_id: id, entity_type: type, version, detail: 'amendment has no leaf in the log' });
        continue;
      }
      const other = seenLeaves.get(a.log.leaf_index);
      if (other !== undefined) {
        problems.push({ check: 'leaf', entity_id: id, entity_type: type, version, detail: `leaf index ${a.log.leaf_index} is also claimed by amendment ${other}` });
      }
      seenLeaves.set(a.log.leaf_index, a.hash);
      if (everyLeaf) continue;
      if (!(await verifyInclusion(a.log.leaf_index, tree.size, amendmentLeaf(a.hash), fromHex(a.log.proof), tree.root))) {
        problems.push({ check: 'inclusion', entity_id: id, entity_type: type, version, detail: `not included at leaf ${a.log.leaf_index} of the signed tree of size ${tree.size}` });
      }
    }
  };
  for (let i = 0; i < entities.length; i += CONCURRENCY) await Promise.all(entities.slice(i, i + CONCURRENCY).map(checkEntity));

  // A complete bundle (or one that does not say) is the whole history: every leaf of the signed
  // tree must be some amendment's, or entities or versions were left out.
  const partial = (bundle.scope as ExportBundle['scope'] | undefined)?.complete === false;
  const claimed = tree === null ? 0 : [...seenLeaves.keys()].filter((i) => Number.isInteger(i) && i >= 0 && i < tree.size).length;
  if (tree !== null && !partial && claimed < tree.size) {
    const missing = missingRanges(seenLeaves, tree.size);
    problems.push({
      check: 'coverage',
      detail:
        claimed === 0 && amendmentCount > 0
          ? `no amendment in the bundle carries a leaf of the signed tree of size ${tree.size}: the exporting server could not prove its own log (it has lost leaves)`
          : `${tree.size - claimed} of ${tree.size} leaves are claimed by no amendment in the bundle (leaf ${missing}): entities or versions are missing from a bundle that says it is complete`,
    });
  }

  let cosigned: string[] | null = null;
  if (options.witnesses !== undefined && bundle.log !== undefined && tree !== null) {
    const report = await verifyCosignatures(bundle.log.checkpoint.note, options.witnesses.keys, nodeSha256);
    cosigned = report.valid.map((c) => c.witness);
    if (cosigned.length < options.witnesses.min) {
      problems.push({
        check: 'witness',
        detail: `${cosigned.length} of the required ${options.witnesses.min} witness cosignatures on the checkpoint of size ${tree.size}${report.problems.length === 0 ? '' : ` (${report.problems.join('; ')})`}`,
      });
    }
  }

  let againstSize: number | null = null;
  if (options.against !== undefined && tree !== null && bundle.log !== undefined) {
    const old = await verifyCheckpointNote(options.against, options.logKey);
    if (!old.ok) problems.push({ check: 'consistency', detail: `saved checkpoint: ${old.reason}` });
    else {
      againstSize = old.checkpoint.size;
      if (old.checkpoint.size > tree.size) {
        problems.push({ check: 'rollback', detail: `the bundle's checkpoint (size ${tree.size}) is older than the saved one (size ${old.checkpoint.size}): the log was rolled back or truncated` });
      } else if (old.checkpoint.size === tree.size) {
        if (!old.checkpoint.root.equals(tree.root)) problems.push({ check: 'consistency', detail: `same size ${tree.size} but different roots: history was rewritten` });
      } else {
        const first = old.checkpoint.size;
        const carried = bundle.log.consistency.find((c) => c.first === first && c.second === tree.size)?.proof;
        const proof = carried ?? (options.fetchConsistency === undefined ? undefined : await options.fetchConsistency(first, tree.size));
        if (proof === undefined) problems.push({ check: 'consistency', detail: `no consistency proof from ${first} to ${tree.size} (pass --url to fetch one)` });
        else if (!(await verifyConsistency(first, tree.size, old.checkpoint.root, tree.root, fromHex(proof)))) {
          problems.push({ check: 'consistency', detail: `the tree of size ${tree.size} does not extend the saved tree of size ${first}: history was rewritten` });
        }
      }
    }
  }

  return {
    ok: problems.length === 0,
    partial,
    checked: { entities: entities.length, amendments: amendmentCount, tree_size: tree?.size ?? null, against: againstSize, leaves_claimed: tree === null ? null : claimed, witnesses: cosigned },
    problems: ordered(problems),
  };
};
