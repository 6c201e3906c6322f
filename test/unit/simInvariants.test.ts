import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import type { Benchmark } from '../../src/core/benchmark/benchmark';
import { loadTable } from '../../src/core/benchmark/tableLoader';
import { defaultTablePath } from '../../src/core/benchmark/tablePaths';
import { cellFromCode, toArchString } from '../../src/core/nb201/searchSpace';
import { SeededRandom } from '../../src/core/random/seededRandom';
import { linearQuantile } from '../../src/core/schedulers/ashaScheduler';
import type { SchedulerKind } from '../../src/core/schedulers/scheduler';
import { createScheduler } from '../../src/core/schedulers/schedulerFactory';
import type { Searcher } from '../../src/core/searchers/searcher';
import { simulateStudy, type SimulationOptions, type SimulationSummary } from '../../src/core/sim/simulateStudy';
import type { StudyEventDraft } from '../../src/core/events/studyEvents';
import { fakeError, makeFakeBenchmark } from '../support/fakeBenchmark';

type Draft = StudyEventDraft;

function randomSearcher(seed: number, numArchs: number, cellOf: (index: number) => readonly number[] = cellFromCode) {
  const rng = new SeededRandom(seed);
  const seen = { results: 0, pending: 0, failures: [] as number[] };
  const searcher: Searcher = {
    name: 'test-random', configure() {}, state: () => null, restore() {},
    suggest: () => ({ cell: cellOf(rng.int(numArchs)) }),
    onPending() { seen.pending++; },
    onResult() { seen.results++; },
    onFailure(trialId) { seen.failures.push(trialId); },
  };
  return { searcher, seen };
}

interface Setup {
  kind: SchedulerKind; rMax: number; workers: number; seed: number; budget?: number; maxTrials?: number;
  benchmark?: Benchmark; numArchs?: number; clock?: 'event' | 'synetune';
}

async function simulate(setup: Setup) {
  const numArchs = setup.numArchs ?? 400;
  const benchmark = setup.benchmark ?? makeFakeBenchmark({ numArchs, epochSeconds: 7 });
  const events: Draft[] = [];
  const { searcher, seen } = randomSearcher(setup.seed, numArchs, (i) => benchmark.cellAt(i));
  const options: SimulationOptions = {
    benchmark, scheduler: createScheduler(setup.kind, { rMin: 1, eta: 3, rMax: setup.rMax }), searcher,
    workers: setup.workers, stop: { maxSimulatedSeconds: setup.budget, maxTrials: setup.maxTrials },
    clock: setup.clock ?? 'event', decisionTime: { mode: 'ignore' }, rng: new SeededRandom(setup.seed), emit: (e) => events.push(e),
  };
  const summary = await simulateStudy(options);
  return { events, summary, seen };
}

