import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ashaRungLevels, assertBracketShape, geometricBrackets, levelsOfBrackets, roundHalfToEven } from '../../src/core/schedulers/rungSystem';

const show = (brackets: { level: number; slots: number }[][]) =>
  brackets.map((rungs, b) => `b${b} ` + rungs.map((r) => `${r.slots}@${r.level}`).join(' '));

test('geometric brackets for (r_min=1, eta=3, r_max=200) are exactly the design table', () => {
  assert.deepEqual(show(geometricBrackets(1, 3, 200)), [
    'b0 243@1 81@3 27@9 9@27 3@81 1@200',
    'b1 98@3 33@9 11@27 4@81 2@200',
    'b2 41@9 14@27 5@81 2@200',
    'b3 18@27 6@81 2@200',
    'b4 9@81 3@200',
    'b5 6@200',
  ]);
});

test('geometric brackets follow the rule for other settings (exact powers do not add a bracket)', () => {
  // 81 = 3^4: s_max = 4, not 5 (a log-based s_max misrounds here).
  assert.deepEqual(show(geometricBrackets(1, 3, 81)), [
    'b0 81@1 27@3 9@9 3@27 1@81', 'b1 34@3 12@9 4@27 2@81', 'b2 15@9 5@27 2@81', 'b3 8@27 3@81', 'b4 5@81',
  ]);
  assert.deepEqual(show(geometricBrackets(9, 3, 81)), ['b0 9@9 3@27 1@81', 'b1 5@27 2@81', 'b2 3@81']);
  assert.deepEqual(show(geometricBrackets(1, 2, 8)), ['b0 8@1 4@2 2@4 1@8', 'b1 6@2 3@4 2@8', 'b2 4@4 2@8', 'b3 4@8']);
  for (const [rMin, eta, rMax] of [[1, 3, 200], [2, 2, 100], [1, 4, 64], [3, 2.5, 150], [1, 3, 2]]) {
    const brackets = geometricBrackets(rMin, eta, rMax);
    for (const rungs of brackets) {
      assertBracketShape(rungs);
      assert.equal(rungs[rungs.length - 1].level, rMax);
    }
    assert.equal(brackets[0][0].level, rMin);
  }
});

test('bad rung parameters and shapes are rejected', () => {
  assert.throws(() => geometricBrackets(0, 3, 200), /r_min/);
  assert.throws(() => geometricBrackets(1, 1.5, 200), /eta/);
  assert.throws(() => geometricBrackets(200, 3, 200), /below r_max/);
  assert.throws(() => assertBracketShape([{ level: 3, slots: 9 }, { level: 1, slots: 3 }]), /levels must increase/);
  assert.throws(() => assertBracketShape([{ level: 1, slots: 3 }, { level: 3, slots: 3 }]), /sizes must decrease/);
  assert.throws(() => assertBracketShape([]), /at least one rung/);
});

test('ASHA rung levels are r_min * eta^k below r_max, then r_max', () => {
  assert.deepEqual(ashaRungLevels(1, 3, 200), [1, 3, 9, 27, 81, 200]);
  assert.deepEqual(ashaRungLevels(1, 3, 81), [1, 3, 9, 27, 81]);
  assert.deepEqual(ashaRungLevels(10, 2, 100), [10, 20, 40, 80, 100]);
  assert.deepEqual(levelsOfBrackets(geometricBrackets(1, 3, 200)), [1, 3, 9, 27, 81, 200]);
});

test('levels round half to even, as Python does', () => {
  assert.equal(roundHalfToEven(2.5), 2);
  assert.equal(roundHalfToEven(3.5), 4);
  assert.equal(roundHalfToEven(6.25), 6);
  assert.equal(roundHalfToEven(15.625), 16);
});
