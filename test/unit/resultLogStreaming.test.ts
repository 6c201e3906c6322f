import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { StudyEvent } from '../../src/core/events/studyEvents';
import { ResultLog, type LoggedResult } from '../../src/core/readModel/resultLog';

/** A result event of `trialId` at `epoch`, at time `time` (only the fields the result log reads matter). */
const result = (trialId: number, epoch: number, time: number) =>
  ({ type: 'result', seq: 0, time, trialId, epoch, error: 0.5, runtime: 10, elapsed: epoch * 10 }) as unknown as StudyEvent;
const paused = (trialId: number, time: number) => ({ type: 'trialPaused', seq: 0, time, trialId }) as unknown as StudyEvent;

test('results are released in report order as they settle, holding only about one open result per trial', () => {
  const released: LoggedResult[] = [];
  const log = new ResultLog((r) => released.push({ ...r }));
  const trials = 8, epochs = 5000;
  let reported = 0, time = 0;
  for (let epoch = 1; epoch <= epochs; epoch++) {
    for (let trialId = 0; trialId < trials; trialId++) {
      log.add(result(trialId, epoch, ++time));
      reported++;
      // Every result but the latest of each trial is settled, and all earlier ones are out.
      assert.ok(reported - released.length <= trials, `${reported - released.length} results held after ${reported}`);
    }
  }
  for (let trialId = 0; trialId < trials - 1; trialId++) log.add(paused(trialId, ++time));
  assert.equal(released.length, reported - 1, 'the last trial is still open, so it holds back only its own (last) result');
  log.finish();
  assert.equal(released.length, reported);
  assert.deepEqual(released.map((r) => r.time), Array.from({ length: reported }, (_, i) => i + 1), 'report order');
  assert.deepEqual(released.slice(-trials).map((r) => r.decision), [...Array(trials - 1).fill('PAUSE'), 'CONTINUE']);
  assert.equal(released.at(-1)!.status, 'InProgress');
  assert.ok(released.slice(0, -trials).every((r) => r.decision === 'CONTINUE' && r.status === 'InProgress'));
});
