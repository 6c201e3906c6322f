import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import type { Benchmark } from '../../src/core/benchmark/benchmark';
import { loadTable } from '../../src/core/benchmark/tableLoader';
import { defaultTablePath } from '../../src/core/benchmark/tablePaths';
import { SeededRandom } from '../../src/core/random/seededRandom';
import { createScheduler } from '../../src/core/schedulers/schedulerFactory';
import type { Searcher } from '../../src/core/searchers/searcher';
import { simulateStudy, type SimulationSummary } from '../../src/core/sim/simulateStudy';

/**
 * The peer figure: Syne Tune's SynchronousGeometricHyperbandScheduler + random search on nasbench201
 * (cifar10), 5 h simulated, 4 workers, starts about 395-400 trials and reports about 3,500 results.
 */
const tablePath = defaultTablePath();
const skip = existsSync(tablePath) ? false : `no table at ${tablePath}`;

function randomSearcher(benchmark: Benchmark, seed: number): Searcher {
  const rng = new SeededRandom(seed);
  return {
    name: 'random', configure() {}, onPending() {}, onResult() {}, onFailure() {}, state: () => null, restore() {},
    suggest: () => ({ cell: benchmark.cellAt(rng.int(15_625)) }),
  };
}

async function fiveHourStudy(benchmark: Benchmark, seed: number, clock: 'event' | 'synetune') {
  const rng = new SeededRandom(seed);
  let events = 0;
  const summary: SimulationSummary = await simulateStudy({
    benchmark, scheduler: createScheduler('sync-hyperband', { rMin: 1, eta: 3, rMax: 200 }),
    searcher: randomSearcher(benchmark, seed + 1000), workers: 4, stop: { maxSimulatedSeconds: 18_000 },
    clock, decisionTime: { mode: 'ignore' }, rng, emit: () => { events++; },
  });
  return { summary, events };
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

// The time one such study takes is measured by `npm run bench` (target <= 40 ms), not asserted here.
test('5 h / 4 workers / SyncHB + random on the real table over 12 seeds: peer trial and result counts', { skip }, async () => {
  const benchmark = loadTable(tablePath);
  const runs = [];
  for (let seed = 0; seed < 12; seed++) runs.push(await fiveHourStudy(benchmark, seed, 'event'));
  const trials = mean(runs.map((r) => r.summary.trialsStarted));
  const results = mean(runs.map((r) => r.summary.resultsReported));
  console.log(`event clock, seeds 0-11: mean ${trials.toFixed(1)} trials, ${results.toFixed(0)} results, ${mean(runs.map((r) => r.events)).toFixed(0)} events per study; ` +
    `median trials ${median(runs.map((r) => r.summary.trialsStarted))}, median results ${median(runs.map((r) => r.summary.resultsReported))}`);
  assert.ok(trials >= 385 && trials <= 410, `mean trials started ${trials}`);
  assert.ok(results >= 3300 && results <= 3800, `mean results ${results}`);
  assert.ok(runs.every((r) => r.summary.stopReason === 'budget' && r.summary.simulatedSeconds >= 18_000));
  assert.ok(runs.every((r) => r.summary.bestError! >= benchmark.optimumError - 0.02 && r.summary.bestError! < 0.1));
});

test('the Syne Tune clock lands in the same region with slightly fewer results over 8 seeds', { skip }, async () => {
  const benchmark = loadTable(tablePath);
  const runs = [];
  for (let seed = 0; seed < 8; seed++) runs.push(await fiveHourStudy(benchmark, seed, 'synetune'));
  const trials = mean(runs.map((r) => r.summary.trialsStarted));
  const results = mean(runs.map((r) => r.summary.resultsReported));
  console.log(`synetune clock, seeds 0-7: mean ${trials.toFixed(1)} trials, ${results.toFixed(0)} results per study`);
  assert.ok(trials >= 380 && trials <= 410, `mean trials started ${trials}`);
  assert.ok(results >= 3200 && results <= 3750, `mean results ${results}`);
  const event = [];
  for (let seed = 0; seed < 8; seed++) event.push(await fiveHourStudy(benchmark, seed, 'event'));
  const eventResults = mean(event.map((r) => r.summary.resultsReported));
  console.log(`event clock, seeds 0-7: mean ${eventResults.toFixed(0)} results per study`);
  assert.ok(results < eventResults, 'polling and delays cost results');
});
