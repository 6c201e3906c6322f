import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SeededRandom } from '../../src/core/random/seededRandom';
import { bootstrapIqmCi, iqm, median, quantileSorted, summarizeDistribution } from '../../src/core/study/compareStats';

test('IQM drops floor(n/4) values at each end and averages the rest (hand-computed)', () => {
  assert.equal(iqm([1, 2, 3, 4, 5, 6, 7, 8]), 4.5); // (3+4+5+6)/4
  assert.equal(iqm([10, 1, 100, 2, 3, 4, 5, -50, 6, 7]), 4.5); // sorted -50 1 | 2 3 4 5 6 7 | 10 100 -> 27/6
  assert.equal(iqm([9, 1, 5, 3, 7]), 5); // drop 1 and 9 -> (3+5+7)/3
  assert.equal(iqm([0.2, 0.1, 0.6]), 0.3); // n < 4: nothing dropped
  assert.equal(iqm([1, 1, 1, 1000]), (1 + 1) / 2);
  assert.ok(Number.isNaN(iqm([])));
});

test('quantiles interpolate linearly (numpy default)', () => {
  const sorted = [1, 2, 3, 4];
  assert.equal(quantileSorted(sorted, 0.25), 1.75);
  assert.equal(quantileSorted(sorted, 0.5), 2.5);
  assert.equal(quantileSorted(sorted, 0.75), 3.25);
  assert.equal(quantileSorted(sorted, 1), 4);
  assert.equal(median([5, 1, 3]), 3);
});

test('bootstrap CI: seeded, degenerate for constant data, brackets the IQM', () => {
  const rng = new SeededRandom(3);
  const values = Array.from({ length: 40 }, () => rng.next());
  const a = bootstrapIqmCi(values, { seed: 11 });
  assert.deepEqual(bootstrapIqmCi(values, { seed: 11 }), a, 'same seed, same interval');
  assert.notDeepEqual(bootstrapIqmCi(values, { seed: 12 }), a);
  assert.ok(a[0] < iqm(values) && iqm(values) < a[1], `${a} should contain ${iqm(values)}`);
  assert.deepEqual(bootstrapIqmCi([0.07, 0.07, 0.07, 0.07]), [0.07, 0.07]);
  const wide = bootstrapIqmCi(values.slice(0, 10));
  assert.ok(wide[1] - wide[0] > a[1] - a[0], 'fewer seeds, wider interval');
});

test('the 95% bootstrap interval covers the true IQM about 95% of the time', () => {
  // Uniform(0,1): the population IQM is 0.5. 300 data sets of 40 values each.
  const rng = new SeededRandom('coverage');
  let covered = 0;
  const trials = 300;
  for (let t = 0; t < trials; t++) {
    const values = Array.from({ length: 40 }, () => rng.next());
    const [lo, hi] = bootstrapIqmCi(values, { seed: t, resamples: 500 });
    if (lo <= 0.5 && 0.5 <= hi) covered++;
  }
  const rate = covered / trials;
  assert.ok(rate > 0.88 && rate <= 0.99, `coverage ${rate}`);
});

test('distribution summaries leave out and count missing values', () => {
  const s = summarizeDistribution([0.1, null, 0.3, 0.2, 0.4, null]);
  assert.equal(s.n, 4);
  assert.equal(s.missing, 2);
  assert.equal(s.iqm, 0.25); // (0.2 + 0.3) / 2
  assert.equal(s.median, 0.25);
  assert.ok(Math.abs(s.q1! - 0.175) < 1e-12 && Math.abs(s.q3! - 0.325) < 1e-12);
  assert.ok(Math.abs(s.mean! - 0.25) < 1e-12);
  assert.ok(s.ciLow! <= s.iqm! && s.iqm! <= s.ciHigh!);
  const none = summarizeDistribution([null, null]);
  assert.equal(none.n, 0);
  assert.equal(none.iqm, null);
});

test('the bootstrap CI equals, to the bit, sorting every resample and averaging its middle (ties included)', () => {
  // The plain definition, kept here as the reference the counting implementation must match.
  const reference = (values: readonly number[], seed: string): [number, number] => {
    const n = values.length;
    const rng = new SeededRandom(seed).derive('bootstrap');
    const sample = new Float64Array(n);
    const stats = new Float64Array(2000);
    for (let r = 0; r < stats.length; r++) {
      for (let i = 0; i < n; i++) sample[i] = values[rng.int(n)];
      sample.sort();
      stats[r] = iqm(sample);
    }
    stats.sort();
    const alpha = 1 - 0.95;
    return [quantileSorted(stats, alpha / 2), quantileSorted(stats, 1 - alpha / 2)];
  };
  const draw = new SeededRandom(7);
  for (let t = 0; t < 60; t++) {
    const n = 1 + (t % 23);
    // Every third input has many ties (errors rounded to whole percent points).
    const values = Array.from({ length: n }, () => (t % 3 === 0 ? Math.round(draw.next() * 5) / 100 : draw.next()));
    assert.deepEqual(bootstrapIqmCi(values, { seed: `s${t}` }), reference(values, `s${t}`), `input ${t} (n = ${n})`);
  }
});

test('fillInts draws what as many int(n) calls would, and leaves the generator where they would', () => {
  for (const n of [1, 7, 100, 15625]) {
    const bulk = new SeededRandom(`ints-${n}`);
    const single = new SeededRandom(`ints-${n}`);
    const out = bulk.fillInts(n, new Int32Array(257));
    assert.deepEqual([...out], Array.from({ length: 257 }, () => single.int(n)), `n = ${n}`);
    assert.equal(bulk.nextUint32(), single.nextUint32(), 'the same next draw');
  }
});
