import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hammingDistance } from '../../src/core/nb201/cellMutation';
import { cellCode, cellFromCode, NUM_CELLS, type Cell } from '../../src/core/nb201/searchSpace';
import { SeededRandom } from '../../src/core/random/seededRandom';
import { InitialDesignStream } from '../../src/core/searchers/initialDesign';
import { AcquisitionSearch, cellOpsByCode, forEachNeighbour } from '../../src/core/searchers/mobsterAcquisition';
import { MobsterLevelObservations } from '../../src/core/searchers/mobsterLevelObservations';
import { MobsterSearcher } from '../../src/core/searchers/mobsterSearcher';
import type { SearcherContext, Suggestion } from '../../src/core/searchers/searcher';

const LEVELS = [1, 3, 9, 27, 81, 200];
const TARGET: Cell = [3, 3, 3, 1, 3, 2];

function makeContext(seed: number): SearcherContext {
  const master = new SeededRandom(seed);
  return { rng: master.derive('searcher'), initialDesignRng: master.derive('initialDesign'), rungLevels: LEVELS, maxEpoch: 200, isoClassOf: cellCode };
}

/** A smooth objective with a known optimum: edges off TARGET, plus seeded noise; lower at higher levels. */
function objective(cell: Cell, epoch: number, rng: SeededRandom): number {
  return hammingDistance(cell, TARGET) / 6 + 0.3 / Math.sqrt(epoch) + 0.02 * rng.next();
}

function opsOf(code: number): Cell {
  return cellFromCode(code);
}

/**
 * Drives a searcher like a scheduler of one rung ladder would: suggestions go pending, results come
 * back later at level 1, and the best quarter so far also at level 3.
 */
function drive(searcher: MobsterSearcher, steps: number, driverSeed = 5): Suggestion[] {
  const rng = new SeededRandom(driverSeed);
  const open: { trialId: number; cell: Cell }[] = [];
  const out: Suggestion[] = [];
  const level1: number[] = [];
  for (let trialId = 0; trialId < steps; trialId++) {
    const s = searcher.suggest({ trialId, bracket: 0, level: 1, slotsRemaining: 1, time: trialId });
    out.push(s);
    searcher.onPending(trialId, s.cell);
    open.push({ trialId, cell: s.cell });
    while (open.length > 4) {
      const [trial] = open.splice(rng.int(open.length), 1);
      const error = objective(trial.cell, 1, rng);
      searcher.onResult({ ...trial, epoch: 1, error });
      level1.push(error);
      const quartile = [...level1].sort((a, b) => a - b)[Math.floor(level1.length / 4)];
      if (error <= quartile) searcher.onResult({ ...trial, epoch: 3, error: objective(trial.cell, 3, rng) });
    }
  }
  return out;
}

