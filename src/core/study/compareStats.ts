/**
 * Statistics for comparing searchers over seeds. IQM is the interquartile mean as rliable and Syne
 * Tune's plotting compute it (scipy.stats.trim_mean(x, 0.25)): sort, drop floor(n/4) values at each
 * end, average the rest; no fractional weighting. Confidence intervals are percentile bootstraps of
 * the IQM with a seeded PRNG, so a comparison prints the same interval every time.
 */
import { SeededRandom } from '../random/seededRandom';

export const BOOTSTRAP_RESAMPLES = 2000;
export const CONFIDENCE = 0.95;

/** Quantile of ascending values with linear interpolation (numpy's default, Hyndman-Fan type 7). */
export function quantileSorted(sorted: ArrayLike<number>, p: number): number {
  const n = sorted.length;
  if (n === 0) return NaN;
  const h = (n - 1) * p;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, n - 1);
  return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
}

export function median(values: readonly number[]): number {
  return quantileSorted(sortedCopy(values), 0.5);
}

/** Interquartile mean: mean of the values left after dropping floor(n/4) from each end. */
export function iqm(values: ArrayLike<number>): number {
  return iqmSorted(sortedCopy(values));
}

function iqmSorted(sorted: ArrayLike<number>): number {
  const n = sorted.length;
  if (n === 0) return NaN;
  const cut = Math.floor(n / 4);
  let sum = 0;
  for (let i = cut; i < n - cut; i++) sum += sorted[i];
  return sum / (n - 2 * cut);
}

export interface BootstrapOptions {
  readonly resamples?: number;
  readonly confidence?: number;
  readonly seed?: number | string;
}

/**
 * Percentile-bootstrap confidence interval of the IQM. A resample is kept as counts per rank of the
 * sorted values instead of being sorted itself (O(n) instead of O(n log n) each; a comparison over
 * 100 seeds bootstraps every point of its time grid): the IQM then adds the same values in the same
 * ascending order as sorting the resample would, so the interval is the same to the last bit.
 */
export function bootstrapIqmCi(values: readonly number[], options: BootstrapOptions = {}): [number, number] {
  const n = values.length;
  if (n === 0) return [NaN, NaN];
  const resamples = options.resamples ?? BOOTSTRAP_RESAMPLES;
  const alpha = 1 - (options.confidence ?? CONFIDENCE);
  const rng = new SeededRandom(options.seed ?? 0).derive('bootstrap');
  const order = Array.from(values.keys()).sort((a, b) => values[a] - values[b] || a - b);
  const sorted = Float64Array.from(order, (i) => values[i]);
  const rankOf = new Int32Array(n);
  order.forEach((index, rank) => { rankOf[index] = rank; });
  const counts = new Int32Array(n);
  const draws = new Int32Array(n);
  const cut = Math.floor(n / 4);
  const stats = new Float64Array(resamples);
  for (let r = 0; r < resamples; r++) {
    counts.fill(0);
    rng.fillInts(n, draws);
    for (let i = 0; i < n; i++) counts[rankOf[draws[i]]]++;
    stats[r] = trimmedMeanOfCounts(sorted, counts, cut);
  }
  stats.sort();
  return [quantileSorted(stats, alpha / 2), quantileSorted(stats, 1 - alpha / 2)];
}

/** iqmSorted of the resample holding counts[k] copies of sorted[k], without building it. */
function trimmedMeanOfCounts(sorted: Float64Array, counts: Int32Array, cut: number): number {
  const n = sorted.length;
  const end = n - cut;
  let position = 0, sum = 0;
  for (let k = 0; k < n && position < end; k++) {
    const next = position + counts[k];
    // The copies of sorted[k] at positions [position, next) that fall in [cut, end), added one by one as before.
    for (let p = Math.max(position, cut), last = Math.min(next, end); p < last; p++) sum += sorted[k];
    position = next;
  }
  return sum / (n - 2 * cut);
}

/** bootstrapIqmCi, or a stand-in that gives its intervals (IqmCiBatch: computed elsewhere). */
export type IqmCiFunction = (values: readonly number[], options?: BootstrapOptions) => [number, number];

/** What a comparison reports for one quantity of one searcher over seeds. */
export interface DistributionSummary {
  /** Values that were present (null values, e.g. no trial reached r_max, are left out and counted). */
  readonly n: number;
  readonly missing: number;
  readonly iqm: number | null;
  readonly ciLow: number | null;
  readonly ciHigh: number | null;
  readonly median: number | null;
  readonly q1: number | null;
  readonly q3: number | null;
  readonly mean: number | null;
}

export function summarizeDistribution(
  values: readonly (number | null)[], options: BootstrapOptions = {}, ci: IqmCiFunction = bootstrapIqmCi,
): DistributionSummary {
  const present = values.filter((v): v is number => v !== null && Number.isFinite(v));
  const missing = values.length - present.length;
  if (present.length === 0) {
    return { n: 0, missing, iqm: null, ciLow: null, ciHigh: null, median: null, q1: null, q3: null, mean: null };
  }
  const sorted = sortedCopy(present);
  const [ciLow, ciHigh] = ci(present, options);
  let sum = 0;
  for (const v of present) sum += v;
  return {
    n: present.length, missing, iqm: iqmSorted(sorted), ciLow, ciHigh,
    median: quantileSorted(sorted, 0.5), q1: quantileSorted(sorted, 0.25), q3: quantileSorted(sorted, 0.75),
    mean: sum / present.length,
  };
}

function sortedCopy(values: ArrayLike<number>): Float64Array {
  return Float64Array.from(values).sort();
}
