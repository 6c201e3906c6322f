import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadTable } from '../../src/core/benchmark/tableLoader';
import { clipReplyForLog, MAX_LOGGED_REPLY_CHARS } from '../../src/core/llambo/replyLogClip';
import { LlmClient } from '../../src/core/llm/llmClient';
import { LlmBudgetExhausted, LlmRequestFailed } from '../../src/core/llm/llmErrors';
import { MAX_REPLY_BYTES } from '../../src/core/llm/replySizeLimit';
import { runStudy } from '../../src/core/study/studyRunner';
import type { LlmCallEvent } from '../../src/core/events/studyEvents';
import { chatCompletion, FakeLlmServer } from '../support/fakeLlmServer';
import { collectEvents } from '../support/llamboStudyHarness';

const ask = (content = 'hello') => ({ messages: [{ role: 'user' as const, content }], maxTokens: 100 });
/** $1 per million tokens in and out: a price, so the dollar budget applies. */
const PRICES = { m: { inputPerMTok: 1, outputPerMTok: 1 } };

test('a 20 MB reply fails its call clearly after the byte cap, and is not retried', async () => {
  const huge = 'x'.repeat(20 * 1024 * 1024);
  const server = await new FakeLlmServer(() => ({ json: chatCompletion({ texts: [huge] }) })).start();
  try {
    const client = new LlmClient({ baseUrl: server.baseUrl, model: 'm', maxRetries: 3 });
    const error = await client.chat(ask()).catch((e: unknown) => e);
    assert.ok(error instanceof LlmRequestFailed, String(error));
    assert.equal(error.reason, 'tooLarge');
    assert.match(error.message, new RegExp(`reply larger than the ${MAX_REPLY_BYTES}-byte limit`));
    assert.equal(server.requests.length, 1, 'the same request would bring the same reply: no retry');
  } finally {
    await server.close();
  }
});

test('usage of 1e309, a negative or a string is unknown: the request estimate is charged and the dollar budget applies', async () => {
  const bodies = [
    '{"choices":[{"message":{"content":"a"},"finish_reason":"stop"}],"usage":{"prompt_tokens":1e309,"completion_tokens":1e309}}',
    JSON.stringify({ choices: [{ message: { content: 'b' }, finish_reason: 'stop' }], usage: { prompt_tokens: -5, completion_tokens: 'many' } }),
  ];
  const server = await new FakeLlmServer((_body, index) => ({ rawBody: bodies[index % bodies.length] })).start();
  try {
    const client = new LlmClient({ baseUrl: server.baseUrl, model: 'm', prices: PRICES, budget: { maxUsd: 0.0003 } });
    const prompt = 'p'.repeat(400); // 100 tokens by the chars/4 estimate
    const first = await client.chat(ask(prompt));
    assert.deepEqual(first.usage, { promptTokens: 100, completionTokens: 100, cachedTokens: 0 });
    assert.ok(first.costUsd > 0);
    const second = await client.chat(ask(prompt));
    assert.deepEqual(second.usage, { promptTokens: 100, completionTokens: 100, cachedTokens: 0 });
    await assert.rejects(client.chat(ask(prompt)), LlmBudgetExhausted, 'estimated usage spent the $0.0003 budget');
    assert.equal(server.requests.length, 2);
  } finally {
    await server.close();
  }
});

test('an endpoint reporting huge usage: queued calls are not sent once the budget is spent', async () => {
  const server = await new FakeLlmServer(() => ({ delayMs: 5, json: chatCompletion({ promptTokens: 50_000_000, completionTokens: 1 }) })).start();
  try {
    const concurrency = 2;
    const client = new LlmClient({ baseUrl: server.baseUrl, model: 'm', prices: PRICES, concurrency, budget: { maxUsd: 1 } });
    const outcomes = await Promise.allSettled(Array.from({ length: 12 }, (_, i) => client.chat(ask(`q${i}`))));
    const sent = server.requests.length;
    assert.ok(sent <= concurrency, `${sent} requests sent; only the ${concurrency} in flight may overshoot`);
    assert.equal(outcomes.filter((o) => o.status === 'fulfilled').length, sent);
    assert.ok(outcomes.filter((o) => o.status === 'rejected').every((o) => (o as PromiseRejectedResult).reason instanceof LlmBudgetExhausted));
    assert.ok(client.totals.costUsd <= concurrency * 50.000001, String(client.totals.costUsd));
  } finally {
    await server.close();
  }
});

test('a reply nested 6,000 levels deep: every call sent is logged and counted, and every event serialises', async () => {
  const deep = '['.repeat(6000) + ']'.repeat(6000);
  const server = await new FakeLlmServer(() => ({ json: chatCompletion({ texts: [deep] }) })).start();
  try {
    const { events, sink } = collectEvents();
    const summary = await runStudy({
      searcher: 'llambo', hours: 0.3, seed: 1, studyId: 'deep',
      llm: { baseUrl: server.baseUrl, model: 'fake-llm', concurrency: 2, maxRetries: 0 },
    }, { benchmark: loadTable(), sinks: [sink] });
    for (const event of events) JSON.stringify(event); // what the event log does with each
    const calls = events.filter((e): e is LlmCallEvent => e.type === 'llmCall');
    assert.ok(server.requests.length > 0);
    assert.equal(calls.filter((c) => c.reply !== null).length, server.requests.length, 'one logged call per request sent');
    assert.equal(summary.llm?.httpRequests, server.requests.length);
  } finally {
    await server.close();
  }
});

test('the log keeps the start of an oversized reply with a marker saying it was cut', () => {
  const reply = 'y'.repeat(MAX_LOGGED_REPLY_CHARS + 10);
  const logged = clipReplyForLog(reply);
  assert.ok(logged.startsWith('y'.repeat(MAX_LOGGED_REPLY_CHARS)));
  assert.match(logged, new RegExp(`\\[reply cut for the log: ${MAX_LOGGED_REPLY_CHARS} of ${reply.length} characters kept\\]$`));
  assert.equal(clipReplyForLog('short'), 'short');
});
