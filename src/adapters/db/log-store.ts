import { requiredNodes, rootHash, consistencyProof, inclusionProof, consistencyRanges, inclusionRanges, type Coordinate, type Hash, type NodeSource, type Range } from '../../core/merkle.ts';
import type { ChangeRow, CheckpointRow, CosignatureRow, EntityChangeRow, LeafRow, LogStore } from '../../core/ports/log.ts';
import type { Sql } from './sql.ts';

const num = (v: unknown): number => Number(v);
// bytea arrives as a Buffer from node-postgres and as a Uint8Array from PGlite.
const buf = (v: Uint8Array): Buffer => Buffer.from(v);

const LEAF_COLUMNS = 'leaf_index, entity_id, version, amendment_hash, leaf_hash';
const toLeaf = (r: LeafRow): LeafRow => ({ ...r, leaf_index: num(r.leaf_index), leaf_hash: buf(r.leaf_hash) });

/** Each checkpoint row carries the cosignature lines witnesses returned for it. */
const COSIGNATURES = 'ARRAY(SELECT c.line FROM log_cosignatures c WHERE c.tree_size = k.tree_size ORDER BY c.witness_name, c.witness_key) AS cosignatures';

/** Reads of the transparency log: sizes, stored perfect subtrees, proofs, leaves, checkpoints. */
export class PgLogStore implements LogStore {
  constructor(private readonly sql: Sql) {}

  async size(): Promise<number> {
    const { rows } = await this.sql.query<{ size: string }>('SELECT size FROM log_state WHERE id', [], 'plant_log_size');
    return num(rows[0]?.size ?? 0);
  }

  /** One query for every stored node the ranges need, as a node source for the core's algorithms. */
  async nodesFor(ranges: readonly Range[]): Promise<NodeSource> {
    const coords = requiredNodes(ranges);
    const map = new Map<string, Hash>();
    if (coords.length > 0) {
      const { rows } = await this.sql.query<{ level: number; idx: string; hash: Buffer }>(
        'SELECT level, idx, hash FROM log_nodes WHERE (level, idx) IN (SELECT * FROM unnest($1::smallint[], $2::bigint[]))',
        [coords.map((c: Coordinate) => c.level), coords.map((c) => c.index)],
      );
      for (const r of rows) map.set(`${r.level}:${num(r.idx)}`, Buffer.from(r.hash));
    }
    return {
      node: (level, index) => {
        const hash = map.get(`${level}:${index}`);
        if (hash === undefined) throw new RangeError(`log node (${level}, ${index}) is missing`);
        return hash;
      },
    };
  }

  async changes(after: number, limit: number, kind?: string): Promise<ChangeRow[]> {
    const { rows } = await this.sql.query<ChangeRow>(
      `SELECT l.leaf_index, l.entity_id::text AS entity_id, a.entity_type, l.version, a.operation, l.amendment_hash AS hash, a.payload ->> 'timestamp' AS timestamp
         FROM log_leaves l JOIN amendments a ON a.hash = l.amendment_hash
        WHERE l.leaf_index > $1 AND ($3::text IS NULL OR a.entity_type = $3)
        ORDER BY l.leaf_index LIMIT $2`,
      [after, limit, kind ?? null],
    );
    return rows.map((r) => ({ ...r, leaf_index: num(r.leaf_index) }));
  }

  async leavesOfEntity(entityId: string): Promise<LeafRow[]> {
    const { rows } = await this.sql.query<LeafRow>(`SELECT ${LEAF_COLUMNS} FROM log_leaves WHERE entity_id = $1 ORDER BY version`, [entityId]);
    return rows.map(toLeaf);
  }

  async leafHashes(indexes: readonly number[]): Promise<Map<number, Hash>> {
    if (indexes.length === 0) return new Map();
    const { rows } = await this.sql.query<{ idx: string; hash: Uint8Array }>('SELECT idx, hash FROM log_nodes WHERE level = 0 AND idx = ANY($1::bigint[])', [[...indexes]]);
    return new Map(rows.map((r) => [num(r.idx), buf(r.hash)]));
  }

  async root(size: number): Promise<Hash> {
    return rootHash(await this.nodesFor([{ start: 0, size }]), size);
  }

  async inclusion(index: number, size: number): Promise<Hash[]> {
    return inclusionProof(await this.nodesFor(inclusionRanges(index, size)), index, size);
  }

  async consistency(first: number, second: number): Promise<Hash[]> {
    return consistencyProof(await this.nodesFor(consistencyRanges(first, second)), first, second);
  }

  async leafByAmendment(hash: string): Promise<LeafRow | undefined> {
    const { rows } = await this.sql.query<LeafRow>(`SELECT ${LEAF_COLUMNS} FROM log_leaves WHERE amendment_hash = $1`, [hash]);
    return rows[0] === undefined ? undefined : toLeaf(rows[0]);
  }

