import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cellCode } from '../../src/core/nb201/searchSpace';
import { SeededRandom } from '../../src/core/random/seededRandom';
import { DehbScheduler, type DehbSlot } from '../../src/core/schedulers/dehbScheduler';
import { DehbSearcher } from '../../src/core/searchers/dehbSearcher';

/**
 * Details of Syne Tune's DifferentialEvolutionHyperbandScheduler (synchronous/dehb.py) that the
 * end-to-end tests cannot see. Rungs r_min 1, eta 3, r_max 9: bracket types 9@1 3@3 1@9, 3@3 1@9, 1@9.
 */
const OPTIONS = { rMin: 1, eta: 3, rMax: 9 };

/** One worker, jobs run to their level one at a time; a trial's error at an epoch is base + 1/epoch. */
class SerialDriver {
  readonly base: number[] = [];
  readonly slots: DehbSlot[] = [];
  private nextTrial = 0;

  constructor(readonly scheduler: DehbScheduler, private readonly baseFor: (slot: DehbSlot) => number) {}

  error(trialId: number, epoch: number): number {
    return this.base[trialId] + 1 / epoch;
  }

  /** Hands out the next job, lets `probe` look at its slot, then reports its results. */
  step(probe: (slot: DehbSlot) => void = () => {}): DehbSlot {
    const job = this.scheduler.nextJob(this.nextTrial, true)!;
    const slot = this.scheduler.pendingSlot(job.trialId)!;
    if (job.kind === 'new') {
      this.nextTrial++;
      this.base[job.trialId] = this.baseFor(slot);
    }
    probe(slot);
    const from = job.kind === 'new' ? 0 : job.fromEpoch;
    const until = job.kind === 'new' ? job.level : job.untilEpoch;
    for (let epoch = from + 1; epoch <= until; epoch++) this.scheduler.onResult(job.trialId, epoch, this.error(job.trialId, epoch));
    this.slots.push(slot);
    return slot;
  }
}

test('selection: a child must be strictly better than its parent to take the slot (ties keep the parent, as Syne Tune)', () => {
  const scheduler = new DehbScheduler(OPTIONS);
  // Bracket 1's first rung (3@3) evolves against bracket 0's rung at level 3: child equal, better, worse.
  const offsets = [0, -0.01, 0.01];
  const driver: SerialDriver = new SerialDriver(scheduler, (slot: DehbSlot): number => {
    if (slot.bracket === 0) return slot.slot / 10;
    const parent = scheduler.parentOccupant(slot.bracket, slot.level, slot.slot);
    return parent >= 0 ? driver.base[parent] + offsets[slot.slot] : 0.5;
  });
  while (driver.slots.filter((s) => s.bracket === 1 && s.rung === 0).length < 3) driver.step();
  const parents = [0, 1, 2].map((s) => scheduler.parentOccupant(1, 3, s));
  const children = driver.slots.filter((s) => s.bracket === 1 && s.rung === 0).map((s) => s.trialId);
  assert.ok(driver.slots.filter((s) => s.bracket === 1).every((s) => s.origin === 'evolve'));
  assert.deepEqual(scheduler.populationAt(1, 0, 0), { trialId: parents[0], error: driver.error(parents[0], 3) }, 'tie: the parent stays');
  assert.deepEqual(scheduler.populationAt(1, 0, 1), { trialId: children[1], error: driver.error(children[1], 3) }, 'better child wins');
  assert.deepEqual(scheduler.populationAt(1, 0, 2), { trialId: parents[2], error: driver.error(parents[2], 3) }, 'worse child loses');
});

test('parent pools under three are topped up with this level\'s results, then other levels from the highest down', () => {
  const scheduler = new DehbScheduler(OPTIONS);
  const driver = new SerialDriver(scheduler, (slot) => (slot.bracket * 10 + slot.slot) / 100);
  const arrivals = new Map<number, number[]>([[1, []], [3, []], [9, []]]);
  let checked = 0;
  // Bracket 0 (9 new, 3 resumed, 1 resumed), then bracket 1's first rung (3 new at level 3).
  for (let i = 0; i < 16; i++) {
    const slot = driver.step();
    arrivals.get(slot.level)!.push(slot.trialId);
  }
  driver.step((slot) => {
    // Bracket 1, rung 1 (1@9): the best of its rung below, then level 9 (bracket 0's final), then level 3.
    assert.deepEqual([slot.bracket, slot.rung, slot.level], [1, 1, 9]);
    const pool = scheduler.mutationPool(slot);
    const below = [0, 1, 2].map((s) => scheduler.populationAt(1, 0, s)!).sort((a, b) => a.error - b.error)[0].trialId;
    const expected = [below, ...arrivals.get(9)!, ...arrivals.get(3)!];
    assert.deepEqual(pool, expected);
    checked++;
  });
  assert.equal(checked, 1);
});

test('crossover target is the parent slot\'s occupant, and the child is never its cell (exclusion list)', () => {
  const scheduler = new DehbScheduler({ rMin: 1, eta: 3, rMax: 27 });
  const searcher = new DehbSearcher();
  const master = new SeededRandom(11);
  searcher.configure({ rng: master.derive('searcher'), initialDesignRng: master.derive('initialDesign'), rungLevels: scheduler.rungLevels, maxEpoch: 27, isoClassOf: cellCode });
  const quality = new Map<number, number>();
  const cells = new Map<number, readonly number[]>();
  let withParent = 0;
  for (let trialId = 0, steps = 0; steps < 400; steps++) {
    const job = scheduler.nextJob(trialId, true)!;
    if (job.kind === 'new') {
      trialId++;
      const slot = scheduler.pendingSlot(job.trialId)!;
      const parent = slot.origin === 'evolve' ? scheduler.parentOccupant(slot.bracket, slot.level, slot.slot) : -1;
      const suggestion = searcher.suggest({ ...job, time: 0 });
      cells.set(job.trialId, suggestion.cell);
      quality.set(job.trialId, (cellCode(suggestion.cell) % 97) / 97);
      // After 25 duplicate children Syne Tune draws at random; only DE children have a target.
      if (parent >= 0 && suggestion.info?.source === 'evolution') {
        withParent++;
        assert.equal(suggestion.info.target, parent);
        assert.notDeepEqual(suggestion.cell, cells.get(parent));
      }
    }
    const from = job.kind === 'new' ? 0 : job.fromEpoch;
    const until = job.kind === 'new' ? job.level : job.untilEpoch;
    for (let epoch = from + 1; epoch <= until; epoch++) scheduler.onResult(job.trialId, epoch, quality.get(job.trialId)! + 1 / epoch);
  }
  assert.ok(withParent > 50, `evolved slots with a parent: ${withParent}`);
});
