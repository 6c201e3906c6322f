import { test } from 'node:test';
import assert from 'node:assert/strict';
import { withWaitProgress } from '../../src/cli/llmWaitProgress';
import { LlmClient } from '../../src/core/llm/llmClient';
import type { LlmWait } from '../../src/core/llm/llmTypes';
import { createStudyLlmClient } from '../../src/core/study/studyLlmClient';
import { parseStudySpec } from '../../src/core/study/studySpec';
import { chatCompletion, FakeLlmServer, type FakeReply } from '../support/fakeLlmServer';

const ask = { messages: [{ role: 'user' as const, content: 'hi' }] };

test('the client reports the backoff before each retry and every rate-limit wait, in order', async () => {
  const server = await new FakeLlmServer((_body, index): FakeReply => (index < 2
    ? { status: 429, headers: (index === 0 ? { 'retry-after': '12' } : {}) as Record<string, string>, json: { error: { message: 'slow down' } } }
    : { json: chatCompletion() })).start();
  try {
    let clock = 0;
    const waits: LlmWait[] = [];
    const client = new LlmClient({
      baseUrl: server.baseUrl, model: 'm', requestsPerMinute: 1, maxRetries: 3, random: () => 0.5,
      now: () => clock, sleep: async (ms) => { clock += ms; }, onWait: (w) => waits.push(w),
    });
    await client.chat(ask);
    assert.deepEqual(waits.map((w) => [w.reason, w.attempt]), [['retry', 1], ['rateLimit', undefined], ['retry', 2], ['rateLimit', undefined]]);
    assert.equal(waits[0].ms, 12_000, 'Retry-After');
    assert.match(waits[0].detail ?? '', /HTTP 429/);
    assert.equal(server.requests.length, 3);
  } finally {
    await server.close();
  }
});

test('CLI study access: waits show on the bar, and long ones as a line', async () => {
  const server = await new FakeLlmServer((_body, index): FakeReply => (index === 0
    ? { status: 503, headers: { 'retry-after': '30' }, json: { error: { message: 'overloaded' } } }
    : { json: chatCompletion() })).start();
  try {
    const bar: string[] = [], lines: string[] = [];
    const spec = parseStudySpec({ searcher: 'llambo', llm: { baseUrl: server.baseUrl, model: 'm', maxRetries: 2 } });
    const access = withWaitProgress({ clientOverrides: { sleep: async () => {} } }, { bar: (t) => bar.push(t), line: (t) => lines.push(t) });
    await createStudyLlmClient(spec.llm!, access).chat(ask);
    assert.deepEqual(bar, ['LLM: retrying in 30 s after attempt 1 failed (HTTP 503: overloaded)']);
    assert.deepEqual(lines, ['note: LLM: retrying in 30 s after attempt 1 failed (HTTP 503: overloaded)']);
  } finally {
    await server.close();
  }
});
