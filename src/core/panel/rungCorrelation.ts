/**
 * How well cheap evaluations predict expensive ones. Rung correlation: Spearman between each trial's
 * error at consecutive rung levels (low fidelity vs the next one up), for trials that reached both.
 * Surrogate calibration: LLAMBO's predicted mean and spread against the true error at the level it
 * predicted for. Both are recomputed from the trial fold when new rung results arrive.
 */
import { thinIndices } from '../readModel/curveDecimation';
import type { TrialPrediction } from '../readModel/trialRows';
import type { CalibrationModel, RungPairCorrelation } from './panelModel';
import { spearman } from './rankCorrelation';

/** Points a scatter carries at most; statistics always use every trial. */
export const MAX_SCATTER_POINTS = 2000;

/**
 * Trials a rung pair needs before its Spearman is given: with fewer, ρ jumps between ±1 and 0.x with
 * one trial more, and reads as a finding when it is noise.
 */
export const MIN_RUNG_PAIRS = 5;

export interface LevelErrors {
  readonly id: number;
  readonly levelErrors: ReadonlyMap<number, number | null>;
}

export function rungCorrelations(trials: readonly LevelErrors[], maxPoints = MAX_SCATTER_POINTS): RungPairCorrelation[] {
  const levelSet = new Set<number>();
  for (const t of trials) for (const level of t.levelErrors.keys()) levelSet.add(level);
  const levels = [...levelSet].sort((a, b) => a - b);
  const pairs: RungPairCorrelation[] = [];
  for (let k = 0; k + 1 < levels.length; k++) {
    const low = levels[k], high = levels[k + 1];
    const ids: number[] = [], x: number[] = [], y: number[] = [];
    for (const t of trials) {
      const a = t.levelErrors.get(low), b = t.levelErrors.get(high);
      if (a === undefined || b === undefined || a === null || b === null) continue;
      ids.push(t.id); x.push(a); y.push(b);
    }
    const keep = thinIndices(ids.length, maxPoints);
    pairs.push({
      low, high, n: ids.length, spearman: ids.length >= MIN_RUNG_PAIRS ? spearman(x, y) : null,
      trialIds: keep.map((i) => ids[i]), x: keep.map((i) => x[i]), y: keep.map((i) => y[i]),
    });
  }
  return pairs;
}


export function surrogateCalibration(trials: readonly TrialPrediction[], maxPoints = MAX_SCATTER_POINTS): CalibrationModel {
  const ids: number[] = [], mean: number[] = [], std: number[] = [], truth: number[] = [];
  for (const t of trials) {
    if (t.predictedMean === null || t.level === null) continue;
    const actual = t.levelErrors.get(t.level);
    if (actual === undefined || actual === null) continue;
    ids.push(t.id); mean.push(t.predictedMean); std.push(t.predictedStd ?? 0); truth.push(actual);
  }
  const n = ids.length;
  let in1 = 0, in2 = 0, abs = 0;
  for (let i = 0; i < n; i++) {
    const gap = Math.abs(truth[i] - mean[i]);
    abs += gap;
    if (gap <= std[i]) in1++;
    if (gap <= 2 * std[i]) in2++;
  }
  const keep = thinIndices(n, maxPoints);
  return {
    n, spearman: spearman(mean, truth),
    within1Std: n > 0 ? in1 / n : null, within2Std: n > 0 ? in2 / n : null, meanAbsError: n > 0 ? abs / n : null,
    trialIds: keep.map((i) => ids[i]), mean: keep.map((i) => mean[i]), std: keep.map((i) => std[i]), trueError: keep.map((i) => truth[i]),
  };
}
