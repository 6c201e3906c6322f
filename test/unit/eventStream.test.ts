import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { EventSink, StudyEvent, StudyEventDraft } from '../../src/core/events/studyEvents';
import { EventStream } from '../../src/core/study/eventStream';

const drafts: StudyEventDraft[] = [
  { type: 'trialPaused', time: 1, trialId: 0, epoch: 1 },
  { type: 'result', time: 2, trialId: 0, epoch: 2, error: 0.5, seed: 0, elapsed: 4, runtime: 2 },
  { type: 'trialStopped', time: 2, trialId: 0, epoch: 2, reason: 'completed' },
];

function numberedSink(seen: [number, StudyEventDraft][], events: StudyEvent[]): EventSink {
  return Object.assign((event: StudyEvent) => { events.push(event); }, { numbered: (seq: number, draft: StudyEventDraft) => { seen.push([seq, draft]); } });
}

test('when every sink takes numbered drafts, they get seq and the draft itself, in order, and no event is built', () => {
  const a: [number, StudyEventDraft][] = [];
  const b: [number, StudyEventDraft][] = [];
  const events: StudyEvent[] = [];
  const stream = new EventStream([numberedSink(a, events), numberedSink(b, events)]);
  const observed: StudyEventDraft[] = [];
  stream.observeDrafts((draft) => observed.push(draft));
  assert.deepEqual(drafts.map((draft) => stream.emit(draft)), [0, 1, 2]);
  assert.deepEqual(a, drafts.map((draft, seq) => [seq, draft]));
  assert.deepEqual(b, a);
  assert.ok(a.every(([seq, draft]) => draft === drafts[seq]), 'the drafts themselves');
  assert.deepEqual(events, [], 'the event form is not called');
  assert.deepEqual(observed, drafts);
  assert.equal(stream.count, 3);
});

test('one sink that needs events: every sink gets the numbered events', () => {
  const seen: [number, StudyEventDraft][] = [];
  const events: StudyEvent[] = [];
  const plain: StudyEvent[] = [];
  const stream = new EventStream([numberedSink(seen, events), (event) => plain.push(event)]);
  for (const draft of drafts) stream.emit(draft);
  assert.deepEqual(seen, []);
  assert.deepEqual(events, drafts.map((draft, seq) => ({ seq, ...draft })));
  assert.deepEqual(plain, events);
  assert.deepEqual(Object.keys(events[1]), ['seq', 'type', 'time', 'trialId', 'epoch', 'error', 'seed', 'elapsed', 'runtime'], 'seq comes first');
});

test('an unread event is counted with its seq and time but never built; a stream with sinks refuses to skip one', () => {
  const stream = new EventStream();
  const observed: StudyEventDraft[] = [];
  stream.observeDrafts((draft) => observed.push(draft));
  assert.equal(stream.emit(drafts[0]), 0);
  stream.countUnread(7.5);
  assert.equal(stream.count, 2);
  assert.equal(stream.time, 7.5, 'the latest time is the unread event\'s');
  assert.equal(stream.emit(drafts[1]), 2, 'the next event is numbered after the unread one');
  assert.deepEqual(observed, [drafts[0], drafts[1]]);
  const withSink = new EventStream([() => {}]);
  assert.throws(() => withSink.countUnread(1), /has sinks/);
  assert.equal(withSink.count, 0);
});

