import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cellFromCode } from '../../src/core/nb201/searchSpace';
import { SeededRandom } from '../../src/core/random/seededRandom';
import type { SchedulerKind } from '../../src/core/schedulers/scheduler';
import { createScheduler } from '../../src/core/schedulers/schedulerFactory';
import type { Searcher, SuggestRequest, Suggestion } from '../../src/core/searchers/searcher';
import { simulateStudy, type SimulationOptions } from '../../src/core/sim/simulateStudy';
import type { StudyEventDraft } from '../../src/core/events/studyEvents';
import { makeFakeBenchmark } from '../support/fakeBenchmark';

type Draft = StudyEventDraft;
const NUM_ARCHS = 500;

/** Random cells over the fake table; `answer` can replace the suggestion (async, timed, fallback). */
function testSearcher(seed: number, answer?: (request: SuggestRequest, s: Suggestion) => Suggestion | Promise<Suggestion>) {
  const rng = new SeededRandom(seed);
  const log = { requests: [] as SuggestRequest[], pending: [] as number[], results: 0, failures: [] as number[] };
  const searcher: Searcher = {
    name: 'test-random',
    configure() {},
    suggest(request) {
      log.requests.push(request);
      const suggestion = { cell: cellFromCode(rng.int(NUM_ARCHS)) };
      return answer ? answer(request, suggestion) : suggestion;
    },
    onPending(trialId) { log.pending.push(trialId); },
    onResult() { log.results++; },
    onFailure(trialId) { log.failures.push(trialId); },
    state: () => null,
    restore() {},
  };
  return { searcher, log };
}

function run(kind: SchedulerKind, rMax: number, overrides: Partial<SimulationOptions> = {}, answer?: Parameters<typeof testSearcher>[1]) {
  const events: Draft[] = [];
  const { searcher, log } = testSearcher(1, answer);
  const promise = simulateStudy({
    benchmark: makeFakeBenchmark({ numArchs: NUM_ARCHS, epochSeconds: 10 }),
    scheduler: createScheduler(kind, { rMin: 1, eta: 3, rMax }),
    searcher, workers: 4, stop: { maxSimulatedSeconds: 10_000 }, clock: 'event', decisionTime: { mode: 'ignore' },
    rng: new SeededRandom(42), emit: (e) => events.push(e), ...overrides,
  });
  return { events, log, promise };
}

const ofType = <T extends Draft['type']>(events: Draft[], type: T) => events.filter((e): e is Extract<Draft, { type: T }> => e.type === type);

test('the first jobs start at t=0 on every worker and report each epoch after one epoch time', async () => {
  const { events, log, promise } = run('sync-hyperband', 9, { stop: { maxSimulatedSeconds: 15 } });
  await promise;
  const started = ofType(events, 'trialStarted');
  assert.deepEqual(started.slice(0, 4).map((e) => [e.trialId, e.time, e.bracket, e.untilEpoch]), [[0, 0, 0, 1], [1, 0, 0, 1], [2, 0, 0, 1], [3, 0, 0, 1]]);
  assert.equal(events[0].type, 'bracketOpened');
  assert.deepEqual(log.requests[0], { trialId: 0, bracket: 0, level: 1, slotsRemaining: 9, time: 0 });
  assert.deepEqual(log.requests.slice(0, 4).map((r) => r.slotsRemaining), [9, 8, 7, 6]);
  const results = ofType(events, 'result');
  assert.deepEqual(results.slice(0, 4).map((e) => [e.trialId, e.epoch, e.time, e.elapsed, e.runtime]), [0, 1, 2, 3].map((id) => [id, 1, 10, 10, 10]));
  assert.ok(results.every((e) => e.seed >= 0 && e.seed < 3));
});

