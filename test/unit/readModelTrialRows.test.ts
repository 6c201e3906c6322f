import { test } from 'node:test';
import assert from 'node:assert/strict';
import { toArchString } from '../../src/core/nb201/searchSpace';
import type { StudyEvent, StudyEventDraft } from '../../src/core/events/studyEvents';
import { StudyReadModel } from '../../src/core/readModel/studyReadModel';

const foldTrials = (events: StudyEvent[]) => StudyReadModel.of(events).trials.rows();

function numbered(drafts: StudyEventDraft[]): StudyEvent[] {
  return drafts.map((draft, seq) => ({ seq, ...draft }) as StudyEvent);
}

test('events fold into one row per trial with epochs, errors, resumes and status', () => {
  const a = [3, 3, 3, 1, 3, 2], b = [0, 1, 2, 3, 4, 0];
  const rows = foldTrials(numbered([
    { type: 'trialStarted', time: 0, trialId: 1, arch: toArchString(b), ops: b, bracket: 0, untilEpoch: 1, seed: 2, fallback: true },
    { type: 'trialStarted', time: 0, trialId: 0, arch: toArchString(a), ops: a, bracket: 0, untilEpoch: 1, seed: 1 },
    { type: 'result', time: 5, trialId: 0, epoch: 1, error: 0.5, seed: 1, elapsed: 5, runtime: 5 },
    { type: 'trialPaused', time: 5, trialId: 0, epoch: 1 },
    { type: 'result', time: 6, trialId: 1, epoch: 1, error: 0.8, seed: 2, elapsed: 6, runtime: 6 },
    { type: 'trialPaused', time: 6, trialId: 1, epoch: 1 },
    { type: 'trialStopped', time: 6, trialId: 1, epoch: 1, reason: 'notPromoted' },
    { type: 'trialResumed', time: 6, trialId: 0, bracket: 0, fromEpoch: 1, untilEpoch: 3 },
    { type: 'result', time: 11, trialId: 0, epoch: 2, error: 0.3, seed: 1, elapsed: 10, runtime: 5 },
    { type: 'result', time: 16, trialId: 0, epoch: 3, error: 0.35, seed: 1, elapsed: 15, runtime: 5 },
    { type: 'trialPaused', time: 16, trialId: 0, epoch: 3 },
    { type: 'result', time: 17, trialId: 99, epoch: 1, error: 0.1, seed: 0, elapsed: 1, runtime: 1 },
  ]));
  assert.deepEqual(rows.map((r) => r.id), [0, 1], 'sorted by id; results of unknown trials are ignored');
  const [t0, t1] = rows;
  assert.equal(t0.epochs, 3);
  assert.equal(t0.error, 0.35);
  assert.equal(t0.bestError, 0.3);
  assert.equal(t0.bestErrorEpoch, 2);
  assert.equal(t0.results, 3);
  assert.equal(t0.rung, 1);
  assert.equal(t0.status, 'paused');
  assert.equal(t0.elapsed, 15);
  assert.equal(t0.lastTime, 16);
  assert.equal(t0.arch, toArchString(a));
  assert.equal(t1.status, 'stopped');
  assert.equal(t1.stopReason, 'notPromoted');
  assert.equal(t1.fallback, true);
  assert.equal(t1.seed, 2);
});

test('a failed evaluation leaves best error unset and marks the trial failed', () => {
  const c = [1, 1, 1, 1, 1, 1];
  const [row] = foldTrials(numbered([
    { type: 'trialStarted', time: 0, trialId: 3, arch: toArchString(c), ops: c, bracket: 2, untilEpoch: 9, seed: 0 },
    { type: 'result', time: 1, trialId: 3, epoch: 1, error: null, seed: 0, elapsed: 1, runtime: 1 },
    { type: 'trialStopped', time: 1, trialId: 3, epoch: 1, reason: 'failed' },
  ]));
  assert.equal(row.bestError, null);
  assert.equal(row.error, null);
  assert.equal(row.status, 'failed');
  assert.equal(row.bracket, 2);
});
