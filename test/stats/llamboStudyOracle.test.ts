import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadTable } from '../../src/core/benchmark/tableLoader';
import type { StudyEvent } from '../../src/core/events/studyEvents';
import { runStudy, type StudySummary } from '../../src/core/study/studyRunner';
import {
  benchmarkOracle, collectEvents, meanStartedFinalError, median, rankSumTest, timeToReach, trialStarts, UNUSED_ENDPOINT,
} from '../support/llamboStudyHarness';
import { fakeChat, noiseReply, noiseReplier, oracleReplier, oracleReply, type Replier } from '../support/llmResponders';

/**
 * Issue 3 wiring proof. Full 5 h / 4-worker LLAMBO studies on the bundled table, talking in-process
 * to scripted test doubles of an LLM, against random search on the same seeds:
 * - oracle: proposes from the 2,500 best cells and predicts the table's true seed-mean error at the
 *   asked level;
 * - noise: proposes uniformly random cells and predicts uniformly random errors;
 * - predictions only: noise proposals, oracle predictions (only the surrogate knows anything).
 * These prove that LLAMBO's replies drive its choices; they say nothing about any real LLM.
 *
 * LLAMBO's own filter of disconnected cells (they train to chance level) is switched off in these
 * studies: it beats random search without any LLM, and would hide whether the replies matter.
 * Everything is seeded and in-process, so the p-values below are the same on every run.
 */

const benchmark = loadTable();
const oracle = benchmarkOracle(benchmark, 2500);
const SEEDS = Array.from({ length: 12 }, (_, i) => i);
const HOURS = 5;
/** "Optimum region": the optimum is 0.0563 (seed mean); single-seed results at epoch 200 scatter around it. */
const REGION = 0.06;
const ALPHA = 0.05;

type Arm = 'random' | 'oracle' | 'noise' | 'predictionsOnly';

const REPLIERS: Record<Exclude<Arm, 'random'>, Replier> = {
  oracle: oracleReplier(oracle),
  noise: noiseReplier,
  predictionsOnly: (view) => (view.kind === 'cells' ? noiseReply(view) : oracleReply(view, oracle)),
};

interface StudyRun {
  readonly summary: StudySummary;
  readonly events: StudyEvent[];
  /** Seconds until a result at epoch 200 reached REGION (Infinity: not within 5 h). */
  readonly timeToRegion: number;
  readonly bestErrorAtMax: number;
  /** Mean true final error of every cell started. */
  readonly choiceQuality: number;
}

async function runArm(arm: Arm, seed: number): Promise<StudyRun> {
  const { events, sink } = collectEvents();
  const llambo = arm !== 'random';
  const summary = await runStudy({
    searcher: llambo ? 'llambo' : 'random', hours: HOURS, workers: 4, seed, studyId: `wiring-${arm}-${seed}`,
    ...(llambo ? { llm: UNUSED_ENDPOINT, searcherOptions: { rejectDisconnected: false } } : {}),
  }, { benchmark, sinks: [sink], ...(llambo ? { llm: { chat: fakeChat(REPLIERS[arm]) } } : {}) });
  return {
    summary, events,
    timeToRegion: timeToReach(events, REGION, benchmark.maxEpoch),
    bestErrorAtMax: summary.bestErrorAtMax ?? 1,
    choiceQuality: meanStartedFinalError(events, oracle.finalError),
  };
}

let arms: Promise<Record<Arm, StudyRun[]>> | undefined;

/** Every arm over every seed, run once and shared by the tests below. */
function allArms(): Promise<Record<Arm, StudyRun[]>> {
  arms ??= (async () => {
    const out = {} as Record<Arm, StudyRun[]>;
    for (const arm of ['random', 'oracle', 'noise', 'predictionsOnly'] as const) {
      out[arm] = [];
      for (const seed of SEEDS) out[arm].push(await runArm(arm, seed));
      const fmt = (xs: number[]) => xs.map((x) => (Number.isFinite(x) ? (x < 1 ? x.toFixed(4) : Math.round(x)) : 'never')).join(' ');
      console.log(`${arm}: time to <= ${REGION} at epoch 200 (s) [${fmt(out[arm].map((r) => r.timeToRegion))}]; ` +
        `bestErrorAtMax at ${HOURS} h [${fmt(out[arm].map((r) => r.bestErrorAtMax))}]; choice quality [${fmt(out[arm].map((r) => r.choiceQuality))}]`);
    }
    return out;
  })();
  return arms;
}

