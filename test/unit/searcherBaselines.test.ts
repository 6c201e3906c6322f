import { searcherContext } from '../support/searcherContext';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hammingDistance } from '../../src/core/nb201/cellMutation';
import { cellCode, cellFromCode, toArchString, type Cell } from '../../src/core/nb201/searchSpace';
import { SeededRandom } from '../../src/core/random/seededRandom';
import { InitialDesignStream } from '../../src/core/searchers/initialDesign';
import { RegularizedEvolutionSearcher } from '../../src/core/searchers/regularizedEvolution';
import type { Searcher, Suggestion } from '../../src/core/searchers/searcher';
import { isLlmSearcher } from '../../src/core/searchers/llmSearchers';
import { createSearcher, SEARCHER_FACTORIES, type FactorySearcherName } from '../../src/core/searchers/searcherFactory';

/** The baselines: every registered searcher that needs no LLM. */
// DEHB is left out: its searcher needs its scheduler (see dehbScheduler.test.ts).
const NAMES = (Object.keys(SEARCHER_FACTORIES) as FactorySearcherName[]).filter((n) => !isLlmSearcher(n) && n !== 'dehb') as ('random' | 'bohb' | 'rea' | 'local' | 'mobster')[];
const TARGET: Cell = [3, 3, 3, 1, 3, 2];

const makeContext = searcherContext;

function configured(name: FactorySearcherName, seed: number, options = {}): Searcher {
  const searcher = createSearcher(name, options);
  searcher.configure(makeContext(seed));
  return searcher;
}

function request(trialId: number) {
  return { trialId, bracket: 0, level: 1, slotsRemaining: 1, time: trialId };
}

function suggestNow(searcher: Searcher, trialId: number): Suggestion {
  const s = searcher.suggest(request(trialId));
  assert.ok(!(s instanceof Promise), 'baseline searchers answer synchronously');
  return s as Suggestion;
}

/** error = edges differing from TARGET / 6 plus a little seeded noise. */
function targetError(cell: Cell, rng: SeededRandom): number {
  return hammingDistance(cell, TARGET) / 6 + 0.02 * rng.next();
}

/**
 * A small asynchronous harness: suggestions go pending, results arrive later in random order at
 * epochs 1 and (for some) 3, and a few evaluations fail. Fully determined by `driverSeed`.
 */
class Harness {
  private readonly rng: SeededRandom;
  private readonly open: { trialId: number; cell: Cell }[] = [];
  private nextTrial = 0;

  constructor(driverSeed: number) {
    this.rng = new SeededRandom(driverSeed);
  }

  step(searcher: Searcher): Suggestion {
    const trialId = this.nextTrial++;
    const s = suggestNow(searcher, trialId);
    searcher.onPending(trialId, s.cell);
    this.open.push({ trialId, cell: s.cell });
    const reports = this.rng.int(3);
    for (let i = 0; i < reports && this.open.length > 0; i++) {
      const [trial] = this.open.splice(this.rng.int(this.open.length), 1);
      if (this.rng.next() < 0.05) {
        searcher.onResult({ ...trial, epoch: 1, error: NaN });
        searcher.onFailure(trial.trialId, trial.cell);
        continue;
      }
      searcher.onResult({ ...trial, epoch: 1, error: targetError(trial.cell, this.rng) });
      if (this.rng.next() < 0.4) searcher.onResult({ ...trial, epoch: 3, error: targetError(trial.cell, this.rng) * 0.9 });
    }
    return s;
  }
}

function run(searcher: Searcher, steps: number, driverSeed = 99): Suggestion[] {
  const harness = new Harness(driverSeed);
  return Array.from({ length: steps }, () => harness.step(searcher));
}

const codes = (suggestions: readonly Suggestion[]) => suggestions.map((s) => cellCode(s.cell));

test('every searcher is deterministic per seed, and the seed matters', () => {
  for (const name of NAMES) {
    const a = run(configured(name, 5), 150);
    const b = run(configured(name, 5), 150);
    assert.deepEqual(a, b, `${name}: same seed, same suggestions and info`);
    assert.notDeepEqual(codes(run(configured(name, 6), 150)), codes(a), `${name}: another seed differs`);
    for (const s of a) assert.equal(s.fallback, false);
  }
});

test('the same master seed gives all four searchers the same initial random designs', () => {
  const expected: number[] = [];
  const stream = new InitialDesignStream(makeContext(11).initialDesignRng, cellCode);
  for (let i = 0; i < 30; i++) expected.push(cellCode(stream.next()!));
  assert.equal(new Set(expected).size, 30);
  for (const name of NAMES) {
    const searcher = configured(name, 11);
    // No results yet: every searcher is still on its initial designs.
    const got = Array.from({ length: 30 }, (_, t) => cellCode(suggestNow(searcher, t).cell));
    assert.deepEqual(got, expected, name);
  }
  assert.notDeepEqual(codes(Array.from({ length: 30 }, (_, t) => suggestNow(configured('random', 12), t))), expected);
  // With results arriving, evolution stays on the same designs until its population is full.
  assert.deepEqual(codes(run(configured('rea', 11), 100)), codes(run(configured('random', 11), 100)));
});

test('random search never repeats a cell, including cells the scheduler reported pending', () => {
  const searcher = configured('random', 3);
  const injected = cellFromCode(4242);
  searcher.onPending(10_000, injected);
  const seen = new Set<number>([4242]);
  for (let t = 0; t < 2000; t++) {
    const code = cellCode(suggestNow(searcher, t).cell);
    assert.ok(!seen.has(code), `duplicate at suggestion ${t}`);
    seen.add(code);
  }
});

