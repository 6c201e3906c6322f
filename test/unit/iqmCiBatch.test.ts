import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SeededRandom } from '../../src/core/random/seededRandom';
import { bootstrapIqmCi } from '../../src/core/study/compareStats';
import { IqmCiBatch, intervalsOf } from '../../src/core/study/iqmCiBatch';

const draw = new SeededRandom('batch');
const sets = Array.from({ length: 12 }, (_, t) => Array.from({ length: 5 + t }, () => Math.round(draw.next() * 40) / 1000));

test('a batch lists each interval once and, answered in any split, looks up exactly what bootstrapIqmCi gives', () => {
  const batch = new IqmCiBatch();
  for (const [t, values] of sets.entries()) {
    assert.deepEqual(batch.record(values, { seed: `e@${t}` }), [NaN, NaN], 'the first pass gets no interval');
    batch.record([...values], { seed: `e@${t}` });
  }
  batch.record(sets[0], { seed: 'e@0', resamples: 500 });
  batch.record(sets[0]);
  assert.equal(batch.requests.length, sets.length + 2, 'the same values under the same options are one request; other options are another');
  const whole = intervalsOf(batch.requests, 0, batch.requests.length);
  // Split unevenly, as threads taking chunks would: the same numbers.
  const split = new Float64Array(whole.length);
  for (const [from, to] of [[0, 3], [3, 4], [4, 11], [11, batch.requests.length]]) split.set(intervalsOf(batch.requests, from, to), 2 * from);
  assert.deepEqual(split, whole);
  batch.answer(split);
  for (const [t, values] of sets.entries()) {
    assert.deepEqual(batch.lookup(values, { seed: `e@${t}` }), bootstrapIqmCi(values, { seed: `e@${t}` }), `set ${t}`);
  }
  assert.deepEqual(batch.lookup(sets[0], { seed: 'e@0', resamples: 500 }), bootstrapIqmCi(sets[0], { seed: 'e@0', resamples: 500 }));
  assert.deepEqual(batch.lookup(sets[0]), bootstrapIqmCi(sets[0]));
});

test('a batch computes an interval it was not asked for in the first pass, and refuses answers of the wrong length', () => {
  const batch = new IqmCiBatch();
  batch.record(sets[1], { seed: 1 });
  assert.throws(() => batch.answer(new Float64Array(4)), /2 intervals for 1 requests/);
  batch.answer(intervalsOf(batch.requests, 0, 1));
  assert.deepEqual(batch.lookup(sets[2], { seed: 2 }), bootstrapIqmCi(sets[2], { seed: 2 }));
  assert.notDeepEqual(batch.lookup(sets[1], { seed: 2 }), batch.lookup(sets[1], { seed: 1 }), 'another seed is another interval');
});
