/**
 * The comparison of searchers over the same seeds, as every view shows it: the CLI `compare` text and
 * its --json, the extension's comparison panel and the Markdown report all print these numbers. Per
 * entry: the incumbent at r_max over simulated time as the IQM across seeds with a 95% bootstrap band
 * on one fixed time grid, the average rank over time (each seed ranks the entries at each grid time,
 * the ranks are averaged over seeds), the final figures over seeds with IQM and CI, and every seed's
 * own final point. Fewer than FEW_SEEDS seeds make the intervals weak, and the summary says so. The
 * columns hold the results, the time to reach the target error, what each study's LLM did and what
 * its delay cost (comparisonMetrics.ts).
 */
import type { IncumbentAtMaxPath } from '../readModel/studyResult';
import { bootstrapIqmCi, iqm, summarizeDistribution, type DistributionSummary, type IqmCiFunction } from './compareStats';
import { comparisonMetrics, type ComparisonMetric, type ComparisonMetricColumn } from './comparisonMetrics';
import type { ComparisonRunInput } from './comparisonRun';
import { defaultTargetError } from './timeToTarget';

export type { ComparisonRunInput } from './comparisonRun';

/** Below this many seeds per entry a 95% bootstrap interval says little (rliable's advice: at least 5). */
export const FEW_SEEDS = 5;
/** Points of the shared time grid, evenly spaced from 0 to the longest run's end. */
export const COMPARISON_GRID_POINTS = 101;

/** The table the runs came from, for the honesty note (the bundled table's epochs 1-199 are model-generated). */
export interface ComparisonTable {
  readonly label: string;
  readonly kind: string;
  readonly provenanceNote: string;
}

export interface ComparisonEntrySummary {
  readonly label: string;
  /** Seeds this entry ran, ascending. */
  readonly seeds: readonly number[];
  /** 1 for the lowest final-error IQM; entries without one, and ties, keep their order. */
  readonly rank: number;
  /** Over seeds, by metric key (ComparisonSummary.columns): IQM with 95% CI, median, quartiles. */
  readonly metrics: Readonly<Record<string, DistributionSummary>>;
  /**
   * IQM across seeds of the incumbent error at r_max (seed mean at the last epoch) with its 95%
   * bootstrap band, at the grid times from the first one at which every seed has an incumbent at r_max.
   */
  readonly overTime: { readonly time: readonly number[]; readonly iqm: readonly number[]; readonly low: readonly number[]; readonly high: readonly number[] };
  /** Average over seeds of the entry's rank at each grid time (1 = best; no incumbent at r_max yet ranks last, ties share). */
  readonly averageRank: readonly number[];
  /** Each seed's final figures, by metric key. */
  readonly perSeed: readonly { readonly seed: number; readonly values: Readonly<Record<string, number | null>> }[];
}

export interface ComparisonSummary {
  readonly optimumError: number;
  /** The error the time-to-target column measures the time to (the incumbent at r_max at or below it). */
  readonly targetError: number;
  readonly table: ComparisonTable | null;
  /** What the numbers rest on: which figures are real table values and which model-generated. */
  readonly tableNote: string;
  /** Every seed any entry ran, ascending. */
  readonly seeds: readonly number[];
  /** The fewest seeds any entry has. */
  readonly minSeeds: number;
  readonly fewSeeds: boolean;
  /** Said wherever the comparison is shown when fewSeeds. */
  readonly fewSeedsNote: string | null;
  /** Names the entries without a line over time (some seed never had a trial at r_max); null when every entry has one. */
  readonly curveNote: string | null;
  /** Simulated seconds of the shared grid (overTime and averageRank). */
  readonly timeGrid: readonly number[];
  /** The table's columns in order; each entry has a metrics value and each seed a value per key. */
  readonly columns: readonly ComparisonMetricColumn[];
  /** In the order the entries were given. */
  readonly entries: readonly ComparisonEntrySummary[];
  readonly statistic: string;
}