test('random search prefers isomorphism classes it has not suggested yet', () => {
  const classes = 1000;
  const isoClassOf = (cell: Cell) => cellCode(cell) % classes;
  const searcher = createSearcher('random');
  searcher.configure(makeContext(8, isoClassOf));
  const seenClasses = new Set<number>();
  for (let t = 0; t < classes; t++) seenClasses.add(isoClassOf(suggestNow(searcher, t).cell));
  // Uniform draws would reach about 632 distinct classes in 1000 cells.
  assert.ok(seenClasses.size > 950, `distinct classes: ${seenClasses.size}`);
});

test('regularized evolution mutates one edge of a tournament winner from its population', () => {
  const searcher = createSearcher('rea', { populationSize: 20, sampleSize: 5 }) as RegularizedEvolutionSearcher;
  searcher.configure(makeContext(21));
  const noise = new SeededRandom(1);
  let mutations = 0;
  for (let t = 0; t < 300; t++) {
    const population = searcher.members();
    const s = suggestNow(searcher, t);
    if (population.length < 20) assert.equal(s.info?.source, 'random');
    else {
      assert.equal(population.length, 20);
      assert.equal(s.info?.source, 'mutation');
      const parent = population.find((m) => m.trialId === s.info?.parentTrialId);
      assert.ok(parent, 'parent is a member of the current population');
      assert.equal(hammingDistance(s.cell, cellFromCode(parent.code)), 1);
      assert.equal(s.info?.parent, toArchString(cellFromCode(parent.code)));
      mutations++;
    }
    searcher.onResult({ trialId: t, cell: s.cell, epoch: 1, error: targetError(s.cell, noise) });
  }
  assert.ok(mutations >= 280);
  assert.ok(searcher.members().length === 20, 'the oldest members leave');
  assert.deepEqual(searcher.members().map((m) => m.trialId), Array.from({ length: 20 }, (_, i) => 280 + i));
});

test('local search proposes unvisited neighbours of its best cell, restarting at local optima', () => {
  const searcher = configured('local', 4);
  const noise = new SeededRandom(2);
  const visited = new Set<number>();
  let run: { cell: Cell; error: number }[] = [];
  const sources = new Map<string, number>();
  for (let t = 0; t < 400; t++) {
    const s = suggestNow(searcher, t);
    const source = String(s.info?.source);
    sources.set(source, (sources.get(source) ?? 0) + 1);
    const code = cellCode(s.cell);
    assert.ok(!visited.has(code), 'never revisits a cell');
    if (t === 0) assert.equal(source, 'random', 'random until the first results arrive');
    if (source === 'neighbour' || source === 'restart') {
      const best = run.reduce((a, b) => (b.error < a.error ? b : a));
      if (source === 'neighbour') {
        assert.equal(hammingDistance(s.cell, best.cell), 1);
        assert.equal(s.info?.center, toArchString(best.cell));
      } else {
        assert.equal(s.info?.localOptimum, toArchString(best.cell));
        for (let other = 0; other < 15625; other++) {
          if (hammingDistance(cellFromCode(other), best.cell) === 1) assert.ok(visited.has(other), 'restarts only when every neighbour was visited');
        }
        run = [];
      }
    }
    visited.add(code);
    const error = targetError(s.cell, noise);
    run.push({ cell: s.cell, error });
    searcher.onResult({ trialId: t, cell: s.cell, epoch: 1, error });
  }
  assert.ok((sources.get('neighbour') ?? 0) > 300, JSON.stringify([...sources]));
  assert.ok((sources.get('restart') ?? 0) >= 1, 'the target is a local optimum, so a restart happens');
  assert.ok(visited.has(cellCode(TARGET)), 'local search reaches the target on a smooth objective');
});

test('state() survives JSON and a restored searcher continues exactly like the original', () => {
  for (const name of NAMES) {
    const uninterrupted = run(configured(name, 31, { populationSize: 30 }), 270, 7);

    const harness = new Harness(7);
    const paused = configured(name, 31, { populationSize: 30 });
    const before = Array.from({ length: 120 }, () => harness.step(paused));
    const saved = JSON.parse(JSON.stringify(paused.state()));
    const resumed = configured(name, 31, { populationSize: 30 });
    resumed.restore(saved);
    assert.deepEqual(resumed.state(), saved, `${name}: state round-trips`);
    const after = Array.from({ length: 150 }, () => harness.step(resumed));
    assert.deepEqual([...before, ...after], uninterrupted, `${name}: identical continuation`);
    const learned = { random: 'random', bohb: 'model', rea: 'mutation', local: 'neighbour', mobster: 'model' }[name];
    assert.ok(after.some((s) => s.info?.source === learned), `${name}: the continuation uses what was learned`);
  }
});

test('restore rejects states of another searcher or malformed states', () => {
  const random = configured('random', 1);
  suggestNow(random, 0);
  const local = configured('local', 1);
  assert.throws(() => local.restore(random.state()), /state of searcher "random" cannot restore searcher "local"/);
  assert.throws(() => local.restore({ format: 'x' }), /not a baseline searcher state/);
  const broken = { ...(random.state() as object), log: [0, 99999, -1, 0, 0] };
  assert.throws(() => configured('random', 1).restore(broken), /cell code out of range/);
  assert.throws(() => createSearcher('nope' as FactorySearcherName), /unknown searcher "nope"/);
  assert.throws(() => createSearcher('bohb', { topNPercent: 'many' }), /bohb options: topNPercent/);
  assert.throws(() => createSearcher('bohb', { randomFraction: 2 }), /randomFraction must be in \[0, 1\]/);
  assert.throws(() => createSearcher('rea', { populationSize: 0 }), /populationSize/);
  assert.throws(() => createSearcher('random').suggest(request(0)), /before configure/);
});
