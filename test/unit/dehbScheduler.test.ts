import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dehbBracketShapes, parentRungOf } from '../../src/core/schedulers/dehbBrackets';
import { DehbScheduler, type DehbSlot } from '../../src/core/schedulers/dehbScheduler';
import type { Job, LedgerEntry, TrialDecision } from '../../src/core/schedulers/scheduler';
import { SeededRandom } from '../../src/core/random/seededRandom';

const OPTIONS = { rMin: 1, eta: 3, rMax: 200 };
const shape = (rungs: readonly { level: number; slots: number }[]) => rungs.map((r) => `${r.slots}@${r.level}`).join(' ');

test('DEHB brackets are the tails of geometric bracket 0', () => {
  assert.deepEqual(dehbBracketShapes(1, 3, 200).map(shape), [
    '243@1 81@3 27@9 9@27 3@81 1@200',
    '81@3 27@9 9@27 3@81 1@200',
    '27@9 9@27 3@81 1@200',
    '9@27 3@81 1@200',
    '3@81 1@200',
    '1@200',
  ]);
  assert.deepEqual(dehbBracketShapes(1, 2, 8).map(shape), ['8@1 4@2 2@4 1@8', '4@2 2@4 1@8', '2@4 1@8', '1@8']);
  const scheduler = new DehbScheduler(OPTIONS);
  assert.deepEqual(scheduler.rungLevels, [1, 3, 9, 27, 81, 200]);
});

test('the parent rung has the same level in the bracket before, or in the last bracket starting at that level', () => {
  // Offset 3 (9@27 3@81 1@200): rung 1 (level 81) has its parent in the previous bracket (offset 2), rung 2.
  assert.deepEqual(parentRungOf(3, 1, 6), { bracketDelta: 1, rung: 2 });
  // Offset 0, rung 2 (level 9): the bracket with offset 2 opened 4 brackets earlier, its first rung.
  assert.deepEqual(parentRungOf(0, 2, 6), { bracketDelta: 4, rung: 0 });
  assert.deepEqual(parentRungOf(0, 0, 6), { bracketDelta: 6, rung: 0 });
  assert.throws(() => parentRungOf(5, 1, 6), /bad rung/);
  assert.throws(() => parentRungOf(6, 0, 6), /bad bracket offset/);
});

/** Error of a trial at an epoch: a per-trial quality plus a learning curve, from a seeded draw. */
class Driver {
  readonly quality: number[] = [];
  readonly jobs: { job: Job; slot: DehbSlot }[] = [];
  readonly decisions: { trialId: number; bracket: number; rung: number; decision: TrialDecision }[] = [];
  readonly ledger: LedgerEntry[] = [];
  selections = 0;
  childWins = 0;
  private nextTrial = 0;
  private readonly running: { trialId: number; from: number; until: number }[] = [];

  constructor(readonly scheduler: DehbScheduler, private readonly rng: SeededRandom, private readonly workers: number) {}

  error(trialId: number, epoch: number): number {
    return this.quality[trialId] + 1 / Math.sqrt(epoch);
  }

  run(results: number): void {
    for (let done = 0; done < results; done++) {
      while (this.running.length < this.workers) this.take();
      const [run] = this.running.splice(this.rng.int(this.running.length), 1);
      this.finish(run);
    }
  }

  private take(): void {
    const job = this.scheduler.nextJob(this.nextTrial, true);
    assert.ok(job, 'DEHB always has a job when new trials are allowed');
    const slot = this.scheduler.pendingSlot(job.trialId)!;
    this.jobs.push({ job, slot });
    if (job.kind === 'new') {
      assert.equal(job.trialId, this.nextTrial++);
      this.quality[job.trialId] = this.rng.next();
      this.running.push({ trialId: job.trialId, from: 0, until: job.level });
    } else {
      this.running.push({ trialId: job.trialId, from: job.fromEpoch, until: job.untilEpoch });
    }
    for (const entry of this.scheduler.takeLedger()) this.ledger.push(entry);
  }

  private finish(run: { trialId: number; from: number; until: number }): void {
    const slot = this.scheduler.pendingSlot(run.trialId)!;
    const parent = slot.origin === 'evolve' ? this.scheduler.parentOccupant(slot.bracket, slot.level, slot.slot) : -1;
    let decision: TrialDecision = 'continue';
    for (let epoch = run.from + 1; epoch <= run.until; epoch++) {
      decision = this.scheduler.onResult(run.trialId, epoch, this.error(run.trialId, epoch));
      assert.equal(decision === 'continue', epoch < run.until, 'decides exactly at the slot level');
    }
    this.decisions.push({ trialId: run.trialId, bracket: slot.bracket, rung: slot.rung, decision });
    const held = this.scheduler.populationAt(slot.bracket, slot.rung, slot.slot)!;
    const own = this.error(run.trialId, slot.level);
    if (parent >= 0) {
      this.selections++;
      const rival = this.error(parent, slot.level);
      const expected = own < rival ? run.trialId : parent;
      if (expected === run.trialId) this.childWins++;
      assert.deepEqual(held, { trialId: expected, error: expected === run.trialId ? own : rival }, 'the better of child and parent keeps the slot');
    } else {
      assert.deepEqual(held, { trialId: run.trialId, error: own });
    }
    for (const entry of this.scheduler.takeLedger()) this.ledger.push(entry);
  }
}

