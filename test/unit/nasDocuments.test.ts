/** The llambo-nas: documents: their paths name what they show, and their text comes from the study's log. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { StudyEvent } from '../../src/core/events/studyEvents';
import { parseArchString, toArchString } from '../../src/core/nb201/searchSpace';
import { llmCallMarkdown } from '../../src/core/panel/llmCallMarkdown';
import { runStudy } from '../../src/core/study/studyRunner';
import { cellMarkdown, llmCallTextIn, nasDocumentMarkdown } from '../../src/extension/nasDocumentContent';
import { nasDocumentPath, parseNasDocumentPath } from '../../src/extension/nasDocumentUris';
import { makeFakeBenchmark } from '../support/fakeBenchmark';
import { fakeChat, noiseReplier } from '../support/llmResponders';

const ARCH = '|nor_conv_3x3~0|+|skip_connect~0|nor_conv_1x1~1|+|avg_pool_3x3~0|none~1|nor_conv_3x3~2|';

test('document paths round-trip and name the study, the call and the cell', () => {
  const call = { kind: 'llmCall', studyId: 'llambo-sync-hyperband-s0-20261202-013000', callId: 'sampler-12' } as const;
  assert.equal(nasDocumentPath(call), '/llambo-sync-hyperband-s0-20261202-013000/call-sampler-12.md');
  assert.deepEqual(parseNasDocumentPath(nasDocumentPath(call)), call);
  const cell = parseArchString(ARCH);
  assert.equal(nasDocumentPath({ kind: 'cell', cell }), '/cells/cell-312403.md');
  assert.deepEqual(parseNasDocumentPath('/cells/cell-312403.md'), { kind: 'cell', cell });
  const odd = { kind: 'llmCall', studyId: 'a b', callId: 'c/d' } as const;
  assert.deepEqual(parseNasDocumentPath(nasDocumentPath(odd)), odd, 'characters a path cannot hold are escaped');
});

test('a path of another shape is refused with the shapes it may take', () => {
  for (const path of ['/cells/cell-312405.md', '/cells/cell-31240.md', '/study/notes.md', '/call-1.md', '/a/b/call-1.md', '/cells/call-1.md']) {
    assert.throws(() => parseNasDocumentPath(path), (error: Error) => error.message.includes(path) && error.message.includes('/<studyId>/call-<callId>.md'), path);
  }
});

test('an LLM call document is the Markdown of that call in the study\'s log; a missing study or call says which', async () => {
  const events: StudyEvent[] = [];
  await runStudy({ searcher: 'llambo', hours: 0.3, seed: 1, studyId: 'docs', llm: { model: 'scripted-noise', baseUrl: 'http://127.0.0.1:9/v1' } },
    { benchmark: makeFakeBenchmark(), sinks: [(e) => events.push(e)], llm: { chat: fakeChat(noiseReplier) } });
  const calls = events.filter((e) => e.type === 'llmCall');
  assert.ok(calls.length >= 2, `the study made LLM calls (${calls.length})`);
  const last = calls[calls.length - 1];
  if (last.type !== 'llmCall') throw new Error('an llmCall event');
  const text = llmCallTextIn(events, last.callId);
  assert.equal(text?.reply, last.reply, 'the reply of that call, not another');
  assert.deepEqual(text?.messages.map((m) => m.content), last.messages.map((m) => m.content));
  const eventsOf = (id: string) => (id === 'docs' ? events : undefined);
  const markdown = nasDocumentMarkdown({ kind: 'llmCall', studyId: 'docs', callId: last.callId }, eventsOf);
  assert.equal(markdown, llmCallMarkdown(text!));
  assert.ok(markdown.startsWith(`# LLM call ${last.callId}\n`));
  assert.throws(() => nasDocumentMarkdown({ kind: 'llmCall', studyId: 'docs', callId: 'no-such-call' }, eventsOf), /LLM call no-such-call is not in the log of study docs/);
  assert.throws(() => nasDocumentMarkdown({ kind: 'llmCall', studyId: 'gone', callId: last.callId }, eventsOf), /Study gone is not in this workspace/);
});

test('a cell document shows the canonical arch string, the diagram and one row per edge', () => {
  const cell = parseArchString(ARCH);
  const markdown = nasDocumentMarkdown({ kind: 'cell', cell }, () => undefined);
  assert.equal(markdown, cellMarkdown(toArchString(cell), cell));
  assert.ok(markdown.includes(ARCH));
  assert.match(markdown, /!\[[^\]]*\]\(data:image\/svg\+xml;base64,[A-Za-z0-9+/=]{200,}\)/);
  assert.deepEqual(markdown.split('\n').filter((l) => /^\| \d→\d \|/.test(l)).map((l) => l.split(' | ')[1]),
    ['nor_conv_3x3', 'skip_connect', 'nor_conv_1x1', 'avg_pool_3x3', 'none', 'nor_conv_3x3']);
});
