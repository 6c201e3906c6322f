/**
 * The prefetch measurement of issue 12 section 2, shared by the stats test and `npm run bench`: full
 * 5 h / 4-worker LLAMBO studies on the bundled table with modelled decision time (10 s per LLM request,
 * 4 requests at a time), talking in-process to the oracle test double (not an LLM), each seed once with
 * and once without prefetch. Everything is simulated and seeded, so the figures are the same on every run.
 */
import type { Benchmark } from '../../src/core/benchmark/benchmark';
import { runStudy, type StudySummary } from '../../src/core/study/studyRunner';
import { benchmarkOracle, median, rankSumTest, UNUSED_ENDPOINT, type RankSumResult } from './llamboStudyHarness';
import { fakeChat, oracleReplier } from './llmResponders';

export const PREFETCH_SECONDS_PER_CALL = 10;
export const PREFETCH_CONCURRENCY = 4;
export const PREFETCH_HOURS = 5;
/** Issue 12's target: at least this many times fewer idle worker-seconds with prefetch. */
export const PREFETCH_TARGET_FACTOR = 5;

export interface DelayRun {
  readonly seed: number;
  readonly prefetch: boolean;
  readonly idleWorkerSeconds: number;
  readonly chargedSeconds: number;
  readonly llmSeconds: number;
  readonly idleShare: number;
  readonly trialsStarted: number;
  /** Best single-seed error at r_max (1 when none reached it). */
  readonly bestErrorAtMax: number;
  /** The headline: seed-mean final error of the returned architecture (1 when none). */
  readonly headlineError: number;
}

export interface PrefetchMeasurement {
  readonly seeds: readonly number[];
  readonly on: readonly DelayRun[];
  readonly off: readonly DelayRun[];
  /** Total idle worker-seconds without prefetch over the total with it. */
  readonly idleFactor: number;
  /** One-sided rank-sum: FACTOR x idle with prefetch tends to be below idle without it. */
  readonly idleTest: RankSumResult;
  /** One-sided rank-sum of "without prefetch the error is lower" (a loss from prefetch); large p = no significant loss. */
  readonly bestErrorLossTest: RankSumResult;
  readonly headlineLossTest: RankSumResult;
}

export async function runDelayStudy(benchmark: Benchmark, prefetch: boolean, seed: number): Promise<DelayRun> {
  const oracle = benchmarkOracle(benchmark, 2500);
  const summary: StudySummary = await runStudy({
    searcher: 'llambo', hours: PREFETCH_HOURS, workers: 4, seed, studyId: `delay-${prefetch ? 'on' : 'off'}-${seed}`,
    llm: { ...UNUSED_ENDPOINT, concurrency: PREFETCH_CONCURRENCY },
    decisionTime: { mode: 'modelled', secondsPerLlmCall: PREFETCH_SECONDS_PER_CALL, prefetch },
    searcherOptions: { timingConcurrency: PREFETCH_CONCURRENCY },
  }, { benchmark, llm: { chat: fakeChat(oracleReplier(oracle)) } });
  const delay = summary.delay;
  if (!delay) throw new Error(`seed ${seed}: a modelled LLAMBO study reported no delay figures`);
  if (delay.prefetch !== prefetch) throw new Error(`seed ${seed}: asked prefetch ${prefetch}, the study used ${delay.prefetch}`);
  return {
    seed, prefetch, idleWorkerSeconds: delay.idleWorkerSeconds, chargedSeconds: delay.chargedSeconds, llmSeconds: delay.llmSeconds,
    idleShare: delay.idleShare, trialsStarted: summary.trialsStarted,
    bestErrorAtMax: summary.bestErrorAtMax ?? 1, headlineError: summary.headline?.finalError ?? 1,
  };
}

export async function measurePrefetch(benchmark: Benchmark, seeds: readonly number[]): Promise<PrefetchMeasurement> {
  const on: DelayRun[] = [], off: DelayRun[] = [];
  for (const seed of seeds) {
    on.push(await runDelayStudy(benchmark, true, seed));
    off.push(await runDelayStudy(benchmark, false, seed));
  }
  const total = (runs: readonly DelayRun[]) => runs.reduce((sum, r) => sum + r.idleWorkerSeconds, 0);
  const pick = (runs: readonly DelayRun[], key: 'bestErrorAtMax' | 'headlineError') => runs.map((r) => r[key]);
  return {
    seeds, on, off,
    idleFactor: total(off) / Math.max(total(on), Number.MIN_VALUE),
    idleTest: rankSumTest(on.map((r) => PREFETCH_TARGET_FACTOR * r.idleWorkerSeconds), off.map((r) => r.idleWorkerSeconds)),
    bestErrorLossTest: rankSumTest(pick(off, 'bestErrorAtMax'), pick(on, 'bestErrorAtMax')),
    headlineLossTest: rankSumTest(pick(off, 'headlineError'), pick(on, 'headlineError')),
  };
}

/** The measurement as printable lines (bench and test log say the same). */
export function describePrefetch(m: PrefetchMeasurement): string[] {
  const med = (runs: readonly DelayRun[], key: keyof DelayRun) => median(runs.map((r) => Number(r[key])));
  const arm = (label: string, runs: readonly DelayRun[]) =>
    `  ${label}: idle worker-seconds median ${med(runs, 'idleWorkerSeconds').toFixed(0)} (${(100 * med(runs, 'idleShare')).toFixed(3)}% of 4 workers x ${PREFETCH_HOURS} h), ` +
    `charged ${med(runs, 'chargedSeconds').toFixed(0)} s of ${med(runs, 'llmSeconds').toFixed(0)} LLM s, ` +
    `best error @200 median ${med(runs, 'bestErrorAtMax').toFixed(4)}, headline error median ${med(runs, 'headlineError').toFixed(4)}`;
  const p = (t: RankSumResult) => `U = ${t.u}, one-sided p = ${t.p.toPrecision(3)}`;
  return [
    `LLM delay hidden by prefetch (LLAMBO, oracle TEST DOUBLE, modelled ${PREFETCH_SECONDS_PER_CALL} s per request, ${PREFETCH_CONCURRENCY} at a time, ` +
      `${PREFETCH_HOURS} h / 4 workers, seeds ${m.seeds[0]}-${m.seeds[m.seeds.length - 1]}):`,
    arm('prefetch on ', m.on),
    arm('prefetch off', m.off),
    `  idle worker-seconds: ${m.idleFactor.toFixed(1)}x fewer with prefetch in total (target >= ${PREFETCH_TARGET_FACTOR}x); ` +
      `${PREFETCH_TARGET_FACTOR} x on vs off: ${p(m.idleTest)}`,
    `  loss from the staler history? best error @200 off < on: ${p(m.bestErrorLossTest)}; headline error off < on: ${p(m.headlineLossTest)}`,
  ];
}
