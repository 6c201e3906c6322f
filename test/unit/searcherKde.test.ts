import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hammingDistance } from '../../src/core/nb201/cellMutation';
import { cellCode, cellFromCode, type Cell } from '../../src/core/nb201/searchSpace';
import { SeededRandom } from '../../src/core/random/seededRandom';
import { CategoricalKde } from '../../src/core/searchers/categoricalKde';
import { KdeSearcher } from '../../src/core/searchers/kdeSearcher';
import { RankedLevel } from '../../src/core/searchers/rankedLevel';
import type { Suggestion } from '../../src/core/searchers/searcher';
import { GoodSetRule, TpeModel } from '../../src/core/searchers/tpeModel';
import { searcherContext } from '../support/searcherContext';

function randomCell(rng: SeededRandom): Cell {
  return Array.from({ length: 6 }, () => rng.int(5));
}

/** statsmodels KDEMultivariate('uuuuuu', bw='normal_reference') with Syne Tune's index/5 encoding, written out directly. */
function naiveKde(data: readonly Cell[], minBandwidth: number) {
  const n = data.length;
  const bw = [0, 1, 2, 3, 4, 5].map((d) => {
    const xs = data.map((c) => c[d] / 5);
    const mean = xs.reduce((a, b) => a + b, 0) / n;
    const std = Math.sqrt(xs.reduce((a, x) => a + (x - mean) ** 2, 0) / n);
    return Math.max(minBandwidth, 1.06 * std * n ** (-1 / 10));
  });
  const pdf = (x: Cell) => data.reduce((sum, c) => {
    let k = 1;
    for (let d = 0; d < 6; d++) k *= c[d] === x[d] ? 1 - bw[d] : bw[d] / 4;
    return sum + k;
  }, 0) / n;
  return { bw, pdf };
}

function assertClose(actual: number, expected: number, what: string): void {
  assert.ok(Math.abs(actual - expected) <= 1e-9 * Math.max(1e-300, Math.abs(expected)), `${what}: ${actual} vs ${expected}`);
}

test('the subset-count KDE equals the Aitchison-Aitken product kernel, also after removals', () => {
  const rng = new SeededRandom(3);
  // Data clustered around one cell, so bandwidths differ per edge and some hit the floor.
  const base = [3, 3, 0, 1, 3, 2];
  const data: Cell[] = Array.from({ length: 40 }, () => base.map((op, d) => (d < 2 || rng.next() < 0.6 ? op : rng.int(5))));
  const kde = new CategoricalKde(1e-3);
  for (const cell of data) kde.add(cell);
  const extra = [randomCell(rng), randomCell(rng)];
  for (const cell of extra) kde.add(cell);
  for (const cell of extra) kde.remove(cell);
  const naive = naiveKde(data, 1e-3);
  naive.bw.forEach((h, d) => assertClose(kde.bandwidths[d], h, `bandwidth ${d}`));
  assert.equal(kde.bandwidths[0], 1e-3, 'a constant edge gets the minimum bandwidth');
  for (let i = 0; i < 200; i++) {
    const x = i < 40 ? data[i] : randomCell(rng);
    assertClose(kde.pdf(x), naive.pdf(x), `pdf ${x}`);
  }
  const total = Array.from({ length: 15625 }, (_, code) => kde.pdf(cellFromCode(code))).reduce((a, b) => a + b, 0);
  assertClose(total, 1, 'the density sums to one over all cells');
});

test('good-set rule follows BOHB: good = max(7, 15% of n), the rest bad, both at least 7', () => {
  const rule = new GoodSetRule(15, 7);
  assert.equal(rule.goodSize(14), 7);
  assert.equal(rule.goodSize(100), 15);
  assert.equal(rule.canFit(13), false);
  assert.equal(rule.canFit(14), true);
});

