/**
 * The overview chart's lines: each searcher's incumbent error over simulated time. One seed gives its
 * step trace as is; several seeds of one searcher give the IQM on a shared time grid with a 95%
 * percentile-bootstrap band (the statistics of compareStats.ts, so panel and comparison agree).
 */
import { bootstrapIqmCi, iqm } from '../study/compareStats';
import type { IncumbentSeries } from './panelModel';

/** One study's incumbent trace: error after each incumbent change, and when the study ended (or is now). */
export interface IncumbentRun {
  readonly label: string;
  readonly seed: number;
  readonly time: readonly number[];
  readonly error: readonly number[];
  readonly endTime: number;
}

export interface IncumbentSeriesOptions {
  /** Grid points of the log- and of the linear-spaced half of the grid (default 80 each). */
  readonly gridPoints?: number;
  /** Bootstrap resamples per grid point (default 400: the band is drawn, not reported). */
  readonly resamples?: number;
}

/** Lines in order of each label's first run. */
export function incumbentSeries(runs: readonly IncumbentRun[], options: IncumbentSeriesOptions = {}): IncumbentSeries[] {
  const groups = new Map<string, IncumbentRun[]>();
  for (const run of runs) {
    if (run.time.length === 0) continue;
    groups.set(run.label, [...(groups.get(run.label) ?? []), run]);
  }
  return [...groups.entries()].map(([label, group]) => (group.length === 1 ? stepSeries(label, group[0]) : iqmSeries(label, group, options)));
}

function stepSeries(label: string, run: IncumbentRun): IncumbentSeries {
  const time = run.time.slice();
  const value = run.error.slice();
  if (run.endTime > time[time.length - 1]) {
    time.push(run.endTime);
    value.push(value[value.length - 1]);
  }
  return { label, seeds: 1, time, value, low: null, high: null };
}

function iqmSeries(label: string, runs: readonly IncumbentRun[], options: IncumbentSeriesOptions): IncumbentSeries {
  // The line starts once every seed has an incumbent: an IQM over fewer seeds would jump.
  const start = Math.max(...runs.map((r) => r.time[0]));
  const end = Math.max(...runs.map((r) => r.endTime));
  const grid = timeGrid(start, Math.max(start, end), options.gridPoints ?? 80);
  const time: number[] = [], value: number[] = [], low: number[] = [], high: number[] = [];
  const values = new Array<number>(runs.length);
  for (const t of grid) {
    runs.forEach((run, i) => (values[i] = errorAt(run, t)));
    const [lo, hi] = bootstrapIqmCi(values, { resamples: options.resamples ?? 400, seed: `${label}@${t}` });
    time.push(t);
    value.push(iqm(values));
    low.push(lo);
    high.push(hi);
  }
  return { label, seeds: runs.length, time, value, low, high };
}

/** Incumbent error of a run at time t (its first incumbent before that). */
function errorAt(run: IncumbentRun, t: number): number {
  let lo = 0, hi = run.time.length - 1;
  if (t <= run.time[0]) return run.error[0];
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (run.time[mid] <= t) lo = mid; else hi = mid - 1;
  }
  return run.error[lo];
}

/** Sorted union of a log-spaced and a linear-spaced grid, so the line looks right on either time axis. */
export function timeGrid(start: number, end: number, points: number): number[] {
  if (!(end > start)) return [start];
  const s = Math.max(start, 1e-3);
  const set = new Set<number>();
  for (let i = 0; i < points; i++) {
    const f = i / (points - 1);
    set.add(s * Math.pow(end / s, f));
    set.add(start + (end - start) * f);
  }
  return [...set].sort((a, b) => a - b);
}
