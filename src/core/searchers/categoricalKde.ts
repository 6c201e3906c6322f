/**
 * A product kernel density estimate over NB201 cells with the Aitchison-Aitken kernel per edge, as
 * statsmodels' KDEMultivariate(var_type='uuuuuu', bw='normal_reference') computes it for Syne Tune's
 * KernelDensityEstimator and BOHB.
 *
 * Per edge d with bandwidth h_d, a data cell X contributes 1 - h_d where X_d equals the queried op and
 * h_d / (c - 1) elsewhere (c = 5 ops; statsmodels uses the number of distinct ops present in the data,
 * which is undefined when only one is). pdf(x) = mean over data of the product over edges.
 *
 * Kept fast and incremental by expanding the product over the 64 subsets S of edges:
 *   sum_i prod_d k_d = sum_S prod_{d not in S} b_d * prod_{d in S} (a_d - b_d) * N_S(x),
 * where N_S(x) counts data cells that agree with x on every edge of S. The counts N_S live in one
 * table indexed by "patterns" (each edge an op or a wildcard), so adding or removing a data cell
 * costs 64 increments and a pdf costs 64 multiply-adds, whatever the data size.
 */
import { NUM_EDGES, NUM_OPS } from '../nb201/searchSpace';
import type { SeededRandom } from '../random/seededRandom';

// Local copies: hot loops should not read imported bindings (a getter call under the test loader).
const EDGES: number = NUM_EDGES;
const OPS: number = NUM_OPS;
const WILDCARD = OPS;
const RADIX = OPS + 1;
const NUM_PATTERNS = RADIX ** EDGES;
const NUM_SUBSETS = 1 << EDGES;
const PLACE = Int32Array.from({ length: EDGES }, (_, d) => RADIX ** d);
const ALL_WILDCARDS = PLACE.reduce((sum, place) => sum + WILDCARD * place, 0);
const SUBSET_LOWEST_EDGE = Uint8Array.from({ length: NUM_SUBSETS }, (_, s) => (s === 0 ? 0 : 31 - Math.clz32(s & -s)));
const SUBSET_REST = Uint8Array.from({ length: NUM_SUBSETS }, (_, s) => s & (s - 1));
const EDGE_DELTA = new Int32Array(EDGES);
/** statsmodels' normal_reference rule: 1.06 * std * n^(-1 / (4 + dims)). */
const NORMAL_REFERENCE = 1.06;
const MAX_BANDWIDTH = (OPS - 1) / OPS;

/** A cell given as op digits (a Cell, or a scratch array), edge order as everywhere. */
export type CellDigits = ArrayLike<number>;

export class CategoricalKde {
  private readonly patternCounts = new Int32Array(NUM_PATTERNS);
  /** opCounts[d * OPS + op]: data cells carrying `op` on edge d (for the bandwidths). */
  private readonly opCounts = new Int32Array(EDGES * OPS);
  private count = 0;
  private readonly bandwidthValues = new Float64Array(EDGES);
  private readonly coefficients = new Float64Array(NUM_SUBSETS);
  private fresh = false;
  private readonly scratch = newPatternIndices();

  constructor(private readonly minBandwidth: number) {}

  get size(): number {
    return this.count;
  }

  /** Bandwidth per edge (normal reference rule, at least `minBandwidth`). */
  get bandwidths(): Float64Array {
    this.refresh();
    return this.bandwidthValues;
  }

  add(cell: CellDigits): void {
    this.update(cell, 1);
  }

  remove(cell: CellDigits): void {
    this.update(cell, -1);
  }

  clear(): void {
    this.patternCounts.fill(0);
    this.opCounts.fill(0);
    this.count = 0;
    this.fresh = false;
  }

  /** Density at `cell`; 0 without data. */
  pdf(cell: CellDigits): number {
    return this.pdfOfPatterns(patternIndices(cell, this.scratch));
  }

  /** Density at the cell whose `patternIndices` are given (lets two KDEs share that work). */
  pdfOfPatterns(index: Int32Array): number {
    if (this.count === 0) return 0;
    this.refresh();
    const counts = this.patternCounts;
    const coefficients = this.coefficients;
    let sum = 0;
    for (let s = 0; s < NUM_SUBSETS; s++) sum += coefficients[s] * counts[index[s]];
    return sum / this.count;
  }

  /**
   * Syne Tune's / BOHB's candidate draw around a data cell: each edge keeps its op with probability
   * 1 - h_d, else takes a uniformly random op (possibly the same). Writes into `out`.
   */
  sampleAround(center: CellDigits, rng: SeededRandom, out: number[]): number[] {
    const bw = this.bandwidths;
    for (let d = 0; d < EDGES; d++) out[d] = rng.next() < 1 - bw[d] ? center[d] : rng.int(OPS);
    return out;
  }

  private update(cell: CellDigits, delta: number): void {
    const index = patternIndices(cell, this.scratch);
    for (let s = 0; s < NUM_SUBSETS; s++) this.patternCounts[index[s]] += delta;
    for (let d = 0; d < EDGES; d++) this.opCounts[d * OPS + cell[d]] += delta;
    this.count += delta;
    this.fresh = false;
  }

  private refresh(): void {
    if (this.fresh) return;
    const n = this.count;
    const shrink = n > 0 ? n ** (-1 / (4 + EDGES)) : 0;
    const keep = new Float64Array(EDGES);
    const other = new Float64Array(EDGES);
    for (let d = 0; d < EDGES; d++) {
      // Above (c - 1) / c the kernel would favour the other ops over the data's own.
      const h = Math.min(MAX_BANDWIDTH, Math.max(this.minBandwidth, NORMAL_REFERENCE * this.stdOfEdge(d) * shrink));
      this.bandwidthValues[d] = h;
      other[d] = h / (OPS - 1);
      keep[d] = 1 - h - other[d];
    }
    for (let s = 0; s < NUM_SUBSETS; s++) {
      let c = 1;
      for (let d = 0; d < EDGES; d++) c *= (s >> d) & 1 ? keep[d] : other[d];
      this.coefficients[s] = c;
    }
    this.fresh = true;
  }

  /** Population std of op / OPS on edge d: Syne Tune encodes a categorical as index / size. */
  private stdOfEdge(d: number): number {
    if (this.count === 0) return 0;
    let sum = 0;
    let sumSquares = 0;
    for (let op = 0; op < OPS; op++) {
      const x = op / OPS;
      const c = this.opCounts[d * OPS + op];
      sum += c * x;
      sumSquares += c * x * x;
    }
    const mean = sum / this.count;
    return Math.sqrt(Math.max(0, sumSquares / this.count - mean * mean));
  }
}

/** A buffer for `patternIndices`. */
export function newPatternIndices(): Int32Array {
  return new Int32Array(NUM_SUBSETS);
}

/** out[S] = table index of `cell` with the edges outside subset S (a bitmask) made wildcards. */
export function patternIndices(cell: CellDigits, out: Int32Array): Int32Array {
  const delta = EDGE_DELTA;
  for (let d = 0; d < EDGES; d++) delta[d] = (cell[d] - WILDCARD) * PLACE[d];
  out[0] = ALL_WILDCARDS;
  // Subset s = (s without its lowest edge) + that edge.
  for (let s = 1; s < NUM_SUBSETS; s++) out[s] = out[SUBSET_REST[s]] + delta[SUBSET_LOWEST_EDGE[s]];
  return out;
}