/** Replays the event stream and checks every rule a consumer relies on. */
function checkInvariants(events: Draft[], summary: SimulationSummary, setup: Setup, seen: { results: number; pending: number }) {
  const state = new Map<number, 'running' | 'paused' | 'stopped'>();
  const epochOf = new Map<number, number>(), untilOf = new Map<number, number>(), bracketOf = new Map<number, number>();
  const rungsOf = new Map<number, readonly { level: number; slots: number }[]>();
  const entered = new Map<string, Set<number>>(), promotedInto = new Map<string, number[]>();
  const failed = new Set<number>();
  const resultTimes: number[] = [];
  let running = 0, time = 0, starts = 0;
  const enter = (key: string, trialId: number) => {
    if (!entered.has(key)) entered.set(key, new Set());
    entered.get(key)!.add(trialId);
  };
  const rungKey = (trialId: number, level: number) => {
    const bracket = bracketOf.get(trialId)!;
    const rung = rungsOf.get(bracket)!.findIndex((r) => r.level === level);
    assert.ok(rung >= 0, `level ${level} is a rung of bracket ${bracket}`);
    return `${bracket}/${rung}`;
  };
  const sync = setup.kind.startsWith('sync');
  for (const e of events) {
    assert.ok(e.time >= time, `time goes forward (${e.type} at ${e.time} after ${time})`);
    time = e.time;
    switch (e.type) {
      case 'bracketOpened': rungsOf.set(e.bracket, e.rungs); break;
      case 'trialStarted':
        assert.equal(state.get(e.trialId), undefined);
        assert.equal(e.trialId, starts++);
        state.set(e.trialId, 'running'); epochOf.set(e.trialId, 0); untilOf.set(e.trialId, e.untilEpoch); bracketOf.set(e.trialId, e.bracket);
        assert.ok(++running <= setup.workers, 'never more trials running than workers');
        if (sync) enter(rungKey(e.trialId, e.untilEpoch), e.trialId);
        break;
      case 'trialResumed':
        assert.equal(state.get(e.trialId), 'paused', `trial ${e.trialId} resumes only from paused`);
        assert.equal(e.fromEpoch, epochOf.get(e.trialId), 'resumes from its checkpoint');
        state.set(e.trialId, 'running'); untilOf.set(e.trialId, e.untilEpoch);
        assert.ok(++running <= setup.workers);
        if (sync) {
          const key = rungKey(e.trialId, e.untilEpoch);
          assert.ok(promotedInto.get(key)?.includes(e.trialId), `trial ${e.trialId} was promoted into ${key}`);
          enter(key, e.trialId);
        }
        break;
      case 'result':
        assert.equal(state.get(e.trialId), 'running', 'results only while running');
        assert.equal(e.epoch, epochOf.get(e.trialId)! + 1, 'epochs are consecutive');
        assert.ok(e.epoch <= untilOf.get(e.trialId)!, 'never trains past its level');
        epochOf.set(e.trialId, e.epoch);
        if (e.error === null) failed.add(e.trialId);
        resultTimes.push(e.time);
        break;
      case 'trialPaused':
        assert.equal(state.get(e.trialId), 'running');
        assert.equal(e.epoch, untilOf.get(e.trialId), 'pauses exactly at its level');
        state.set(e.trialId, 'paused'); running--;
        break;
      case 'trialStopped': {
        const was = state.get(e.trialId);
        if (e.reason === 'notPromoted') assert.equal(was, 'paused');
        else assert.equal(was, 'running', `${e.reason} stop of a running trial`);
        if (e.reason === 'completed') assert.equal(e.epoch, setup.rMax);
        if (e.reason === 'failed') assert.ok(failed.has(e.trialId));
        if (was === 'running') running--;
        state.set(e.trialId, 'stopped');
        break;
      }
      case 'rungCompleted': {
        const key = `${e.bracket}/${e.rung}`;
        const rungs = rungsOf.get(e.bracket)!;
        assert.equal(e.level, rungs[e.rung].level);
        assert.equal(e.ranking.length, rungs[e.rung].slots, `rung ${key} holds exactly its slots`);
        const failedPromoted = (promotedInto.get(key) ?? []).filter((id) => failed.has(id));
        assert.deepEqual(new Set(e.ranking.map((r) => r.trialId)), new Set([...(entered.get(key) ?? []), ...failedPromoted]), `no lost slot in ${key}`);
        for (const r of e.ranking) assert.ok(r.trialId >= 0 && !(state.get(r.trialId) === 'running'), 'a ranked trial is not running');
        const errors = e.ranking.map((r) => r.error ?? Infinity);
        assert.deepEqual(errors, [...errors].sort((a, b) => a - b), 'ranked best first, failed last');
        const next = rungs[e.rung + 1];
        assert.deepEqual(e.promoted, next ? e.ranking.slice(0, next.slots).map((r) => r.trialId) : []);
        if (next) promotedInto.set(`${e.bracket}/${e.rung + 1}`, [...e.promoted]);
        break;
      }
      default: break;
    }
  }
  for (const [key, ids] of entered) {
    const [bracket, rung] = key.split('/').map(Number);
    assert.ok(ids.size <= rungsOf.get(bracket)![rung].slots, `rung ${key} never takes more trials than slots`);
  }
  assert.ok([...state.values()].every((s) => s !== 'running'), 'nothing runs after the study');
  assert.equal(resultTimes.length, summary.resultsReported);
  assert.equal(seen.results, summary.resultsReported, 'the searcher sees every result');
  assert.equal(starts, summary.trialsStarted);
  assert.equal(seen.pending, summary.trialsStarted);
  if (summary.stopReason === 'budget') {
    assert.ok(resultTimes[resultTimes.length - 1] > setup.budget!, 'stopped by a result after the budget');
    if (setup.clock !== 'synetune') assert.ok(resultTimes.slice(0, -1).every((t) => t <= setup.budget!), 'budget respected');
  }
  if (setup.maxTrials !== undefined) assert.ok(summary.trialsStarted <= setup.maxTrials);
}

