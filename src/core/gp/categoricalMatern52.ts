/**
 * Matérn 5/2 kernel with automatic relevance determination on one-hot encoded NB201 cells (Syne
 * Tune's Matern52 with inverse bandwidths, one per encoded dimension: 6 edges x 5 ops = 30). Cells
 * are kept as op indices, never as one-hot vectors: two cells that differ on edge e (ops a and b)
 * differ in exactly two one-hot dimensions, so the weighted squared distance is the sum over
 * differing edges of w[e, a]^2 + w[e, b]^2 (6 comparisons instead of 30 subtractions).
 */
import { NUM_EDGES as EDGE_COUNT, NUM_OPS as OP_COUNT } from '../nb201/searchSpace';

// Module-local copies: hot loops read them, and an imported binding may compile to a getter call.
const NUM_EDGES = EDGE_COUNT;
const NUM_OPS = OP_COUNT;

/** Dimensions of the one-hot encoding, one inverse bandwidth each. */
export const ONE_HOT_LENGTH = NUM_EDGES * NUM_OPS;

const SQRT5 = Math.sqrt(5);

/**
 * Weighted squared distance between cell `i` of `a` and cell `j` of `b` (both packed NUM_EDGES op
 * indices per cell); `weightsSquared` holds the squared inverse bandwidths, edge-major.
 */
export function cellSquaredDistance(a: ArrayLike<number>, i: number, b: ArrayLike<number>, j: number, weightsSquared: Float64Array): number {
  let sum = 0;
  const ai = i * NUM_EDGES;
  const bj = j * NUM_EDGES;
  for (let e = 0; e < NUM_EDGES; e++) {
    const opA = a[ai + e];
    const opB = b[bj + e];
    if (opA !== opB) sum += weightsSquared[e * NUM_OPS + opA] + weightsSquared[e * NUM_OPS + opB];
  }
  return sum;
}

/** Unit-scale Matérn 5/2 at squared distance s: (1 + sqrt5 r + 5/3 r^2) exp(-sqrt5 r), r = sqrt(s). */
export function matern52(squaredDistance: number): number {
  const t = SQRT5 * Math.sqrt(squaredDistance);
  return (1 + t + (t * t) / 3) * Math.exp(-t);
}

/** d matern52 / d s = -5/6 (1 + sqrt5 r) exp(-sqrt5 r): finite at s = 0, unlike the derivative in r. */
export function matern52BySquaredDistance(squaredDistance: number): number {
  const t = SQRT5 * Math.sqrt(squaredDistance);
  return (-5 / 6) * (1 + t) * Math.exp(-t);
}

/**
 * Lower triangle (j < i) of the unit-scale kernel matrix of the first `n` cells of `ops` into
 * `unit`, and of d k / d s into `slope` (row-major n x n; the diagonal of `unit` is set to 1).
 */
export function fillUnitKernel(ops: Uint8Array, n: number, weightsSquared: Float64Array, unit: Float64Array, slope?: Float64Array): void {
  for (let i = 0; i < n; i++) {
    unit[i * n + i] = 1;
    for (let j = 0; j < i; j++) {
      const s = cellSquaredDistance(ops, i, ops, j, weightsSquared);
      const t = SQRT5 * Math.sqrt(s);
      const decay = Math.exp(-t);
      unit[i * n + j] = (1 + t + (t * t) / 3) * decay;
      if (slope) slope[i * n + j] = (-5 / 6) * (1 + t) * decay;
    }
  }
}

/** Squared weights of the candidate's own ops, per edge (scratch of fillKernelColumn). */
const candidateWeights = new Float64Array(NUM_EDGES);

/**
 * out[i] = scale * k(cell i of `ops`, `cell`) for the first `count` cells of `ops`. The hot loop of
 * every prediction, so written out: per pair 6 byte compares, a square root and an exponential.
 */
export function fillKernelColumn(ops: Uint8Array, count: number, cell: Uint8Array, weightsSquared: Float64Array, scale: number, out: Float64Array): void {
  for (let e = 0; e < NUM_EDGES; e++) candidateWeights[e] = weightsSquared[e * NUM_OPS + cell[e]];
  for (let i = 0; i < count; i++) {
    const base = i * NUM_EDGES;
    let s = 0;
    for (let e = 0; e < NUM_EDGES; e++) {
      const op = ops[base + e];
      if (op !== cell[e]) s += weightsSquared[e * NUM_OPS + op] + candidateWeights[e];
    }
    const t = SQRT5 * Math.sqrt(s);
    out[i] = scale * (1 + t + (t * t) / 3) * Math.exp(-t);
  }
}

/**
 * Gradient w.r.t. the squared weights: for every pair j < i of the first `n` cells, adds
 * coefficients[i * n + j] to the accumulator of each one-hot dimension in which the two differ
 * (the dimensions whose weight moves their distance).
 */
export function accumulateOverDifferingDimensions(ops: ArrayLike<number>, n: number, coefficients: Float64Array, accumulator: Float64Array): void {
  for (let i = 1; i < n; i++) {
    const ai = i * NUM_EDGES;
    for (let j = 0; j < i; j++) {
      const coefficient = coefficients[i * n + j];
      const bj = j * NUM_EDGES;
      for (let e = 0; e < NUM_EDGES; e++) {
        const opA = ops[ai + e];
        const opB = ops[bj + e];
        if (opA !== opB) {
          accumulator[e * NUM_OPS + opA] += coefficient;
          accumulator[e * NUM_OPS + opB] += coefficient;
        }
      }
    }
  }
}