test('only the first bracket pauses and resumes; every other slot starts a fresh trial, evolved when it has parents', () => {
  const scheduler = new DehbScheduler(OPTIONS);
  const driver = new Driver(scheduler, new SeededRandom(4), 4);
  driver.run(1400);
  const opened = driver.ledger.filter((e) => e.type === 'bracketOpened');
  assert.ok(opened.length >= 8, `brackets opened: ${opened.length}`);
  opened.forEach((e, i) => {
    assert.equal(e.bracket, i);
    assert.equal(e.bracketType, i % 6);
  });
  for (const { job, slot } of driver.jobs) {
    if (slot.bracket === 0) {
      assert.equal(job.kind, slot.rung === 0 ? 'new' : 'resume');
      assert.equal(slot.origin, slot.rung === 0 ? 'random' : 'promotion');
    } else {
      assert.equal(job.kind, 'new', 'later brackets never resume');
      if (slot.rung > 0) assert.equal(slot.origin, 'evolve');
      if (job.kind === 'new') assert.equal(job.level, slot.level, 'a fresh trial trains from scratch to the rung level');
    }
  }
  assert.ok(driver.jobs.some(({ slot }) => slot.bracket > 0 && slot.rung === 0 && slot.origin === 'evolve'));
  for (const { bracket, rung, decision } of driver.decisions) {
    if (bracket > 0) assert.equal(decision, 'stop');
    else assert.equal(decision, rung === 5 ? 'stop' : 'pause');
  }
  assert.ok(driver.selections > 100 && driver.childWins > 0 && driver.childWins < driver.selections, `${driver.childWins}/${driver.selections}`);
  for (const entry of driver.ledger) {
    if (entry.type !== 'rungCompleted') continue;
    if (entry.bracket === 0 && entry.rung < 5) assert.equal(entry.promoted.length, [81, 27, 9, 3, 1][entry.rung]);
    else assert.deepEqual(entry.promoted, [], 'no promotions outside bracket 0');
  }
  // Bracket 0 resumes the best of each rung, best first, as synchronous Hyperband does.
  const first = driver.ledger.find((e) => e.type === 'rungCompleted' && e.bracket === 0 && e.rung === 0);
  assert.ok(first && first.type === 'rungCompleted');
  assert.deepEqual(first.promoted, first.ranking.slice(0, 81).map((r) => r.trialId));
  const resumed = driver.jobs.filter(({ slot }) => slot.bracket === 0 && slot.rung === 1).map(({ job }) => job.trialId);
  assert.deepEqual(resumed, first.promoted);
});

test('mutation pools: parent slots on a first rung, the best occupants below on upper rungs, global pools when small', () => {
  const scheduler = new DehbScheduler(OPTIONS);
  const driver = new Driver(scheduler, new SeededRandom(8), 4);
  let checkedUpper = 0, checkedFirst = 0, checkedSmall = 0;
  const probe = (slot: DehbSlot) => {
    if (slot.origin !== 'evolve') return;
    const pool = scheduler.mutationPool(slot);
    const size = scheduler.shapes[0].find((r) => r.level === slot.level)!.slots;
    if (size < 3) {
      assert.ok(pool.length >= 3, 'topped up to at least three parents');
      checkedSmall++;
    } else {
      assert.equal(pool.length, size);
    }
    if (slot.rung === 0 && size >= 3) {
      for (let p = 0; p < size; p++) assert.equal(pool[p], scheduler.parentOccupant(slot.bracket, slot.level, p));
      checkedFirst++;
    }
    if (slot.rung > 0 && size >= 3) {
      const ladder = scheduler.shapes[0];
      const belowSize = ladder[ladder.findIndex((r) => r.level === slot.level) - 1].slots;
      const below = [...Array(belowSize).keys()]
        .map((s) => scheduler.populationAt(slot.bracket, slot.rung - 1, s)!)
        .sort((a, b) => a.error - b.error);
      for (let p = 0; p < size; p++) assert.equal(pool[p], below[p].trialId);
      checkedUpper++;
    }
  };
  const original = scheduler.nextJob.bind(scheduler);
  scheduler.nextJob = (id, allow) => {
    const job = original(id, allow);
    if (job) probe(scheduler.pendingSlot(job.trialId)!);
    return job;
  };
  driver.run(1600);
  assert.ok(checkedFirst > 50 && checkedUpper > 20 && checkedSmall > 0, `${checkedFirst} ${checkedUpper} ${checkedSmall}`);
});

test('without new trials allowed, only bracket 0 resumptions are handed out', () => {
  const scheduler = new DehbScheduler(OPTIONS);
  assert.equal(scheduler.nextJob(0, false), null, 'nothing to resume yet');
  for (let t = 0; t < 243; t++) assert.equal(scheduler.nextJob(t, true)?.kind, 'new');
  assert.equal(scheduler.nextJob(243, false), null, 'bracket 0 waits for its first rung; no bracket opens');
  for (let t = 0; t < 243; t++) assert.equal(scheduler.onResult(t, 1, 1 - t / 1000), 'pause');
  const job = scheduler.nextJob(243, false);
  assert.deepEqual(job, { kind: 'resume', trialId: 242, bracket: 0, fromEpoch: 1, untilEpoch: 3 }, 'the best first');
  assert.throws(() => scheduler.onResult(12345, 1, 0.5), /fills no slot/);
  assert.throws(() => scheduler.onResult(242, 4, 0.5), /went past its level 3/);
});