type Metric = 'timeToRegion' | 'bestErrorAtMax' | 'choiceQuality';

function compare(a: readonly StudyRun[], b: readonly StudyRun[], metric: Metric, label: string): number {
  const x = a.map((r) => r[metric]), y = b.map((r) => r[metric]);
  const { p, u } = rankSumTest(x, y);
  console.log(`${label} ${metric}: median ${median(x).toFixed(4)} vs ${median(y).toFixed(4)}, U = ${u}, one-sided p = ${p.toPrecision(3)}`);
  return p;
}

/** The LLAMBO arm really ran on the LLM's replies: no fallbacks, picks from warm start and batches. */
function assertLlmDriven(runs: readonly StudyRun[], label: string): void {
  for (const { summary, events } of runs) {
    const sources = new Set(trialStarts(events).map((e) => String(e.info?.source)));
    assert.deepEqual([...sources].sort(), ['llambo', 'warmstart'], `${label} seed ${summary.seed}: pick sources`);
    assert.equal(summary.llm?.fallbacks, 0, `${label} seed ${summary.seed}: fallbacks`);
    assert.equal(summary.llm?.failedCalls, 0);
    assert.ok((summary.llm?.requests ?? 0) > 50, `${label} seed ${summary.seed}: ${summary.llm?.requests} LLM requests`);
  }
}

test('wiring proof (not a claim about any LLM): with the oracle double, LLAMBO reaches the optimum region sooner than random search over 12 seeds', async () => {
  const { oracle: runs, random } = await allArms();
  assertLlmDriven(runs, 'oracle');
  // The surrogate's predictions reached the picks: each pick's predicted mean is the truth at its level.
  let checked = 0;
  for (const { events } of runs) {
    for (const e of trialStarts(events)) {
      const info = e.info as { source: string; predictedMean?: number; level?: number };
      if (info.source !== 'llambo' || info.predictedMean === undefined) continue;
      assert.ok(Math.abs(info.predictedMean - oracle.truth(e.ops, info.level as number)) < 1e-4, `trial ${e.trialId}: predicted ${info.predictedMean}`);
      checked++;
    }
  }
  assert.ok(checked > 100 * SEEDS.length, `${checked} picks carried a prediction`);
  const reached = runs.filter((r) => Number.isFinite(r.timeToRegion)).length;
  assert.ok(reached >= 9, `oracle LLAMBO reached ${REGION} within ${HOURS} h in ${reached} of ${SEEDS.length} seeds`);
  assert.ok(compare(runs, random, 'timeToRegion', 'oracle vs random') < ALPHA);
  assert.ok(compare(runs, random, 'bestErrorAtMax', 'oracle vs random') < ALPHA);
  assert.ok(compare(runs, random, 'choiceQuality', 'oracle vs random') < ALPHA);
});

test('wiring proof (not a claim about any LLM): with the noise double, LLAMBO is not significantly better than random search', async () => {
  const { noise: runs, random } = await allArms();
  assertLlmDriven(runs, 'noise');
  for (const metric of ['timeToRegion', 'bestErrorAtMax', 'choiceQuality'] as const) {
    assert.ok(compare(runs, random, metric, 'noise vs random') > ALPHA, `noise LLAMBO beat random on ${metric}`);
  }
  // Effect-size bound: random replies pick cells no better on average than random search does.
  const diff = median(runs.map((r) => r.choiceQuality)) - median(random.map((r) => r.choiceQuality));
  assert.ok(diff > -0.01, `noise LLAMBO's cells are ${-diff} better in mean true error`);
});

test('wiring proof (not a claim about any LLM): the surrogate alone steers the picks: random proposals ranked by true errors beat the same ranked by noise', async () => {
  const { predictionsOnly: runs, noise, random } = await allArms();
  assertLlmDriven(runs, 'predictions only');
  // Same kind of candidate pools (random cells); only the predictions differ.
  assert.ok(compare(runs, noise, 'choiceQuality', 'predictions-only vs noise') < ALPHA);
  assert.ok(compare(runs, random, 'choiceQuality', 'predictions-only vs random') < ALPHA);
  // Printed, not asserted: whether a pool of random proposals holds a cell of the 0.06 region at all decides
  // the time to reach it far more than the ranking does (12 seeds: p = 0.16 once pools were oversampled and
  // sliced); the ranking itself is what choiceQuality measures.
  compare(runs, noise, 'timeToRegion', 'predictions-only vs noise (reported only)');
});
