import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cellFromCode } from '../../src/core/nb201/searchSpace';
import { SeededRandom } from '../../src/core/random/seededRandom';
import { createScheduler } from '../../src/core/schedulers/schedulerFactory';
import type { Searcher, Suggestion } from '../../src/core/searchers/searcher';
import { DecisionLedger } from '../../src/core/sim/decisionLedger';
import { simulateStudy, type SimulationOptions } from '../../src/core/sim/simulateStudy';
import { makeFakeBenchmark } from '../support/fakeBenchmark';

/** Cells 0, 1, 2, ... in order; `answer` may add decisionSeconds / spentSeconds. */
function countingSearcher(answer: (s: Suggestion) => Suggestion = (s) => s): Searcher {
  let next = 0;
  return {
    name: 'counting', configure() {}, suggest: () => answer({ cell: cellFromCode(next++) }),
    onPending() {}, onResult() {}, onFailure() {}, state: () => null, restore() {},
  };
}

/** FIFO to epoch 2 on a fake table with 10 s epochs (default): every trial trains 20 s. */
async function fifoStudy(overrides: Partial<SimulationOptions>, epochSeconds = 10) {
  const events: { type: string; time: number }[] = [];
  const summary = await simulateStudy({
    benchmark: makeFakeBenchmark({ numArchs: 100, epochSeconds }),
    scheduler: createScheduler('fifo', { rMin: 1, eta: 3, rMax: 2 }),
    searcher: countingSearcher(), workers: 2, stop: { maxSimulatedSeconds: 30 }, clock: 'event',
    decisionTime: { mode: 'modelled', secondsPerSuggestion: 3 },
    rng: new SeededRandom(1), emit: (e) => events.push(e), ...overrides,
  });
  return { summary, starts: events.filter((e) => e.type === 'trialStarted').map((e) => e.time) };
}

test('idle worker-seconds: 2 workers, 3 s per suggestion, 20 s trials, budget 30 s (hand-computed)', async () => {
  const { summary, starts } = await fifoStudy({});
  // Windows [0,3] [3,6] [23,26] [26,29]. Worker 1 waits 0-3, worker 2 0-6, the worker freed at 23 waits
  // 23-26, the one freed at 26 waits 26-29: 3 + 6 + 3 + 3 = 15 of 2 x 30 worker-seconds.
  assert.deepEqual(starts, [3, 6, 26, 29]);
  assert.deepEqual(summary.decision, { spentSeconds: 12, chargedSeconds: 12, idleWorkerSeconds: 15, idleShare: 0.25 });
});

test('idle worker-seconds: a result arriving while the tuner waits counts from its arrival (hand-computed)', async () => {
  // 10 s trials, 12 s per suggestion. Windows [0,12] [12,24] [24,36] [36,48]. Trial 0 (started 12) ends at 22,
  // while the tuner still waits for trial 1's config: its worker waits 22-36 (14 s); trial 1's ends at 34 and
  // waits 34-48 (14 s). 12 + 24 + 14 + 14 = 64 of 2 x 40.
  const { summary, starts } = await fifoStudy({ decisionTime: { mode: 'modelled', secondsPerSuggestion: 12 }, stop: { maxSimulatedSeconds: 40 } }, 5);
  assert.deepEqual(starts, [12, 24, 36, 48]);
  assert.deepEqual(summary.decision, { spentSeconds: 48, chargedSeconds: 48, idleWorkerSeconds: 64, idleShare: 0.8 });
});

test('idle worker-seconds: a worker left without a job is idle, but not waiting for a config', async () => {
  const { summary, starts } = await fifoStudy({ stop: { maxTrials: 3, maxSimulatedSeconds: 100 } });
  // As in the first scenario up to trial 2 (windows [0,3] [3,6] [23,26]): 3 + 6 + 3 = 12; the worker
  // freed at 26 never gets a job and no window follows, so it adds nothing.
  assert.deepEqual(starts, [3, 6, 26]);
  assert.equal(summary.stopReason, 'maxTrials');
  assert.deepEqual(summary.decision, { spentSeconds: 9, chargedSeconds: 9, idleWorkerSeconds: 12, idleShare: 0.06 });
});

test('work done ahead of time counts as spent, not charged; ignored decision time costs nothing', async () => {
  const ahead = countingSearcher((s) => ({ ...s, decisionSeconds: 1, spentSeconds: 5 }));
  const { summary } = await fifoStudy({ searcher: ahead });
  // Windows [0,1] [1,2] [20,21] [21,22]: 1 + 2 + 1 + 1 = 5 idle worker-seconds.
  assert.deepEqual(summary.decision, { spentSeconds: 20, chargedSeconds: 4, idleWorkerSeconds: 5, idleShare: 5 / 60 });
  const ignored = await fifoStudy({ searcher: ahead, decisionTime: { mode: 'ignore' } });
  assert.deepEqual(ignored.summary.decision, { spentSeconds: 0, chargedSeconds: 0, idleWorkerSeconds: 0, idleShare: 0 });
  await assert.rejects(fifoStudy({ searcher: countingSearcher((s) => ({ ...s, spentSeconds: -1 })) }), /spentSeconds must be a finite number >= 0/);
});

test('DecisionLedger: window measure at any point, and overlapping windows are refused', () => {
  const ledger = new DecisionLedger();
  ledger.charge(0, 4, 4);
  ledger.charge(10, 2, 2);
  ledger.workerFreed(2); // waits 2-4 and 10-12, then starts at 12
  ledger.workerStarted(12);
  ledger.workerFreed(11); // still free at the end (20): waits 11-12
  assert.deepEqual(ledger.totals(20, 1, 2, 20), { spentSeconds: 6, chargedSeconds: 6, idleWorkerSeconds: 5, idleShare: 0.125 });
  assert.throws(() => ledger.charge(11, 1, 1), /overlaps/);
});