test('a first rung whose slots are all pending opens the next bracket; promotions go best first', async () => {
  // b0 = 9@1 3@3 1@9, b1 = 5@3 2@9. Four workers: slot 9 of b0 goes out at t=20, the rest open b1.
  const { events, promise } = run('sync-hyperband', 9, { stop: { maxSimulatedSeconds: 200 } });
  await promise;
  const opened = ofType(events, 'bracketOpened');
  assert.deepEqual(opened.slice(0, 2).map((e) => [e.bracket, e.bracketType, e.time]), [[0, 0, 0], [1, 1, 20]]);
  assert.deepEqual(opened[1].rungs, [{ level: 3, slots: 5 }, { level: 9, slots: 2 }]);
  const firstRung = ofType(events, 'rungCompleted').find((e) => e.bracket === 0 && e.rung === 0)!;
  assert.equal(firstRung.time, 30);
  assert.equal(firstRung.ranking.length, 9);
  const errors = firstRung.ranking.map((r) => r.error!);
  assert.deepEqual(errors, [...errors].sort((a, b) => a - b));
  assert.deepEqual(firstRung.promoted, firstRung.ranking.slice(0, 3).map((r) => r.trialId));
  const resumed = ofType(events, 'trialResumed').filter((e) => e.bracket === 0 && e.fromEpoch === 1);
  assert.deepEqual(resumed.map((e) => e.trialId), firstRung.promoted);
  // Not promoted = stopped for good, right when the rung completes.
  const notPromoted = ofType(events, 'trialStopped').filter((e) => e.reason === 'notPromoted' && e.time === 30);
  assert.deepEqual(notPromoted.map((e) => e.trialId).sort(), firstRung.ranking.slice(3).map((r) => r.trialId).sort());
});

test('a resumed trial pays only the extra epochs, continuing from its checkpoint', async () => {
  const { events, promise } = run('sync-hyperband', 9, { stop: { maxSimulatedSeconds: 200 } });
  await promise;
  const resume = ofType(events, 'trialResumed')[0];
  const later = ofType(events, 'result').filter((e) => e.trialId === resume.trialId && e.epoch > resume.fromEpoch && e.epoch <= resume.untilEpoch);
  assert.deepEqual(later.map((e) => [e.epoch, e.time - resume.time, e.elapsed]), [[2, 10, 20], [3, 20, 30]]);
});

test('the study stops at the first result after the budget; running trials stop with reason budget', async () => {
  const { events, promise } = run('sync-hyperband', 9, { stop: { maxSimulatedSeconds: 95 } });
  const summary = await promise;
  const results = ofType(events, 'result');
  const last = results[results.length - 1];
  assert.ok(last.time > 95 && results.slice(0, -1).every((e) => e.time <= 95));
  assert.equal(last.time, 100);
  assert.equal(summary.stopReason, 'budget');
  assert.equal(summary.simulatedSeconds, 100);
  assert.equal(summary.resultsReported, results.length);
  const budgetStops = ofType(events, 'trialStopped').filter((e) => e.reason === 'budget');
  assert.equal(budgetStops.length, 4);
  assert.ok(budgetStops.some((e) => e.trialId === last.trialId));
  assert.equal(events[events.length - 1].type, 'progress');
});

test('synetune clock adds the start and result delays, the 5 s poll and the pause round trip', async () => {
  const times = async (clock: 'event' | 'synetune') => {
    const { events, promise } = run('fifo', 3, { clock, workers: 1, stop: { maxSimulatedSeconds: 40 } });
    await promise;
    return events.filter((e) => e.type === 'result' || e.type === 'trialStarted' || e.type === 'trialStopped').map((e) => `${e.type}@${e.time.toFixed(3)}`);
  };
  assert.deepEqual((await times('event')).slice(0, 6), [
    'trialStarted@0.000', 'result@10.000', 'result@20.000', 'result@30.000', 'trialStopped@30.000', 'trialStarted@30.000',
  ]);
  // Starts 0.05 after the command, reports 0.05 after each epoch, seen at the next 5 s poll; a stop
  // costs 2 x (0.05 + 0.001) before the worker is free again.
  assert.deepEqual((await times('synetune')).slice(0, 7), [
    'trialStarted@0.000', 'result@15.000', 'result@25.000', 'result@35.000', 'trialStopped@35.102', 'trialStarted@35.102', 'result@50.102',
  ]);
});

