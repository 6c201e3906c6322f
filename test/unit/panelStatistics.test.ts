import { test } from 'node:test';
import assert from 'node:assert/strict';
import { incumbentSeries, timeGrid, type IncumbentRun } from '../../src/core/panel/incumbentSeries';
import { averageRanks, spearman } from '../../src/core/panel/rankCorrelation';
import { thinIndices } from '../../src/core/readModel/curveDecimation';
import { iqm } from '../../src/core/study/compareStats';

test('spearman uses average ranks for ties (as scipy.stats.spearmanr)', () => {
  assert.deepEqual([...averageRanks([10, 20, 20, 5])], [2, 3.5, 3.5, 1]);
  assert.equal(spearman([1, 2, 3, 4], [10, 20, 30, 40]), 1);
  assert.equal(spearman([1, 2, 3, 4], [4, 3, 2, 1]), -1);
  // scipy.stats.spearmanr([1, 2, 3, 4, 5], [5, 6, 7, 8, 7]).statistic
  assert.ok(Math.abs((spearman([1, 2, 3, 4, 5], [5, 6, 7, 8, 7]) ?? 0) - 0.8207826816681233) < 1e-12);
  assert.equal(spearman([1, 2], [1, 2]), null, 'fewer than 3 pairs');
  assert.equal(spearman([1, 1, 1], [1, 2, 3]), null, 'no spread');
});

test('thinning keeps the first and last index and at most max points', () => {
  assert.deepEqual(thinIndices(4, 10), [0, 1, 2, 3]);
  const kept = thinIndices(10_001, 100);
  assert.equal(kept.length, 100);
  assert.equal(kept[0], 0);
  assert.equal(kept[99], 10_000);
  assert.ok(kept.every((v, i) => i === 0 || v > kept[i - 1]));
});

test('one seed: the incumbent steps, held to the end of the study', () => {
  const [line] = incumbentSeries([{ label: 'random', seed: 0, time: [10, 50], error: [0.3, 0.2], endTime: 90 }]);
  assert.deepEqual(line, { label: 'random', seeds: 1, time: [10, 50, 90], value: [0.3, 0.2, 0.2], low: null, high: null });
});

test('several seeds: IQM on a shared grid from the time every seed has an incumbent, inside a bootstrap band', () => {
  const runs: IncumbentRun[] = [
    { label: 'llambo', seed: 0, time: [5, 100], error: [0.4, 0.1], endTime: 1000 },
    { label: 'llambo', seed: 1, time: [20, 300], error: [0.5, 0.2], endTime: 1000 },
    { label: 'llambo', seed: 2, time: [8, 600], error: [0.45, 0.15], endTime: 1000 },
    { label: 'llambo', seed: 3, time: [9], error: [0.3], endTime: 1000 },
    { label: 'random', seed: 0, time: [1], error: [0.6], endTime: 500 },
  ];
  const [llambo, random] = incumbentSeries(runs);
  assert.equal(llambo.seeds, 4);
  assert.equal(random.seeds, 1);
  assert.equal(llambo.time[0], 20);
  assert.equal(llambo.time[llambo.time.length - 1], 1000);
  const at = (t: number) => llambo.time.indexOf(t);
  assert.ok(at(1000) >= 0);
  // At t=1000 the four seeds are at 0.1, 0.2, 0.15, 0.3: IQM drops one value at each end.
  assert.equal(llambo.value[at(1000)], iqm([0.1, 0.2, 0.15, 0.3]));
  llambo.value.forEach((v, i) => {
    assert.ok((llambo.low?.[i] ?? NaN) <= v + 1e-12 && v <= (llambo.high?.[i] ?? NaN) + 1e-12, `band at ${llambo.time[i]}`);
  });
  assert.deepEqual(incumbentSeries(runs), [llambo, random], 'seeded: the same band every time');
});

test('the time grid mixes log and linear spacing', () => {
  const grid = timeGrid(1, 10_000, 5);
  assert.ok(grid.includes(10) && grid.includes(100) && grid.includes(5000.5), grid.join(','));
  assert.equal(grid[0], 1);
  assert.equal(grid[grid.length - 1], 10_000);
});
