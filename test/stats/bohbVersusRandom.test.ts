import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hammingDistance } from '../../src/core/nb201/cellMutation';
import type { Cell } from '../../src/core/nb201/searchSpace';
import { SeededRandom } from '../../src/core/random/seededRandom';
import type { Searcher, Suggestion } from '../../src/core/searchers/searcher';
import { createSearcher } from '../../src/core/searchers/searcherFactory';
import { median, rankSumTest } from '../support/llamboStudyHarness';
import { searcherContext } from '../support/searcherContext';

/**
 * BOHB's KDE against random search on a synthetic objective (error = Hamming distance to a hidden
 * target cell / 6 + noise), 100 sequential evaluations, seeds 0..9. Seeded: the same figures every run.
 */
const SEEDS = Array.from({ length: 10 }, (_, i) => i);

function randomCell(rng: SeededRandom): Cell {
  return Array.from({ length: 6 }, () => rng.int(5));
}

/** Best error after `budget` sequential evaluations. */
function bestAfter(searcher: Searcher, seed: number, budget: number): number {
  searcher.configure(searcherContext(seed));
  const noise = new SeededRandom(1000 + seed);
  const target = randomCell(new SeededRandom(2000 + seed));
  let best = Infinity;
  for (let t = 0; t < budget; t++) {
    const { cell } = searcher.suggest({ trialId: t, bracket: 0, level: 1, slotsRemaining: 1, time: t }) as Suggestion;
    const error = hammingDistance(cell, target) / 6 + 0.05 * noise.next();
    best = Math.min(best, error);
    searcher.onResult({ trialId: t, cell, epoch: 1, error });
  }
  return best;
}

test('bohb finds the target region faster than random search over 10 seeds', () => {
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const bohb = SEEDS.map((seed) => bestAfter(createSearcher('bohb'), seed, 100));
  const random = SEEDS.map((seed) => bestAfter(createSearcher('random'), seed, 100));
  const { u, p } = rankSumTest(bohb, random);
  console.log(`bohb vs random, best after 100 evaluations, seeds ${SEEDS[0]}-${SEEDS[SEEDS.length - 1]}: ` +
    `mean ${mean(bohb).toFixed(3)} vs ${mean(random).toFixed(3)}, median ${median(bohb).toFixed(3)} vs ${median(random).toFixed(3)}, ` +
    `U = ${u}, one-sided p = ${p.toPrecision(3)}`);
  // Random: 100 uniform cells typically get within 2-3 edges of the target (about 0.4).
  assert.ok(mean(bohb) < mean(random) - 0.1, `mean best after 100: bohb ${mean(bohb).toFixed(3)} vs random ${mean(random).toFixed(3)}`);
  assert.ok(p < 0.05, `one-sided rank-sum p = ${p}`);
});
