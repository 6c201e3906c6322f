import { test } from 'node:test';
import assert from 'node:assert/strict';
import { expectedImprovement, normalCdf, normalPdf, pickDiverseBatch } from '../../src/core/llambo/acquisition';
import { targetError } from '../../src/core/llambo/batchPlanner';
import { stageSeconds, type CallOutcome } from '../../src/core/llambo/llmCallRecorder';

test('normal pdf/cdf match tabulated values', () => {
  assert.ok(Math.abs(normalCdf(0) - 0.5) < 1e-7);
  assert.ok(Math.abs(normalCdf(1.959964) - 0.975) < 1e-6);
  assert.ok(Math.abs(normalCdf(-1) - 0.1586552539) < 1e-6);
  assert.ok(Math.abs(normalPdf(0.4) - 0.3682701403) < 1e-9);
});

test('expected improvement equals the hand-computed value and behaves at the edges', () => {
  // best 0.12, mean 0.10, std 0.05: z = 0.4; EI = 0.02 * Phi(0.4) + 0.05 * phi(0.4)
  //   = 0.02 * 0.6554217416 + 0.05 * 0.3682701403 = 0.0315219419
  assert.ok(Math.abs(expectedImprovement(0.1, 0.05, 0.12) - 0.0315219419) < 1e-7);
  // mean above best: z = -1, EI = -0.05 * Phi(-1) + 0.05 * phi(1) = 0.05 * (0.2419707245 - 0.1586552539)
  assert.ok(Math.abs(expectedImprovement(0.17, 0.05, 0.12) - 0.05 * (0.2419707245 - 0.1586552539)) < 1e-7);
  assert.ok(Math.abs(expectedImprovement(0.1, 0, 0.12) - 0.02) < 1e-12, 'no spread: the plain gain');
  assert.equal(expectedImprovement(0.2, 0, 0.12), 0);
  assert.ok(expectedImprovement(0.1, 0.05, 0.12) > expectedImprovement(0.11, 0.05, 0.12), 'lower mean, more EI');
  assert.ok(expectedImprovement(0.2, 0.1, 0.12) > expectedImprovement(0.2, 0.05, 0.12), 'more spread, more EI above the incumbent');
  assert.ok(expectedImprovement(5, 0.001, 0.1) >= 0);
});

test('batch picks penalise near-copies of cells already picked', () => {
  const a = [3, 3, 3, 1, 3, 2];
  const aNeighbour = [3, 3, 3, 1, 3, 3]; // Hamming 1 from a
  const far = [1, 2, 4, 0, 2, 1];
  const candidates = [
    { cell: a, score: 1.0, mean: 0.1 },
    { cell: aNeighbour, score: 0.95, mean: 0.1 },
    { cell: far, score: 0.6, mean: 0.2 },
  ];
  assert.deepEqual(pickDiverseBatch(candidates, 2, 2), [0, 2], 'the neighbour scores 0.95 * 1/2 < 0.6');
  assert.deepEqual(pickDiverseBatch(candidates, 2, 0), [0, 1], 'radius 0: pure EI order');
  assert.deepEqual(pickDiverseBatch(candidates, 5, 2), [0, 2, 1], 'k beyond the pool returns every candidate once');
  assert.deepEqual(pickDiverseBatch(candidates, 1, 2, [a]), [2], 'cells chosen before count as picked');
  const zeros = candidates.map((c, i) => ({ ...c, score: 0, mean: [0.3, 0.1, 0.2][i] }));
  assert.deepEqual(pickDiverseBatch(zeros, 3, 2), [1, 2, 0], 'all-zero scores: distance then lower mean decide');
});

test('target is best - alpha * range, bounded by the optimum region', () => {
  const stats = (best: number, range: number) => ({ level: 3, count: 5, best, worst: best + range, range, bestCell: [0, 0, 0, 0, 0, 0] });
  assert.ok(Math.abs(targetError(stats(0.3, 0.2), { alpha: 0.1, targetFloor: 0.055 }) - 0.28) < 1e-12);
  assert.equal(targetError(stats(0.06, 0.84), { alpha: 0.1, targetFloor: 0.055 }), 0.055);
  assert.equal(targetError(stats(0.05, 0.84), { alpha: 0.1, targetFloor: 0.055 }), 0.05);
});

test('stage time is the slowest call with unlimited concurrency, list-scheduled otherwise', () => {
  const outcomes = [3, 1, 2, 2].map((seconds, i) => ({ callId: `x${i}`, seconds } as unknown as CallOutcome));
  assert.equal(stageSeconds(outcomes, 0), 3);
  // Two lanes, in issue order: 3 -> lane A (3); 1 -> lane B (1); 2 -> B (3); 2 -> A (5).
  assert.equal(stageSeconds(outcomes, 2), 5);
  assert.equal(stageSeconds(outcomes, 1), 8);
  assert.equal(stageSeconds([], 2), 0);
});
