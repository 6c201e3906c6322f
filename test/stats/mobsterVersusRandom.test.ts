import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import type { Benchmark } from '../../src/core/benchmark/benchmark';
import { loadTable } from '../../src/core/benchmark/tableLoader';
import { defaultTablePath } from '../../src/core/benchmark/tablePaths';
import { SeededRandom } from '../../src/core/random/seededRandom';
import { createScheduler } from '../../src/core/schedulers/schedulerFactory';
import { MobsterSearcher } from '../../src/core/searchers/mobsterSearcher';
import { RandomSearcher } from '../../src/core/searchers/randomSearcher';
import type { Searcher } from '../../src/core/searchers/searcher';
import { simulateStudy, type SimulationSummary } from '../../src/core/sim/simulateStudy';
import { bootstrapIqmCi, iqm } from '../../src/core/study/compareStats';

/**
 * SyncMOBSTER against random search, both under synchronous Hyperband, on the bundled table: 5 h,
 * 4 workers, seeds 0..29, configured the way studyRunner configures a study.
 */
const tablePath = defaultTablePath();
const skip = existsSync(tablePath) ? false : `no table at ${tablePath}`;
const SEEDS = Array.from({ length: 30 }, (_, i) => i);

async function study(benchmark: Benchmark, searcher: Searcher, seed: number): Promise<SimulationSummary> {
  const master = new SeededRandom(seed);
  const scheduler = createScheduler('sync-hyperband', { rMin: 1, eta: 3, rMax: 200 });
  searcher.configure({
    rng: master.derive('searcher'), initialDesignRng: master.derive('initialDesign'), rungLevels: scheduler.rungLevels, maxEpoch: 200,
    isoClassOf: (cell) => benchmark.isoClass(benchmark.indexOf(cell)),
  });
  return simulateStudy({
    benchmark, scheduler, searcher, workers: 4, stop: { maxSimulatedSeconds: 18_000 }, clock: 'event',
    decisionTime: { mode: 'ignore' }, rng: master.derive('simulator'), emit: () => {},
  });
}

const describe = (values: number[]) => {
  const [low, high] = bootstrapIqmCi(values);
  return `IQM ${iqm(values).toFixed(5)} [95% CI ${low.toFixed(5)}, ${high.toFixed(5)}]`;
};

test('SyncMOBSTER beats random search over 30 seeds (IQM of bestErrorAtMax), and is deterministic per seed', { skip }, async () => {
  const benchmark = loadTable(tablePath);
  const random: number[] = [];
  const mobster: number[] = [];
  for (const seed of SEEDS) {
    random.push((await study(benchmark, new RandomSearcher(), seed)).bestErrorAtMax!);
    mobster.push((await study(benchmark, new MobsterSearcher(), seed)).bestErrorAtMax!);
  }
  console.log(`bestErrorAtMax over seeds ${SEEDS[0]}-${SEEDS[SEEDS.length - 1]}: random  ${describe(random)}`);
  console.log(`bestErrorAtMax over seeds ${SEEDS[0]}-${SEEDS[SEEDS.length - 1]}: mobster ${describe(mobster)}`);
  assert.ok([...random, ...mobster].every((v) => Number.isFinite(v) && v >= benchmark.optimumError - 0.02));
  assert.ok(iqm(mobster) < iqm(random), `mobster ${iqm(mobster)} vs random ${iqm(random)}`);
  assert.ok(bootstrapIqmCi(mobster)[1] < iqm(random), 'even the upper end of its CI is below random search');

  const again = await study(benchmark, new MobsterSearcher(), 7);
  const first = await study(benchmark, new MobsterSearcher(), 7);
  assert.deepEqual(again, first, 'same seed, same study');
  assert.equal(first.bestErrorAtMax, mobster[7]);
});
