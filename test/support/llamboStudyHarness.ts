/**
 * Shared pieces of the study-level LLAMBO tests (issue 3): the benchmark as an "oracle" (true seed-mean
 * error at any level, the best cells by final error), event collection, the invariants every study's
 * trial starts must keep, and a small exact one-sided rank-sum (Mann-Whitney) test over seeds.
 * Test code only; the oracle is a test double of an LLM, never a claim about one.
 */
import assert from 'node:assert/strict';
import type { Benchmark } from '../../src/core/benchmark/benchmark';
import { isValidCell, NUM_CELLS, toArchString, type Cell } from '../../src/core/nb201/searchSpace';
import type { StudyEvent, TrialStartedEvent } from '../../src/core/events/studyEvents';
import type { OracleSpec } from './llmResponders';

/** An endpoint that is never contacted (studies given a `chat` function still need an llm section). */
export const UNUSED_ENDPOINT = { baseUrl: 'http://127.0.0.1:9/v1', model: 'fake-llm' } as const;

/** The table's answers: seed-mean error of a cell at a level, and the `goodCount` best cells by final error. */
export function benchmarkOracle(benchmark: Benchmark, goodCount = 2500): OracleSpec & { finalError(cell: Cell): number } {
  const truth = (cell: Cell, level: number): number => {
    const index = benchmark.indexOf(cell);
    let sum = 0;
    for (let seed = 0; seed < benchmark.numSeeds; seed++) sum += benchmark.validError(index, seed, level);
    return sum / benchmark.numSeeds;
  };
  const indices = Array.from({ length: NUM_CELLS }, (_, i) => i).sort((a, b) => benchmark.finalErrorMean(a) - benchmark.finalErrorMean(b));
  return {
    truth,
    goodCells: indices.slice(0, goodCount).map((i) => benchmark.cellAt(i)),
    defaultLevel: benchmark.maxEpoch,
    finalError: (cell) => benchmark.finalErrorMean(benchmark.indexOf(cell)),
  };
}

export interface EventCollector {
  readonly events: StudyEvent[];
  readonly sink: (event: StudyEvent) => void;
}

export function collectEvents(): EventCollector {
  const events: StudyEvent[] = [];
  return { events, sink: (event) => events.push(event) };
}

/** The event stream as JSON lines, the way it is persisted. */
export function eventLines(events: readonly StudyEvent[]): string {
  return events.map((e) => JSON.stringify(e)).join('\n') + '\n';
}

export function trialStarts(events: readonly StudyEvent[]): TrialStartedEvent[] {
  return events.filter((e): e is TrialStartedEvent => e.type === 'trialStarted');
}

/**
 * Every trial start names a valid cell whose arch string matches its ops, no two started cells compute
 * the same function (isomorphism classes), and `fallback` is set exactly for fallback picks.
 */
export function assertValidTrialStarts(events: readonly StudyEvent[], benchmark: Benchmark, label: string): void {
  const classes = new Map<number, number>();
  for (const e of trialStarts(events)) {
    assert.ok(isValidCell(e.ops), `${label}: trial ${e.trialId} has an invalid cell ${JSON.stringify(e.ops)}`);
    assert.equal(e.arch, toArchString(e.ops), `${label}: trial ${e.trialId} arch string`);
    const iso = benchmark.isoClass(benchmark.indexOf(e.ops));
    assert.ok(!classes.has(iso), `${label}: trial ${e.trialId} repeats the function of trial ${classes.get(iso)}`);
    classes.set(iso, e.trialId);
    const source = String(e.info?.source ?? '');
    assert.equal(e.fallback === true, source.startsWith('fallback'), `${label}: trial ${e.trialId} fallback flag vs source ${source}`);
  }
}

/**
 * First simulated time at which a result at r_max is at or below `threshold` (the summary's
 * bestErrorAtMax crossing it); Infinity when it never happens within the budget.
 */
export function timeToReach(events: readonly StudyEvent[], threshold: number, rMax: number): number {
  for (const e of events) {
    if (e.type === 'result' && e.epoch === rMax && e.error !== null && e.error <= threshold) return e.time;
  }
  return Infinity;
}

/** Best error of a result at r_max reported by simulated time `seconds`; Infinity when none was by then. */
export function bestAtMaxBy(events: readonly StudyEvent[], seconds: number, rMax: number): number {
  let best = Infinity;
  for (const e of events) {
    if (e.type === 'result' && e.epoch === rMax && e.error !== null && e.time <= seconds) best = Math.min(best, e.error);
  }
  return best;
}

/** Mean true final error of the cells a study started: how good its choices were, free of seed noise. */
export function meanStartedFinalError(events: readonly StudyEvent[], finalError: (cell: Cell) => number): number {
  const starts = trialStarts(events);
  return starts.reduce((sum, e) => sum + finalError(e.ops), 0) / starts.length;
}

export interface RankSumResult {
  /** Mann-Whitney U of `a`: pairs (x in a, y in b) with x < y, ties counting one half. */
  readonly u: number;
  /** Exact one-sided p-value of "a tends to be smaller than b" under exchangeability (ties by mid-ranks). */
  readonly p: number;
}

/**
 * One-sided Wilcoxon rank-sum / Mann-Whitney test, exact: counts the subsets of the pooled mid-ranks
 * with a rank sum at most the observed one (dynamic programming over doubled ranks, so ties are exact).
 * Infinity is a value like any other (e.g. "never reached" ties at the top).
 */
export function rankSumTest(a: readonly number[], b: readonly number[]): RankSumResult {
  const pooled = [...a.map((v) => ({ v, fromA: true })), ...b.map((v) => ({ v, fromA: false }))].sort((x, y) => compare(x.v, y.v));
  const doubledRanks: number[] = new Array(pooled.length);
  for (let i = 0; i < pooled.length;) {
    let j = i;
    while (j + 1 < pooled.length && compare(pooled[j + 1].v, pooled[i].v) === 0) j++;
    for (let k = i; k <= j; k++) doubledRanks[k] = i + j + 2; // 2 x mid-rank of positions i..j (1-based)
    i = j + 1;
  }
  const observed = pooled.reduce((sum, x, i) => sum + (x.fromA ? doubledRanks[i] : 0), 0);
  const n = pooled.length, k = a.length;
  const maxSum = doubledRanks.reduce((s, r) => s + r, 0);
  // ways[j][s]: subsets of size j of the ranks seen so far with doubled rank sum s.
  let ways: number[][] = Array.from({ length: k + 1 }, () => new Array<number>(maxSum + 1).fill(0));
  ways[0][0] = 1;
  for (let i = 0; i < n; i++) {
    const next = ways.map((row) => row.slice());
    for (let j = 0; j < k; j++) {
      for (let s = 0; s + doubledRanks[i] <= maxSum; s++) if (ways[j][s] > 0) next[j + 1][s + doubledRanks[i]] += ways[j][s];
    }
    ways = next;
  }
  const total = ways[k].reduce((s, w) => s + w, 0);
  const atMost = ways[k].slice(0, observed + 1).reduce((s, w) => s + w, 0);
  let u = 0;
  for (const x of a) for (const y of b) u += x < y ? 1 : x === y ? 0.5 : 0;
  return { u, p: atMost / total };
}

function compare(x: number, y: number): number {
  return x === y ? 0 : x < y ? -1 : 1;
}

/** Median that keeps Infinity ("never") as a value, unlike interpolating quantiles. */
export function median(values: readonly number[]): number {
  const s = values.slice().sort(compare);
  const m = s.length >> 1;
  return s.length % 2 || s[m - 1] === s[m] ? s[m] : (s[m - 1] + s[m]) / 2;
}