test('the incrementally updated TPE model equals one fitted from scratch', () => {
  const rng = new SeededRandom(9);
  const rule = new GoodSetRule(15, 7);
  const level = new RankedLevel(1);
  const live = new TpeModel(rule, 1e-3);
  const probes = Array.from({ length: 20 }, () => randomCell(rng));
  for (let i = 0; i < 300; i++) {
    const cell = randomCell(rng);
    // Coarse errors make ties, which must rank identically both ways.
    const rank = level.insert(cellCode(cell), Math.round(hammingDistance(cell, [1, 2, 3, 4, 0, 1]) + rng.int(3)) / 10);
    if (live.epoch === undefined) {
      if (rule.canFit(level.size)) live.fitTo(level);
      continue;
    }
    live.inserted(rank);
    if (i % 25 !== 0) continue;
    const fresh = new TpeModel(rule, 1e-3);
    fresh.fitTo(level);
    assert.equal(live.goodSize, fresh.goodSize);
    for (const probe of probes) assertClose(live.ratio(probe), fresh.ratio(probe), `ratio after ${i} results`);
  }
});

test('bohb models the highest level with enough results and ignores failed ones', () => {
  const searcher = new KdeSearcher();
  searcher.configure(searcherContext(1));
  const rng = new SeededRandom(4);
  let trialId = 0;
  const report = (epoch: number, error: number) => searcher.onResult({ trialId: trialId++, cell: randomCell(rng), epoch, error });
  for (let i = 0; i < 13; i++) report(1, rng.next());
  for (let i = 0; i < 20; i++) report(1, NaN);
  assert.equal(searcher.modelLevel, undefined, '13 results (failures do not count) are not enough');
  const s = searcher.suggest({ trialId: 99, bracket: 0, level: 1, slotsRemaining: 1, time: 0 }) as Suggestion;
  assert.equal(s.info?.source, 'random');
  report(1, rng.next());
  assert.equal(searcher.modelLevel, 1);
  for (let i = 0; i < 13; i++) report(3, rng.next());
  assert.equal(searcher.modelLevel, 1);
  report(3, rng.next());
  assert.equal(searcher.modelLevel, 3);
  for (let i = 0; i < 50; i++) report(1, rng.next());
  assert.equal(searcher.modelLevel, 3, 'a lower level never replaces a higher model level');
  const sources = new Set<unknown>();
  for (let t = 0; t < 60; t++) sources.add((searcher.suggest({ trialId: 100 + t, bracket: 0, level: 1, slotsRemaining: 1, time: 0 }) as Suggestion).info?.source);
  assert.deepEqual([...sources].sort(), ['model', 'random'], 'model-based with about a third random');
});

// Suggestion speed with thousands of results is measured by `npm run bench`; BOHB against random
// search is a claim over seeds, in test/stats/bohbVersusRandom.test.ts.
test('bohb keeps proposing valid, model-based cells with thousands of results at mixed levels', () => {
  for (const levels of [[1], [1, 3, 9, 27, 81, 200]]) {
    const searcher = new KdeSearcher();
    searcher.configure(searcherContext(2));
    const rng = new SeededRandom(5);
    const trials: Cell[] = [];
    const sources = new Set<unknown>();
    for (let t = 0; t < 400; t++) {
      const suggestion = searcher.suggest({ trialId: t, bracket: 0, level: 1, slotsRemaining: 1, time: t }) as Suggestion;
      assert.ok(suggestion.cell.length === 6 && suggestion.cell.every((op) => Number.isInteger(op) && op >= 0 && op < 5), `trial ${t}: ${suggestion.cell}`);
      sources.add(suggestion.info?.source);
      trials.push(suggestion.cell);
      // About 3,500 results in all, spread over earlier trials and the given levels.
      for (let r = 0; r < 9; r++) {
        const trialId = rng.int(trials.length);
        const epoch = levels[Math.min(levels.length - 1, Math.floor(-Math.log2(1 - rng.next()) / 1.5))];
        searcher.onResult({ trialId, cell: trials[trialId], epoch, error: rng.next() });
      }
    }
    assert.ok(sources.has('model'), `levels ${levels}: the model proposes once it has enough results`);
    assert.ok(searcher.modelLevel !== undefined && levels.includes(searcher.modelLevel), `levels ${levels}: model level ${searcher.modelLevel}`);
  }
});