  async leaves(start: number, end: number): Promise<LeafRow[]> {
    const { rows } = await this.sql.query<LeafRow>(`SELECT ${LEAF_COLUMNS} FROM log_leaves WHERE leaf_index >= $1 AND leaf_index < $2 ORDER BY leaf_index`, [start, end]);
    return rows.map(toLeaf);
  }

  /** Leaf hashes and amendment hashes of [0, size), in index order (export and audit). */
  async allLeaves(size: number): Promise<LeafRow[]> {
    return this.leaves(0, size);
  }

  async entityLeafAt(entityId: string, size: number): Promise<LeafRow | undefined> {
    const { rows } = await this.sql.query<LeafRow>(
      `SELECT ${LEAF_COLUMNS} FROM log_leaves WHERE entity_id = $1 AND leaf_index < $2 ORDER BY leaf_index DESC LIMIT 1`,
      [entityId, size],
    );
    return rows[0] === undefined ? undefined : toLeaf(rows[0]);
  }

  async changedBetween(from: number, to: number): Promise<EntityChangeRow[]> {
    const { rows } = await this.sql.query<EntityChangeRow>(
      `SELECT l.entity_id::text AS entity_id, a.entity_type, min(l.version) - 1 AS version_before, max(l.version) AS version_after,
              array_agg(a.operation ORDER BY l.leaf_index) AS operations, min(l.leaf_index) AS first_leaf
         FROM log_leaves l JOIN amendments a ON a.hash = l.amendment_hash
        WHERE l.leaf_index >= $1 AND l.leaf_index < $2
        GROUP BY l.entity_id, a.entity_type
        ORDER BY first_leaf`,
      [from, to],
    );
    return rows.map((r) => ({ ...r, version_before: num(r.version_before), version_after: num(r.version_after), first_leaf: num(r.first_leaf) }));
  }

  async checkpointAtOrBefore(at: string): Promise<CheckpointRow | undefined> {
    const { rows } = await this.sql.query<CheckpointRow>(
      `SELECT tree_size, root_hash, note, created_at, ${COSIGNATURES} FROM log_checkpoints k WHERE created_at <= $1::timestamptz ORDER BY created_at DESC, tree_size DESC LIMIT 1`,
      [at],
    );
    return rows[0] === undefined ? undefined : { ...rows[0], tree_size: num(rows[0].tree_size), root_hash: buf(rows[0].root_hash) };
  }

  async latestCheckpoint(): Promise<CheckpointRow | undefined> {
    const { rows } = await this.sql.query<CheckpointRow>(`SELECT tree_size, root_hash, note, created_at, ${COSIGNATURES} FROM log_checkpoints k ORDER BY tree_size DESC LIMIT 1`);
    return rows[0] === undefined ? undefined : { ...rows[0], tree_size: num(rows[0].tree_size), root_hash: buf(rows[0].root_hash) };
  }

  async checkpoint(size: number): Promise<CheckpointRow | undefined> {
    const { rows } = await this.sql.query<CheckpointRow>(`SELECT tree_size, root_hash, note, created_at, ${COSIGNATURES} FROM log_checkpoints k WHERE tree_size = $1`, [size]);
    return rows[0] === undefined ? undefined : { ...rows[0], tree_size: num(rows[0].tree_size), root_hash: buf(rows[0].root_hash) };
  }

  async checkpointSizes(): Promise<number[]> {
    const { rows } = await this.sql.query<{ tree_size: string }>('SELECT tree_size FROM log_checkpoints ORDER BY tree_size');
    return rows.map((r) => num(r.tree_size));
  }

  async lastCosignedSize(witnessKey: string): Promise<number | undefined> {
    const { rows } = await this.sql.query<{ tree_size: string | null }>('SELECT max(tree_size) AS tree_size FROM log_cosignatures WHERE witness_key = $1', [witnessKey]);
    const size = rows[0]?.tree_size;
    return size === null || size === undefined ? undefined : num(size);
  }

  /** Keeps a witness's cosignature of a stored checkpoint; the first one kept per witness and size stays. */
  async saveCosignature(c: CosignatureRow): Promise<void> {
    await this.sql.query(
      'INSERT INTO log_cosignatures (tree_size, witness_key, witness_name, signed_at, line) VALUES ($1, $2, $3, to_timestamp($4), $5) ON CONFLICT (tree_size, witness_key) DO NOTHING',
      [c.tree_size, c.witness_key, c.witness_name, c.timestamp, c.line],
    );
  }

  /** Stores a checkpoint; a concurrent server that signed the same size first wins (same root). */
  async saveCheckpoint(size: number, root: Hash, note: string): Promise<void> {
    await this.sql.query('INSERT INTO log_checkpoints (tree_size, root_hash, note) VALUES ($1, $2, $3) ON CONFLICT (tree_size) DO NOTHING', [size, root, note]);
  }
}