export interface ComparisonSummaryOptions {
  readonly optimumError: number;
  readonly table?: ComparisonTable | null;
  /** Entry labels in order (entries without a run are left out); default: order of first appearance. */
  readonly labels?: readonly string[];
  /** Default: the optimum + 1 pp (timeToTarget.ts). */
  readonly targetError?: number;
  /** Columns to summarise; default comparisonMetrics(targetError). */
  readonly metrics?: readonly ComparisonMetric[];
  readonly gridPoints?: number;
  /** Computes the bootstrap intervals; default bootstrapIqmCi (an IqmCiBatch's to compute them elsewhere). */
  readonly ci?: IqmCiFunction;
}

export const COMPARISON_STATISTIC =
  'IQM across seeds (mean after dropping floor(n/4) values at each end); 95% percentile bootstrap CI, 2000 resamples, seeded; ' +
  'rank averaged over seeds at each grid time';

export function summarizeComparison(runs: readonly ComparisonRunInput[], options: ComparisonSummaryOptions): ComparisonSummary {
  const targetError = options.targetError ?? defaultTargetError(options.optimumError);
  const metrics = options.metrics ?? comparisonMetrics(targetError);
  const groups = groupByLabel(runs, options.labels);
  const end = Math.max(0, ...runs.map((r) => r.simulatedSeconds));
  const timeGrid = evenGrid(end, options.gridPoints ?? COMPARISON_GRID_POINTS);
  const ranks = averageRanks(groups, timeGrid);
  const ci = options.ci ?? bootstrapIqmCi;
  const entries = groups.map(([label, group], index) => {
    const seeds = group.map((r) => r.seed);
    return {
      label, seeds,
      metrics: Object.fromEntries(metrics.map((m) => [m.key, summarizeDistribution(group.map((r) => m.of(r)), {}, ci)])),
      overTime: iqmOverTime(label, group, timeGrid, ci),
      averageRank: ranks[index],
      perSeed: group.map((r) => ({ seed: r.seed, values: Object.fromEntries(metrics.map((m) => [m.key, m.of(r)])) })),
    };
  });
  const order = rankByIqm(entries.map((e) => e.metrics[metrics[0].key]?.iqm ?? null));
  const minSeeds = groups.length === 0 ? 0 : Math.min(...groups.map(([, g]) => g.length));
  const fewSeeds = minSeeds < FEW_SEEDS;
  return {
    optimumError: options.optimumError, targetError, table: options.table ?? null, tableNote: tableNote(options.table ?? null),
    seeds: [...new Set(runs.map((r) => r.seed))].sort((a, b) => a - b),
    minSeeds, fewSeeds, fewSeedsNote: fewSeeds ? fewSeedsNote(minSeeds) : null, curveNote: curveNote(entries),
    timeGrid, columns: metrics.map(columnOf),
    entries: entries.map((e, i) => ({ ...e, rank: order[i] })), statistic: COMPARISON_STATISTIC,
  };
}

/** A metric as plain JSON (no function), for the views. */
function columnOf({ key, label, unit, secondary, group, missingMeans }: ComparisonMetric): ComparisonMetricColumn {
  return { key, label, unit, ...(secondary ? { secondary } : {}), ...(group ? { group } : {}), ...(missingMeans ? { missingMeans } : {}) };
}

/** The honesty note under the comparison table (the study panel's table badge says the same of one study). */
export function tableNote(table: ComparisonTable | null): string {
  const basis = 'Final error and regret are the returned architecture\'s error after all epochs as the table\'s seed mean.';
  if (table?.kind !== 'bundled-model-calibrated') return basis;
  return `${basis} On the bundled table only that value is a real NAS-Bench-201 figure: the errors after epochs 1–199 are ` +
    'model-generated, so the observed errors below r_max, the rung decisions and the best at any epoch are approximate.';
}

function curveNote(entries: readonly Pick<ComparisonEntrySummary, 'label' | 'overTime'>[]): string | null {
  const without = entries.filter((e) => e.overTime.time.length === 0).map((e) => e.label);
  if (without.length === 0) return null;
  return `No line over time for ${without.join(', ')}: some seed had no trial reach r_max within the budget ` +
    '(the final figures then use the best at the highest rung reached).';
}

export function fewSeedsNote(seeds: number): string {
  return `Only ${seeds} seed${seeds === 1 ? '' : 's'} per searcher: with fewer than ${FEW_SEEDS} the 95% bootstrap intervals are weak ` +
    '(they understate the uncertainty); run more seeds before drawing conclusions.';
}

