import { test } from 'node:test';
import assert from 'node:assert/strict';
import { linearQuantile } from '../../src/core/schedulers/ashaScheduler';
import type { Job, NewTrialJob } from '../../src/core/schedulers/scheduler';
import { createScheduler } from '../../src/core/schedulers/schedulerFactory';

const OPTIONS = { rMin: 1, eta: 3, rMax: 200 };

test('sync Hyperband asks for new configs with the slots its first rung still needs', () => {
  const scheduler = createScheduler('sync-hyperband', OPTIONS);
  assert.deepEqual(scheduler.rungLevels, [1, 3, 9, 27, 81, 200]);
  const jobs: Job[] = [];
  for (let id = 0; id < 245; id++) jobs.push(scheduler.nextJob(id, true)!);
  const first = jobs[0] as NewTrialJob;
  assert.deepEqual(first, { kind: 'new', trialId: 0, bracket: 0, level: 1, slotsRemaining: 243 });
  assert.equal((jobs[242] as NewTrialJob).slotsRemaining, 1);
  // Bracket 1 (98 slots at epoch 3) opens when bracket 0's first rung is all pending.
  assert.deepEqual(jobs[243], { kind: 'new', trialId: 243, bracket: 1, level: 3, slotsRemaining: 98 });
  assert.equal((jobs[244] as NewTrialJob).slotsRemaining, 97);
  const ledger = scheduler.takeLedger();
  assert.deepEqual(ledger.map((e) => e.type), ['bracketOpened', 'bracketOpened']);
  assert.deepEqual(scheduler.takeLedger(), []);
});

test('sync Hyperband continues below the level, pauses at it, stops at the last rung and on failure', () => {
  const scheduler = createScheduler('sync-hyperband', { rMin: 1, eta: 3, rMax: 9 }); // b0 9@1 3@3 1@9
  for (let id = 0; id < 9; id++) scheduler.nextJob(id, true);
  scheduler.takeLedger();
  for (let id = 1; id < 9; id++) assert.equal(scheduler.onResult(id, 1, id === 4 ? NaN : 0.9 - id / 100), id === 4 ? 'stop' : 'pause');
  assert.deepEqual(scheduler.takeLedger(), []);
  assert.equal(scheduler.onResult(0, 1, 0.95), 'pause');
  const [done] = scheduler.takeLedger();
  assert.ok(done.type === 'rungCompleted');
  assert.deepEqual(done.promoted, [8, 7, 6]);
  assert.equal(done.ranking[8].trialId, 4);
  assert.equal(done.ranking[8].error, NaN);
  assert.deepEqual(scheduler.nextJob(9, true), { kind: 'resume', trialId: 8, bracket: 0, fromEpoch: 1, untilEpoch: 3 });
  assert.equal(scheduler.onResult(8, 2, 0.5), 'continue');
  assert.equal(scheduler.onResult(8, 3, 0.5), 'pause');
  assert.throws(() => scheduler.onResult(8, 4, 0.5), /fills no slot/);
  scheduler.nextJob(9, true); scheduler.nextJob(9, true);
  scheduler.onResult(7, 3, 0.6); scheduler.onResult(6, 3, 0.4);
  assert.deepEqual(scheduler.nextJob(9, true), { kind: 'resume', trialId: 6, bracket: 0, fromEpoch: 3, untilEpoch: 9 });
  assert.equal(scheduler.onResult(6, 9, 0.3), 'stop');
});

test('sync-sh repeats bracket type 0 only', () => {
  const scheduler = createScheduler('sync-sh', OPTIONS);
  assert.equal(scheduler.kind, 'sync-sh');
  const brackets = new Set<number>();
  for (let id = 0; id < 243 * 3; id++) {
    const job = scheduler.nextJob(id, true)!;
    assert.equal(job.kind, 'new');
    if (job.kind === 'new') assert.equal(job.level, 1);
    brackets.add(job.bracket);
  }
  assert.deepEqual([...brackets], [0, 1, 2]);
  const types = scheduler.takeLedger().flatMap((e) => (e.type === 'bracketOpened' ? [e.bracketType] : []));
  assert.deepEqual(types, [0, 0, 0]);
});

