import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { StudyEvent } from '../../src/core/events/studyEvents';
import { EventLoopYield } from '../../src/core/sim/eventLoopYield';
import { runStudy } from '../../src/core/study/studyRunner';
import { makeFakeBenchmark } from '../support/fakeBenchmark';

test('the yield asks for a turn only once its slice of wall time is used up', async () => {
  let now = 0;
  const loop = new EventLoopYield(() => now, 50, 1);
  assert.equal(loop.due(), undefined);
  now = 49;
  assert.equal(loop.due(), undefined);
  now = 50;
  const turn = loop.due();
  assert.ok(turn instanceof Promise);
  await turn;
  assert.equal(loop.due(), undefined, 'a new slice starts after the turn');
});

test('the clock is read once per turnsPerRead calls, and a used-up slice is noticed at the next read', async () => {
  let now = 0;
  let reads = 0;
  const loop = new EventLoopYield(() => { reads++; return now; }, 50, 4);
  assert.equal(reads, 1, 'the slice starts with one read');
  now = 60;
  const answers = Array.from({ length: 3 }, () => loop.due());
  assert.deepEqual(answers, [undefined, undefined, undefined], 'no read yet, so no turn');
  assert.equal(reads, 1);
  const turn = loop.due();
  assert.ok(turn instanceof Promise, 'the fourth call reads the clock and finds the slice used up');
  await turn;
  assert.equal(reads, 3, 'one read to check, one to start the next slice');
});

test('an abort set from a macrotask (as a SIGINT handler does) ends a synchronous study as cancelled, log valid', async () => {
  const controller = new AbortController();
  const events: StudyEvent[] = [];
  // Fires only when the study yields: a study that never does runs its whole 400 h and reports "budget".
  setImmediate(() => controller.abort());
  const summary = await runStudy({ searcher: 'random', workers: 64, hours: 400, seed: 3 }, {
    benchmark: makeFakeBenchmark(), signal: controller.signal, sinks: [(e) => events.push(e)],
  });
  assert.equal(summary.stopReason, 'cancelled');
  assert.equal(events[0].type, 'studyStarted');
  assert.equal(events[events.length - 1].type, 'studyFinished');
  events.forEach((e, i) => assert.equal(e.seq, i, 'events numbered without gaps'));
});
