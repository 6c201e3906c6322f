import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rankSumTest } from '../support/llamboStudyHarness';

test('the rank-sum test gives exact one-sided p-values, ties included', () => {
  assert.equal(rankSumTest([1, 2, 3], [4, 5, 6]).p, 1 / 20);
  assert.equal(rankSumTest([4, 5, 6], [1, 2, 3]).p, 1);
  assert.equal(rankSumTest([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], [11, 12, 13, 14, 15, 16, 17, 18, 19, 20]).p, 1 / 184756);
  // [1, 3] vs [2, 4]: of the 6 ways to pick two ranks, sums <= 4 are {1,2} {1,3}: p = 2/6.
  assert.equal(rankSumTest([1, 3], [2, 4]).p, 2 / 6);
  // Ties: all equal, every subset has the same rank sum.
  assert.equal(rankSumTest([5, 5], [5, 5]).p, 1);
  // "Never" (Infinity) ties at the top: [1, Inf] vs [Inf, Inf] has mid-ranks 1 and 3,3,3; sums <= 4 are 3 of 6 subsets.
  assert.deepEqual(rankSumTest([1, Infinity], [Infinity, Infinity]), { u: 3, p: 3 / 6 });
});
