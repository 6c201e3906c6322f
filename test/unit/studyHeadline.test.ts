import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { StudyEvent } from '../../src/core/events/studyEvents';
import { runStudy } from '../../src/core/study/studyRunner';
import { StudyHeadlineFold } from '../../src/extension/studyHeadline';
import { makeFakeBenchmark } from '../support/fakeBenchmark';

const benchmark = makeFakeBenchmark();

test('the headline counts what the events say, incrementally, and takes status changes no event records', async () => {
  const events: StudyEvent[] = [];
  await runStudy({ searcher: 'random', hours: 1, seed: 2, studyId: 'headline' }, { benchmark, sinks: [(e) => events.push(e)] });
  const fold = new StudyHeadlineFold('headline', { searcher: 'from-spec', budgetSeconds: 7 });
  assert.equal(fold.current.searcher, 'from-spec', 'the spec stands in before studyStarted');
  assert.equal(fold.current.status, 'running');
  const half = Math.floor(events.length / 2);
  fold.addAll(events.slice(0, half));
  const midway = fold.current;
  assert.equal(midway.status, 'running');
  assert.equal(midway.searcher, 'random');
  assert.equal(midway.budgetSeconds, 3600);
  assert.equal(midway.trialsStarted, events.slice(0, half).filter((e) => e.type === 'trialStarted').length);
  assert.equal(midway.resultsReported, events.slice(0, half).filter((e) => e.type === 'result').length);
  const done = fold.addAll(events.slice(half));
  const finished = events.at(-1) as Extract<StudyEvent, { type: 'studyFinished' }>;
  assert.equal(done.status, 'finished');
  assert.equal(done.trialsStarted, finished.trialsStarted);
  assert.equal(done.resultsReported, finished.resultsReported);
  assert.equal(done.incumbent?.arch, finished.incumbentArch);
  assert.equal(done.table, benchmark.info.label);
  assert.equal(midway.status, 'running', 'an earlier headline is a copy');

  assert.equal(fold.setStatus('cancelled', 'stopped by the user').status, 'cancelled');
  fold.add({ seq: events.length, time: finished.time, type: 'studyError', message: 'worker died' });
  assert.deepEqual([fold.current.status, fold.current.message], ['failed', 'worker died'], 'a later event replaces the set status');
});