test('decision time: ignored, modelled per suggestion, overridden by Suggestion.decisionSeconds, measured', async () => {
  // The wall clock 'measured' reads: moved only by the slow searcher below.
  let wallMs = 0;
  const starts = async (decisionTime: SimulationOptions['decisionTime'], answer?: Parameters<typeof testSearcher>[1]) => {
    const { events, promise } = run('fifo', 2, { workers: 1, decisionTime, stop: { maxSimulatedSeconds: 50 }, wallClockMs: () => wallMs }, answer);
    await promise;
    return ofType(events, 'trialStarted').map((e) => e.time);
  };
  assert.deepEqual(await starts({ mode: 'ignore', secondsPerSuggestion: 5 }), [0, 20, 40]);
  assert.deepEqual(await starts({ mode: 'modelled', secondsPerSuggestion: 2 }), [2, 24, 46]);
  const cached = (_r: SuggestRequest, s: Suggestion) => ({ ...s, decisionSeconds: 7 });
  assert.deepEqual(await starts({ mode: 'modelled', secondsPerSuggestion: 2 }, cached), [7, 34]);
  assert.deepEqual(await starts({ mode: 'measured' }, cached), [7, 34]);
  // An asynchronous suggestion that takes 1.5 s of (fake) wall time.
  const slow = (_r: SuggestRequest, s: Suggestion) => new Promise<Suggestion>((resolve) => setImmediate(() => {
    wallMs += 1500;
    resolve(s);
  }));
  const measured = await starts({ mode: 'measured' }, slow);
  assert.deepEqual(measured, [1.5, 23, 44.5], 'each suggestion is charged its 1.5 s: every start is 1.5 s after the previous trial freed the worker');
  await assert.rejects(starts({ mode: 'modelled' }, (_r, s) => ({ ...s, decisionSeconds: -1 })), /decisionSeconds/);
});

test('fallback suggestions are flagged on the trial and as a fallback event', async () => {
  const { events, promise } = run('sync-hyperband', 9, { stop: { maxTrials: 3 } }, (r, s) => ({ ...s, fallback: r.trialId === 1, info: { note: r.trialId } }));
  await promise;
  const started = ofType(events, 'trialStarted');
  assert.deepEqual(started.map((e) => [e.fallback, e.info]), [[undefined, { note: 0 }], [true, { note: 1 }], [undefined, { note: 2 }]]);
  const fallbacks = ofType(events, 'fallback');
  assert.deepEqual(fallbacks.map((e) => e.trialId), [1]);
});

test('an AbortSignal cancels the study, also while an asynchronous suggestion is pending', async () => {
  const controller = new AbortController();
  const events: Draft[] = [];
  let results = 0;
  const { promise } = run('sync-hyperband', 200, {
    signal: controller.signal,
    emit: (e) => { events.push(e); if (e.type === 'result' && ++results === 50) controller.abort(); },
  });
  const summary = await promise;
  assert.equal(summary.stopReason, 'cancelled');
  assert.equal(summary.resultsReported, 50);
  const running = new Set<number>();
  for (const e of events) {
    if (e.type === 'trialStarted' || e.type === 'trialResumed') running.add(e.trialId);
    if (e.type === 'trialPaused' || (e.type === 'trialStopped' && e.reason !== 'budget')) running.delete(e.trialId);
  }
  const budgetStops = ofType(events, 'trialStopped').filter((e) => e.reason === 'budget').map((e) => e.trialId);
  assert.ok(budgetStops.length > 0);
  assert.deepEqual(budgetStops, [...running].sort((a, b) => a - b));

  const hanging = new AbortController();
  const pending = run('sync-hyperband', 200, { signal: hanging.signal }, () => new Promise<Suggestion>(() => {})).promise;
  setTimeout(() => hanging.abort('llmBudget'), 5);
  assert.equal((await pending).stopReason, 'llmBudget');
});

test('bad options are refused before anything runs', async () => {
  await assert.rejects(run('fifo', 3, { workers: 0 }).promise, /workers/);
  await assert.rejects(run('fifo', 3, { stop: {} }).promise, /maxSimulatedSeconds or stop.maxTrials/);
  await assert.rejects(run('fifo', 300).promise, /exceeds the table/);
  await assert.rejects(run('fifo', 3, {}, (_r, s) => ({ ...s, cell: [9, 9, 9, 9, 9, 9] })).promise, /no valid cell/);
});