test('invariants hold over many seeds, worker counts, shapes, failures and stop criteria', async () => {
  const failing = makeFakeBenchmark({ numArchs: 400, epochSeconds: 7, errorOf: (i, s, e) => (i % 23 === 5 && e >= 2 ? NaN : fakeError(i, s, e)) });
  const kinds: SchedulerKind[] = ['sync-hyperband', 'sync-sh'];
  for (let seed = 0; seed < 36; seed++) {
    const setup: Setup = {
      kind: kinds[seed % 2], rMax: [9, 27, 200][seed % 3], workers: [1, 2, 4, 7][seed % 4], seed,
      budget: 300 + ((seed * 977) % 12_000), maxTrials: seed % 5 === 0 ? 40 + seed : undefined,
      benchmark: seed % 3 === 1 ? failing : undefined, clock: seed % 6 === 5 ? 'synetune' : 'event',
    };
    const { events, summary, seen } = await simulate(setup);
    checkInvariants(events, summary, setup, seen);
  }
});

test('the same seed gives an identical event sequence; another seed does not', async () => {
  const setup: Setup = { kind: 'sync-hyperband', rMax: 200, workers: 4, seed: 11, budget: 20_000 };
  const a = await simulate(setup), b = await simulate(setup), c = await simulate({ ...setup, seed: 12 });
  assert.equal(JSON.stringify(a.events), JSON.stringify(b.events));
  assert.deepEqual(a.summary, b.summary);
  assert.notEqual(JSON.stringify(a.events), JSON.stringify(c.events));
});

test('stopping after max trials still promotes and finishes what it started', async () => {
  const setup: Setup = { kind: 'sync-hyperband', rMax: 27, workers: 4, seed: 3, maxTrials: 30 };
  const { events, summary, seen } = await simulate(setup);
  checkInvariants(events, summary, setup, seen);
  assert.equal(summary.trialsStarted, 30);
  assert.equal(summary.stopReason, 'maxTrials');
  const lastStart = events.map((e) => e.type).lastIndexOf('trialStarted');
  assert.ok(events.slice(lastStart).some((e) => e.type === 'trialResumed'), 'promotions continue after the last start');
});

test('failed evaluations stop the trial, tell the searcher and rank last', async () => {
  const benchmark = makeFakeBenchmark({ numArchs: 50, epochSeconds: 5, errorOf: (i, s, e) => (i % 2 === 0 ? NaN : fakeError(i, s, e)) });
  const setup: Setup = { kind: 'sync-hyperband', rMax: 9, workers: 3, seed: 5, budget: 400, benchmark, numArchs: 50 };
  const { events, summary, seen } = await simulate(setup);
  checkInvariants(events, summary, setup, seen);
  const failedStops = events.filter((e) => e.type === 'trialStopped' && e.reason === 'failed').map((e) => (e as { trialId: number }).trialId);
  assert.ok(failedStops.length > 0);
  assert.deepEqual(seen.failures, failedStops);
  assert.ok(events.some((e) => e.type === 'result' && e.error === null));
});

