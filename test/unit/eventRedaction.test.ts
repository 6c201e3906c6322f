import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { StudyEvent, StudyEventDraft } from '../../src/core/events/studyEvents';
import { SecretRedactor } from '../../src/core/llm/secretRedactor';
import { redactingSink } from '../../src/core/study/eventRedaction';
import type { LlmChat } from '../../src/core/llambo/llmChat';
import { runStudy } from '../../src/core/study/studyRunner';
import { makeFakeBenchmark } from '../support/fakeBenchmark';
import { UNUSED_ENDPOINT } from '../support/llamboStudyHarness';

const KEY = 'sk-proj-abcdef123456';

test('the key is cut out of text-carrying events before any sink sees them', () => {
  const seen: StudyEvent[][] = [[], []];
  const sink = redactingSink([KEY], [(e) => seen[0].push(e), (e) => seen[1].push(e)]);
  const error: StudyEvent = { seq: 0, time: 1, type: 'studyError', message: `401 for key ${KEY}: invalid` };
  const result: StudyEvent = { seq: 1, time: 2, type: 'result', trialId: 0, epoch: 1, error: 0.5, seed: 0, elapsed: 10, runtime: 10 };
  sink(error);
  sink(result);
  for (const events of seen) {
    assert.equal(events.length, 2);
    assert.equal((events[0] as { message: string }).message, '401 for key [redacted]: invalid');
    assert.equal(events[1], result, 'results pass through as the same object');
    assert.ok(!JSON.stringify(events).includes(KEY));
  }
});

test('without a key (or with a placeholder too short to be one) events pass through', () => {
  const event: StudyEvent = { seq: 0, time: 0, type: 'searcherInfo', message: 'key x' };
  for (const key of [undefined, 'x']) {
    const out: StudyEvent[] = [];
    redactingSink([key], [(e) => out.push(e)])(event);
    assert.equal(out[0], event);
  }
  const redactor = new SecretRedactor([KEY]);
  assert.equal(redactor.redact(`a ${KEY} b ${KEY}`), 'a [redacted] b [redacted]');
  assert.equal(redactor.redact('nothing here'), 'nothing here');
});

test('runStudy cuts the key out before any sink it is given (the CLI writes events.jsonl from such a sink)', async () => {
  const events: StudyEvent[] = [];
  const chat: LlmChat = async () => { throw new Error(`401 Unauthorized: incorrect API key ${KEY}`); };
  await runStudy(
    { searcher: 'llambo', hours: 0.2, seed: 1, studyId: 'redaction', llm: UNUSED_ENDPOINT },
    { benchmark: makeFakeBenchmark(), sinks: [(e) => events.push(e)], llm: { apiKey: KEY, chat } },
  );
  const text = JSON.stringify(events);
  assert.ok(text.includes('incorrect API key [redacted]'), 'the failure text reached the events, redacted');
  assert.ok(!text.includes(KEY));
});

test('numbered drafts: passed through as they are when no text is to be redacted, made events and redacted when there is', () => {
  const drafts: [number, StudyEventDraft][] = [];
  const events: StudyEvent[] = [];
  const numberedTarget = Object.assign((e: StudyEvent) => { events.push(e); }, { numbered: (seq: number, d: StudyEventDraft) => { drafts.push([seq, d]); } });
  const sink = redactingSink([KEY], [numberedTarget]);
  assert.ok(sink.numbered, 'every target takes drafts, so the redacting sink does');
  const result: StudyEventDraft = { type: 'result', time: 2, trialId: 0, epoch: 1, error: 0.5, seed: 0, elapsed: 10, runtime: 10 };
  sink.numbered(4, result);
  sink.numbered(5, { type: 'studyError', time: 3, message: `401 for key ${KEY}` });
  assert.deepEqual(drafts, [[4, result]]);
  assert.equal(drafts[0][1], result, 'the same draft object');
  assert.deepEqual(events, [{ seq: 5, type: 'studyError', time: 3, message: '401 for key [redacted]' }]);
  const withoutKey = redactingSink([undefined], [numberedTarget]);
  withoutKey.numbered!(6, { type: 'searcherInfo', time: 4, message: 'plain text' });
  assert.deepEqual(drafts.at(-1), [6, { type: 'searcherInfo', time: 4, message: 'plain text' }]);
  assert.equal(redactingSink([KEY], [numberedTarget, (e) => events.push(e)]).numbered, undefined, 'a target that needs events: no drafts');
});