/** Ranks 1..n by ascending value; null (no value) ranks after every value; ties keep the given order. */
export function rankByIqm(values: readonly (number | null)[]): number[] {
  const order = values.map((v, index) => ({ index, v: v ?? Infinity })).sort((a, b) => a.v - b.v || a.index - b.index);
  const ranks = new Array<number>(values.length);
  order.forEach((o, i) => (ranks[o.index] = i + 1));
  return ranks;
}

/** The incumbent error at r_max of a run at time t: its last step at or before t, null before its first. */
export function incumbentAt(path: IncumbentAtMaxPath, t: number): number | null {
  let lo = 0, hi = path.time.length - 1, found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (path.time[mid] <= t) { found = mid; lo = mid + 1; } else hi = mid - 1;
  }
  return found < 0 ? null : path.error[found];
}

/** `points` times from 0 to end inclusive (just [0] for an empty span). */
export function evenGrid(end: number, points: number): number[] {
  if (!(end > 0) || points < 2) return [0];
  return Array.from({ length: points }, (_, i) => (end * i) / (points - 1));
}

function groupByLabel(runs: readonly ComparisonRunInput[], labels: readonly string[] | undefined): [string, ComparisonRunInput[]][] {
  const groups = new Map<string, ComparisonRunInput[]>((labels ?? []).map((l) => [l, []]));
  for (const run of runs) groups.set(run.label, [...(groups.get(run.label) ?? []), run]);
  return [...groups.entries()].filter(([, g]) => g.length > 0).map(([label, g]) => [label, [...g].sort((a, b) => a.seed - b.seed)]);
}

function iqmOverTime(label: string, runs: readonly ComparisonRunInput[], grid: readonly number[], ci: IqmCiFunction): ComparisonEntrySummary['overTime'] {
  const time: number[] = [], value: number[] = [], low: number[] = [], high: number[] = [];
  grid.forEach((t, i) => {
    const values = runs.map((r) => incumbentAt(r.incumbentAtMax, t));
    // An IQM over only the seeds that have an incumbent yet would jump as seeds join: start once all have one.
    if (values.some((v) => v === null)) return;
    const present = values as number[];
    const [lo, hi] = ci(present, { seed: `${label}@${i}` });
    time.push(t);
    value.push(iqm(present));
    low.push(lo);
    high.push(hi);
  });
  return { time, iqm: value, low, high };
}

/**
 * Per entry and grid time, the mean over the entry's seeds of its rank among the entries that ran that
 * seed. Each seed's incumbents at a grid time are looked up once for all entries, and each entry's sum
 * adds its ranks seed by seed in the same order as ever.
 */
function averageRanks(groups: readonly [string, readonly ComparisonRunInput[]][], grid: readonly number[]): number[][] {
  const seeds = [...new Set(groups.flatMap(([, g]) => g.map((r) => r.seed)))];
  const bySeed = seeds.map((seed) => groups.map(([, g]) => g.find((r) => r.seed === seed)));
  const sums = groups.map(() => new Float64Array(grid.length));
  const counts = groups.map(() => new Int32Array(grid.length));
  const values: number[] = [];
  const valueOf = new Float64Array(groups.length);
  for (const runs of bySeed) {
    grid.forEach((t, i) => {
      values.length = 0;
      runs.forEach((run, entry) => {
        if (!run) return;
        valueOf[entry] = incumbentAt(run.incumbentAtMax, t) ?? Infinity;
        values.push(valueOf[entry]);
      });
      runs.forEach((run, entry) => {
        if (!run) return;
        sums[entry][i] += tiedRank(values, valueOf[entry]);
        counts[entry][i]++;
      });
    });
  }
  return sums.map((sum, entry) => Array.from(sum, (s, i) => s / counts[entry][i]));
}

/** Rank of `value` among `values` (which hold it), 1 = lowest; ties get the mean of the ranks they span. */
function tiedRank(values: readonly number[], value: number): number {
  let below = 0, equal = 0;
  for (const v of values) {
    if (v < value) below++;
    else if (v === value) equal++;
  }
  return below + (equal + 1) / 2;
}
