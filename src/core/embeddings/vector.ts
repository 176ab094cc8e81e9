/** Every embedding Plant stores has this many dimensions (the column is vector(384)). */
export const EMBEDDING_DIMENSIONS = 384;

export type Vector = readonly number[];

/** Cosine similarity; 0 when either vector has no length (the seed's convention). */
export const cosine = (a: Vector, b: Vector): number => {
  let dot = 0;
  let na = 0;
  let nb = 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a[i] as number;
    const y = b[i] as number;
    dot += x * y;
    na += x * x;
    nb += y * y;
  }
  return na === 0 || nb === 0 ? 0 : dot / Math.sqrt(na * nb);
};

/** Scales to unit length, in place; a zero vector stays zero. */
export const normalize = (v: number[]): number[] => {
  let norm = 0;
  for (const x of v) norm += x * x;
  if (norm === 0) return v;
  const scale = 1 / Math.sqrt(norm);
  for (let i = 0; i < v.length; i++) v[i] = (v[i] as number) * scale;
  return v;
};

/** The pgvector text form, e.g. "[0.1,0.2]". */
export const toVectorLiteral = (v: Vector): string => `[${v.join(',')}]`;

/** Why a provider's answer cannot be stored. */
export const dimensionProblem = (v: unknown, dimensions = EMBEDDING_DIMENSIONS): string | undefined => {
  if (!Array.isArray(v)) return 'embedding is not an array';
  if (v.length !== dimensions) return `expected ${dimensions} dimensions, got ${v.length}`;
  if (!v.every((x) => typeof x === 'number' && Number.isFinite(x))) return 'embedding holds a value that is not a finite number';
  return undefined;
};