test('acquisition search: finds the optimum of a smooth score by local search, skips exclusions, prunes by bounds exactly', () => {
  const search = new AcquisitionSearch();
  const targetCode = cellCode(TARGET);
  const score = (code: number) => 6 - hammingDistance(opsOf(code), TARGET) + 0.01 * opsOf(code)[0];
  const excluded = (code: number) => code === targetCode;
  const options = { randomCandidates: 50, localSearchStarts: 3, localSearchSteps: 10 };
  const loose = search.run({ bound: () => Infinity, score }, () => false, [], new SeededRandom(1), options)!;
  assert.equal(loose.code, targetCode, 'hill climbing reaches the optimum');
  const pick = search.run({ bound: () => Infinity, score }, excluded, [], new SeededRandom(1), options)!;
  assert.notEqual(pick.code, targetCode, 'an excluded cell is never picked');
  assert.equal(hammingDistance(opsOf(pick.code), TARGET), 1, 'the next best is a neighbour');
  // A random score with a valid bound: the same pick as without pruning, with fewer exact scores.
  const noise = Float64Array.from({ length: NUM_CELLS }, (_, i) => Math.sin(i * 12.9898) * 43758.5453 % 1);
  const rough = (code: number) => Math.abs(noise[code]);
  const bound = (code: number) => Math.abs(noise[code]) + 0.3 * ((code % 7) / 7);
  for (let seed = 0; seed < 10; seed++) {
    const exhaustive = search.run({ bound: () => Infinity, score: rough }, () => false, [1234], new SeededRandom(seed), options)!;
    const pruned = search.run({ bound, score: rough }, () => false, [1234], new SeededRandom(seed), options)!;
    assert.equal(pruned.code, exhaustive.code);
    assert.ok(pruned.scored < exhaustive.scored, `pruned ${pruned.scored} vs ${exhaustive.scored}`);
  }
  const neighbours: number[] = [];
  forEachNeighbour(cellCode(TARGET), (n) => neighbours.push(n));
  assert.equal(new Set(neighbours).size, 24);
  for (const n of neighbours) assert.equal(hammingDistance(opsOf(n), TARGET), 1);
  for (const code of [0, 1, 4242, 15624]) assert.deepEqual(Array.from(cellOpsByCode().subarray(code * 6, code * 6 + 6)), cellFromCode(code));
});

test('level training set: everything while few, else the best half plus a spread of the rest, standardised', () => {
  const level = new MobsterLevelObservations(9);
  const rng = new SeededRandom(4);
  for (let i = 0; i < 10; i++) level.add(i, rng.next());
  const small = level.trainingSet(16);
  assert.equal(small.data.size, 10);
  const mean = small.data.targets.reduce((a, b) => a + b, 0) / 10;
  close(mean, 0, 1e-12);
  for (let i = 10; i < 200; i++) level.add(i, rng.next());
  const set = level.trainingSet(16);
  assert.equal(set.data.size, 16);
  const errors = Array.from(set.data.targets, (t) => set.center + set.spread * t);
  const everything = Array.from({ length: 200 }, (_, i) => i);
  // Replay the draws to know every error by code.
  const replay = new SeededRandom(4);
  const errorOf = everything.map(() => replay.next());
  const byRank = everything.slice().sort((a, b) => errorOf[a] - errorOf[b]);
  assert.deepEqual(level.bestCodes(8), byRank.slice(0, 8));
  assert.deepEqual(errors.slice(0, 8), byRank.slice(0, 8).map((code) => errorOf[code]), 'the best 8 come first');
  assert.equal(set.bestError, errorOf[byRank[0]]);
  // The other 8 are every 24th of the 192 below, by rank.
  assert.deepEqual(errors.slice(8), [0, 1, 2, 3, 4, 5, 6, 7].map((k) => errorOf[byRank[8 + Math.floor(((k + 0.5) * 192) / 8)]]));
  assert.equal(level.trainingSet(16), set, 'cached until a result arrives');
});

test('mobster starts from the shared initial designs, then proposes by EI at the highest level with enough data', () => {
  const searcher = new MobsterSearcher({ randomCandidates: 200 });
  searcher.configure(makeContext(11));
  const design = new InitialDesignStream(makeContext(11).initialDesignRng, cellCode);
  const suggestions = drive(searcher, 80);
  for (let i = 0; i < 6; i++) {
    assert.equal(suggestions[i].info?.source, 'random');
    assert.deepEqual(suggestions[i].cell, design.next()!, `design cell ${i}`);
  }
  const model = suggestions.filter((s) => s.info?.source === 'model');
  assert.ok(model.length >= 70, `model-based suggestions: ${model.length}`);
  assert.ok(model.some((s) => s.info?.level === 3), 'moves up to level 3 once it has data there');
  assert.equal(searcher.acquisitionLevel, 3);
  for (const s of model) {
    assert.ok(Number(s.info?.ei) >= 0 && Number(s.info?.std) > 0 && Number.isFinite(Number(s.info?.mean)));
  }
  assert.equal(new Set(suggestions.map((s) => cellCode(s.cell))).size, suggestions.length, 'never repeats a cell');
  assert.ok(searcher.fitCount >= 5 && searcher.fitCount < 40, `fits: ${searcher.fitCount}`);
  // On a smooth objective the model closes in on the optimum far faster than chance.
  const late = suggestions.slice(40).map((s) => hammingDistance(s.cell, TARGET));
  const meanDistance = late.reduce((a, b) => a + b, 0) / late.length;
  console.log(`mobster on a smooth objective: mean distance ${meanDistance.toFixed(2)}, ${searcher.fitCount} fits`);
  assert.ok(meanDistance < 2.5, `mean distance to the optimum of late suggestions: ${meanDistance} (random: 4.8)`);
});

