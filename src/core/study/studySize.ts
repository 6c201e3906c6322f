/**
 * Whether a study fits in this process's memory, judged before it starts: a study keeps what its
 * searcher and scheduler need of every result (and its sinks fold them), so its memory grows with
 * the results it will report. Without this check a too-large study runs for minutes and then dies in
 * a V8 fatal error with no message (256 workers x 500 h: ~22M results).
 */
import { getHeapStatistics } from 'node:v8';
import type { Benchmark } from '../benchmark/benchmark';
import { NUM_CELLS } from '../nb201/searchSpace';
import { StudySpecError, type StudySpec } from './studySpec';

/**
 * Heap bytes a study holds per result, with headroom: measured as peak RSS growth of
 * `study --searcher random --workers 256` between --hours 5 and --hours 60 (about 145 bytes per event).
 */
export const BYTES_PER_RESULT = 200;
/** Share of the heap limit a study may plan to use (the rest: the table, the bundle, garbage not yet collected). */
const HEAP_SHARE = 0.5;

export interface StudySizeEstimate {
  /** Results the study reports at most: every worker busy for the whole budget, capped by maxTrials x rMax. */
  readonly results: number;
  readonly meanEpochSeconds: number;
  readonly maxResults: number;
}

export function estimateStudySize(spec: StudySpec, benchmark: Benchmark, heapLimitBytes = getHeapStatistics().heap_size_limit): StudySizeEstimate {
  const meanEpochSeconds = meanEpochSecondsOf(benchmark);
  const byBudget = spec.workers * spec.budgetSeconds / meanEpochSeconds;
  const byTrials = spec.maxTrials === undefined ? Infinity : spec.maxTrials * spec.rMax;
  return { results: Math.ceil(Math.min(byBudget, byTrials)), meanEpochSeconds, maxResults: Math.floor(heapLimitBytes * HEAP_SHARE / BYTES_PER_RESULT) };
}

/** Throws StudySpecError naming the limit and what to lower when the study would not fit. */
export function checkStudyFits(spec: StudySpec, benchmark: Benchmark, heapLimitBytes?: number): void {
  const size = estimateStudySize(spec, benchmark, heapLimitBytes);
  // A table without positive epoch times is the table loader's error to report, not a size.
  if (!(size.meanEpochSeconds > 0) || size.results <= size.maxResults) return;
  const fittingHours = size.maxResults * size.meanEpochSeconds / spec.workers / 3600;
  const mb = (results: number) => Math.round(results * BYTES_PER_RESULT / 2 ** 20).toLocaleString('en-US');
  throw new StudySpecError([
    `spec.workers: the study is too large for this process's memory: about ${size.results.toLocaleString('en-US')} results ` +
      `(${spec.workers} workers x ${spec.budgetSeconds / 3600} h / ${size.meanEpochSeconds.toFixed(1)} s mean epoch time of ` +
      `${benchmark.info.label}) would need about ${mb(size.results)} MB; the limit is ${size.maxResults.toLocaleString('en-US')} results ` +
      `(${mb(size.maxResults)} MB, half of Node's heap limit). Lower the workers or the budget (at ${spec.workers} workers at most ` +
      `${fittingHours.toPrecision(3)} h fit), or cap the trials (--max-trials); a larger heap (node --max-old-space-size=MB) raises the limit`,
  ]);
}

/** Per table, summed once: a CLI study is checked before its files are made and again when it starts. */
const meanEpochSeconds = new WeakMap<Benchmark, number>();

function meanEpochSecondsOf(benchmark: Benchmark): number {
  let mean = meanEpochSeconds.get(benchmark);
  if (mean === undefined) {
    let sum = 0;
    for (let index = 0; index < NUM_CELLS; index++) sum += benchmark.epochSeconds(index);
    mean = sum / NUM_CELLS;
    meanEpochSeconds.set(benchmark, mean);
  }
  return mean;
}