test('ASHA promotes a paused trial once it is in the top 1/eta of its rung, the highest rung first', () => {
  const scheduler = createScheduler('asha', OPTIONS);
  assert.deepEqual(scheduler.rungLevels, [1, 3, 9, 27, 81, 200]);
  assert.deepEqual(scheduler.nextJob(0, true), { kind: 'new', trialId: 0, bracket: 0, level: 1, slotsRemaining: 1 });
  assert.equal(scheduler.onResult(0, 1, 0.30), 'pause');
  // One value cannot define a cutoff: a new trial instead.
  assert.equal(scheduler.nextJob(1, true)!.kind, 'new');
  assert.equal(scheduler.onResult(1, 1, 0.50), 'pause');
  // Cutoff = linear quantile(0.30, 0.50; 1/3) = 0.3667 >= 0.30: trial 0 goes to epoch 3.
  assert.deepEqual(scheduler.nextJob(2, true), { kind: 'resume', trialId: 0, bracket: 0, fromEpoch: 1, untilEpoch: 3 });
  // Trial 1 (0.50) is not in the top third: new trials until a better paused one exists.
  assert.equal(scheduler.nextJob(2, true)!.kind, 'new');
  assert.equal(scheduler.nextJob(3, false), null);
  assert.equal(scheduler.onResult(0, 2, 0.28), 'continue');
  assert.equal(scheduler.onResult(0, 3, 0.25), 'pause');
  assert.equal(scheduler.onResult(2, 1, 0.10), 'pause');
  // Rung 1 has a single value; rung 0 (0.10, 0.30, 0.50) promotes trial 2.
  assert.deepEqual(scheduler.nextJob(3, true), { kind: 'resume', trialId: 2, bracket: 0, fromEpoch: 1, untilEpoch: 3 });
  assert.equal(scheduler.onResult(2, 3, 0.05), 'pause');
  // Rung 1 now (0.05, 0.25): the highest rung is served first, trial 2 goes to 9.
  assert.deepEqual(scheduler.nextJob(3, true), { kind: 'resume', trialId: 2, bracket: 0, fromEpoch: 3, untilEpoch: 9 });
  assert.equal(scheduler.onResult(2, 9, NaN), 'stop');
});

test('ASHA stops trials that reach r_max', () => {
  const scheduler = createScheduler('asha', { rMin: 1, eta: 2, rMax: 2 });
  for (const id of [0, 1]) { scheduler.nextJob(id, true); scheduler.onResult(id, 1, id ? 0.9 : 0.1); }
  assert.deepEqual(scheduler.nextJob(2, true), { kind: 'resume', trialId: 0, bracket: 0, fromEpoch: 1, untilEpoch: 2 });
  assert.equal(scheduler.onResult(0, 2, 0.05), 'stop');
});

test('FIFO trains every trial to r_max and starts nothing when new trials are not allowed', () => {
  const scheduler = createScheduler('fifo', OPTIONS);
  assert.deepEqual(scheduler.nextJob(0, true), { kind: 'new', trialId: 0, bracket: 0, level: 200, slotsRemaining: 1 });
  for (let epoch = 1; epoch < 200; epoch++) assert.equal(scheduler.onResult(0, epoch, 0.5), 'continue');
  assert.equal(scheduler.onResult(0, 200, 0.5), 'stop');
  assert.equal(scheduler.nextJob(1, false), null);
  assert.throws(() => createScheduler('nope' as never, OPTIONS), /unknown scheduler/);
});

test('linear quantile matches numpy', () => {
  assert.equal(linearQuantile([1, 2, 3, 4], 0.5), 2.5);
  assert.equal(linearQuantile([0.3, 0.5], 1 / 3), 0.3 + 0.2 / 3);
  assert.equal(linearQuantile([1, 2, 3], 1 / 3), 1 + 2 / 3);
  assert.equal(linearQuantile([7], 0.9), 7);
});
