import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StartTimeline, startTimingsLine, type StartTimings } from '../../src/extension/startTimeline';

test('a start timeline keeps the first time of each step and tells its sink once, when the first result reached the webview', () => {
  const told: StartTimings[] = [];
  const timeline = new StartTimeline((timings) => told.push(timings), 1000);
  timeline.mark('picked');
  timeline.mark('webviewReady');
  timeline.mark('resultsPosted');
  assert.equal(told.length, 0, 'nothing is told before the first result reached the webview');
  timeline.mark('resultsDelivered');
  timeline.mark('picked');
  timeline.mark('resultsDelivered');
  assert.equal(told.length, 1);
  const marks = told[0].marks;
  assert.deepEqual(Object.keys(marks), ['picked', 'webviewReady', 'resultsPosted', 'resultsDelivered']);
  assert.ok((marks.picked as number) <= (marks.webviewReady as number) && (marks.webviewReady as number) <= (marks.resultsDelivered as number));
  assert.equal(told[0].origin, 1000);
});

test('the timings line lists the steps in the order they happened, as offsets from the pick', () => {
  const line = startTimingsLine({ origin: 0, marks: { picked: 100, workerStarted: 450.4, panelCreated: 130, resultsDelivered: 900 } });
  assert.equal(line, 'picked +0 ms, panelCreated +30 ms, workerStarted +350 ms, resultsDelivered +800 ms');
  assert.equal(startTimingsLine({ origin: 50, marks: { webviewReady: 80 } }), 'webviewReady +30 ms', 'without a pick, offsets are from the origin');
});

test("the worker's steps join the timings (the first of each counts) and the line, prefixed and in time order", () => {
  const told: StartTimings[] = [];
  const timeline = new StartTimeline((timings) => told.push(timings), 0);
  timeline.mark('picked');
  timeline.markWorker({ startReceived: 5 });
  timeline.markWorker({ startReceived: 50, llmRequestSent: 20 });
  timeline.mark('resultsDelivered');
  timeline.markWorker({ firstResult: 30 });
  assert.equal(told.length, 1);
  assert.deepEqual(Object.keys(told[0].worker ?? {}), ['startReceived', 'llmRequestSent']);
  assert.equal(told[0].worker?.startReceived, 5, 'the first mark of a step counts');
  assert.equal(told[0].worker?.firstResult, undefined, 'marks after the sink was told are dropped');
  const line = startTimingsLine({ origin: 0, marks: { picked: 100, workerStarted: 150, resultsDelivered: 900 }, worker: { llmRequestSent: 400, startReceived: 160 } });
  assert.equal(line, 'picked +0 ms, workerStarted +50 ms, worker:startReceived +60 ms, worker:llmRequestSent +300 ms, resultsDelivered +800 ms');
});
