import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { StudyEvent } from '../../src/core/events/studyEvents';
import { EventBatcher } from '../../src/worker/eventBatcher';

const event = (type: string, trialId = 0) => ({ type, trialId }) as unknown as StudyEvent;

test('the batch holding the first result is delivered with the event after it; later results wait for the interval or a full batch', () => {
  let now = 0;
  const delivered: string[][] = [];
  const batcher = new EventBatcher((events) => delivered.push(events.map((e) => e.type)), { maxEvents: 4, intervalMs: 100, now: () => now });
  batcher.push(event('studyStarted'));
  batcher.push(event('trialStarted'));
  assert.equal(delivered.length, 0, 'events before any result wait');
  batcher.push(event('result'));
  assert.equal(delivered.length, 0, 'the first result waits for the event it brings');
  batcher.push(event('incumbentChanged'));
  assert.deepEqual(delivered, [['studyStarted', 'trialStarted', 'result', 'incumbentChanged']]);
  batcher.push(event('result', 1));
  batcher.push(event('trialStarted', 2));
  now = 50;
  batcher.push(event('result', 2));
  assert.equal(delivered.length, 1, 'a second result does not force a delivery');
  batcher.push(event('result', 3));
  assert.deepEqual(delivered[1], ['result', 'trialStarted', 'result', 'result'], 'a full batch goes');
  batcher.push(event('trialStopped', 3));
  batcher.flush();
  assert.deepEqual(delivered[2], ['trialStopped']);
  assert.equal(batcher.pending, 0);
});

test("the study's first batch goes as soon as the study yields; later quiet batches wait for the interval", async () => {
  const delivered: string[][] = [];
  const batcher = new EventBatcher((events) => delivered.push(events.map((e) => e.type)), { intervalMs: 60_000 });
  batcher.push(event('studyStarted'));
  batcher.push(event('bracketOpened'));
  assert.equal(delivered.length, 0, 'not while the study runs on');
  await new Promise((r) => setTimeout(r, 0));
  assert.deepEqual(delivered, [['studyStarted', 'bracketOpened']]);
  batcher.push(event('llmCall'));
  await new Promise((r) => setTimeout(r, 5));
  assert.equal(delivered.length, 1, 'the next quiet batch waits for the interval');
  batcher.flush();
  assert.deepEqual(delivered[1], ['llmCall']);
});

test('a first result with nothing after it goes as soon as the study yields', async () => {
  const delivered: string[][] = [];
  const batcher = new EventBatcher((events) => delivered.push(events.map((e) => e.type)), { intervalMs: 60_000 });
  batcher.push(event('studyStarted'));
  batcher.push(event('result'));
  assert.equal(delivered.length, 0);
  await new Promise((r) => setTimeout(r, 0));
  assert.deepEqual(delivered, [['studyStarted', 'result']]);
  batcher.push(event('incumbentChanged'));
  assert.equal(delivered.length, 1, 'after the first result, events wait for the interval again');
});