test('mobster is deterministic per seed, and a restored searcher continues exactly like the original', () => {
  const options = { randomCandidates: 100 };
  const make = (seed: number) => {
    const s = new MobsterSearcher(options);
    s.configure(makeContext(seed));
    return s;
  };
  const a = drive(make(3), 60);
  assert.deepEqual(drive(make(3), 60), a, 'same seed, same suggestions and info');
  assert.notDeepEqual(drive(make(4), 60).map((s) => s.cell), a.map((s) => s.cell), 'another seed differs');

  // Interrupt after 30 suggestions (with the driver's state), restore into a fresh searcher, go on.
  const original = make(3);
  const rng = new SeededRandom(9);
  const interrupted = make(3);
  const results = (searcher: MobsterSearcher, trialId: number, s: Suggestion) => {
    searcher.onPending(trialId, s.cell);
    searcher.onResult({ trialId, cell: s.cell, epoch: 1, error: objective(s.cell, 1, rng) });
  };
  const first: Suggestion[] = [];
  for (let t = 0; t < 30; t++) {
    const s = interrupted.suggest({ trialId: t, bracket: 0, level: 1, slotsRemaining: 1, time: t });
    first.push(s);
    results(interrupted, t, s);
  }
  const saved = JSON.parse(JSON.stringify(interrupted.state()));
  const resumed = make(3);
  resumed.restore(saved);
  assert.equal(resumed.fitCount, interrupted.fitCount, 'fits are replayed');
  const rngOriginal = new SeededRandom(9);
  for (let t = 0; t < 30; t++) {
    const s = original.suggest({ trialId: t, bracket: 0, level: 1, slotsRemaining: 1, time: t });
    assert.deepEqual(s, first[t]);
    original.onPending(t, s.cell);
    original.onResult({ trialId: t, cell: s.cell, epoch: 1, error: objective(s.cell, 1, rngOriginal) });
  }
  for (let t = 30; t < 45; t++) {
    const request = { trialId: t, bracket: 0, level: 1, slotsRemaining: 1, time: t };
    const x = original.suggest(request);
    const y = resumed.suggest(request);
    assert.deepEqual(y, x, `suggestion ${t} after restore`);
    const error = objective(x.cell, 1, rngOriginal);
    for (const s of [original, resumed]) {
      s.onPending(t, x.cell);
      s.onResult({ trialId: t, cell: x.cell, epoch: 1, error });
    }
  }
});

test('mobster rejects bad options', () => {
  assert.throws(() => new MobsterSearcher({ minPointsAtLevel: 0 }), /minPointsAtLevel/);
  assert.throws(() => new MobsterSearcher({ refitGrowth: 0.5 }), /refitGrowth/);
  assert.throws(() => new MobsterSearcher({ pendingBelievers: 'yes' as unknown as boolean }), /pendingBelievers/);
  assert.throws(() => new MobsterSearcher().suggest({ trialId: 0, bracket: 0, level: 1, slotsRemaining: 1, time: 0 }), /before configure/);
});

function close(actual: number, expected: number, tolerance: number): void {
  assert.ok(Math.abs(actual - expected) <= tolerance, `${actual} vs ${expected}`);
}