test('incumbent and progress events follow the results', async () => {
  const setup: Setup = { kind: 'sync-hyperband', rMax: 27, workers: 4, seed: 8, budget: 6000 };
  const { events, summary } = await simulate(setup);
  let best = Infinity, bestAtMax = Infinity, bestAtMaxTrial = -1;
  const trialArch = new Map<number, string>();
  for (const e of events) {
    if (e.type === 'trialStarted') {
      trialArch.set(e.trialId, e.arch);
      assert.equal(e.arch, toArchString(e.ops));
    }
    if (e.type !== 'result' || e.error === null) continue;
    if (e.epoch === 27 && e.error < bestAtMax) { bestAtMax = e.error; bestAtMaxTrial = e.trialId; }
    best = Math.min(best, e.error);
  }
  const changes = events.filter((e) => e.type === 'incumbentChanged').map((e) => (e as { error: number }).error);
  assert.ok(changes.length > 1);
  assert.deepEqual(changes, [...new Set(changes)].sort((a, b) => b - a), 'strictly improving');
  assert.equal(changes[changes.length - 1], best);
  assert.equal(summary.bestError, best);
  assert.equal(summary.bestErrorAtMax, bestAtMax);
  assert.equal(summary.incumbentArch, trialArch.get(bestAtMaxTrial));
  const progress = events.filter((e) => e.type === 'progress').map((e) => (e as { fraction: number }).fraction);
  assert.ok(progress.length >= 50 && progress.length <= 102, `${progress.length} progress events`);
  assert.deepEqual(progress, [...progress].sort((a, b) => a - b));
  assert.equal(progress[progress.length - 1], 1);
});

test('ASHA promotes only paused trials in the top 1/eta of their rung', async () => {
  const setup: Setup = { kind: 'asha', rMax: 200, workers: 4, seed: 2, budget: 15_000 };
  const { events, summary, seen } = await simulate(setup);
  checkInvariants(events, summary, setup, seen);
  const atRung = new Map<number, Map<number, number>>(); // level -> trial -> error
  const lastError = new Map<number, number>();
  let resumes = 0;
  for (const e of events) {
    if (e.type === 'result' && e.error !== null) lastError.set(e.trialId, e.error);
    if (e.type === 'trialPaused') {
      if (!atRung.has(e.epoch)) atRung.set(e.epoch, new Map());
      atRung.get(e.epoch)!.set(e.trialId, lastError.get(e.trialId)!);
    }
    if (e.type === 'trialResumed') {
      resumes++;
      const rung = atRung.get(e.fromEpoch)!;
      const cutoff = linearQuantile([...rung.values()].sort((a, b) => a - b), 1 / 3);
      assert.ok(rung.get(e.trialId)! <= cutoff, `trial ${e.trialId} is in the top third at ${e.fromEpoch}`);
    }
  }
  assert.ok(resumes > 20, `${resumes} promotions`);
  assert.ok(events.some((e) => e.type === 'trialStopped' && e.reason === 'completed'), 'some trial reaches r_max');
});

test('FIFO trains every trial to r_max without pausing', async () => {
  const setup: Setup = { kind: 'fifo', rMax: 200, workers: 3, seed: 4, budget: 30_000 };
  const { events, summary, seen } = await simulate(setup);
  checkInvariants(events, summary, setup, seen);
  assert.ok(!events.some((e) => e.type === 'trialPaused' || e.type === 'trialResumed'));
  const stops = events.filter((e) => e.type === 'trialStopped');
  assert.ok(stops.filter((e) => e.reason === 'completed').length >= 3);
  assert.ok(stops.every((e) => e.reason === 'budget' || (e.reason === 'completed' && e.epoch === 200)));
});

const tablePath = defaultTablePath();
test('invariants hold on the real table (variable epoch times)', { skip: existsSync(tablePath) ? false : `no table at ${tablePath}` }, async () => {
  const benchmark = loadTable(tablePath);
  for (const [seed, kind] of [[1, 'sync-hyperband'], [2, 'asha'], [3, 'sync-sh']] as const) {
    const setup: Setup = { kind, rMax: 200, workers: 4, seed, budget: 18_000, benchmark, numArchs: 15_625 };
    const { events, summary, seen } = await simulate(setup);
    checkInvariants(events, summary, setup, seen);
  }
});
