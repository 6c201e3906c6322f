import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadTable } from '../../src/core/benchmark/tableLoader';
import type { LlmCallEvent, StudyEvent } from '../../src/core/events/studyEvents';
import { LlmCallRecorder, type LlmCallEventDraft } from '../../src/core/llambo/llmCallRecorder';
import type { LlmChat } from '../../src/core/llambo/llmChat';
import { LlmClient } from '../../src/core/llm/llmClient';
import { runStudy } from '../../src/core/study/studyRunner';
import { FakeLlmServer, type FakeReply, type FakeResponder, type RecordedRequest } from '../support/fakeLlmServer';
import { benchmarkOracle, collectEvents } from '../support/llamboStudyHarness';
import { oracleReplier, serverResponder } from '../support/llmResponders';

/**
 * Endpoints that refuse parts of a request, as real ones do: structured output on a model without it,
 * sampling parameters on a reasoning model. The client must meet each refusal once per study, not
 * once per call, and say what it changed. The refusal bodies are OpenAI's own wording and shape
 * ({"error": {"message", "type": "invalid_request_error", "param", "code"}}), as reported in issue
 * threads for gpt-4 / o1 / gpt-5 (e.g. "Unsupported parameter: 'max_tokens' is not supported with
 * this model. Use 'max_completion_tokens' instead.").
 */

const benchmark = loadTable();
const oracle = benchmarkOracle(benchmark, 2500);
const answer = serverResponder(oracleReplier(oracle));

function openAiError(message: string, param: string | null, code: string | null): FakeReply {
  return { status: 400, json: { error: { message, type: 'invalid_request_error', param, code } } };
}

const SCHEMA_REFUSAL = openAiError(
  "Invalid parameter: 'response_format' of type 'json_schema' is not supported with this model. " +
    'Learn more about supported models at the Structured Outputs guide: https://platform.openai.com/docs/guides/structured-outputs',
  null, null,
);

/** A gpt-4-like model: JSON mode yes, JSON schema no. */
const noJsonSchema: FakeResponder = (body, index, request) =>
  body?.response_format?.type === 'json_schema' ? SCHEMA_REFUSAL : answer(body, index, request);

/** An o1-like model: only the default temperature, no top_p. */
const reasoningModel: FakeResponder = (body, index, request) => {
  if (body?.temperature !== undefined) {
    return openAiError(`Unsupported value: 'temperature' does not support ${body.temperature} with this model. Only the default (1) value is supported.`, 'temperature', 'unsupported_value');
  }
  if (body?.top_p !== undefined) return openAiError("Unsupported parameter: 'top_p' is not supported with this model.", 'top_p', 'unsupported_parameter');
  return answer(body, index, request);
};

async function studyAgainst(responder: FakeResponder) {
  const server = await new FakeLlmServer(responder).start();
  const { events, sink } = collectEvents();
  try {
    const summary = await runStudy({
      searcher: 'llambo', hours: 2, workers: 4, seed: 3, studyId: 'refusals',
      llm: { baseUrl: server.baseUrl, model: 'fake-model', maxRetries: 0 },
      searcherOptions: { rejectDisconnected: false },
    }, { benchmark, sinks: [sink] });
    return { summary, events, requests: server.requests.slice() };
  } finally {
    await server.close();
  }
}

const llmCalls = (events: readonly StudyEvent[]) => events.filter((e): e is LlmCallEvent => e.type === 'llmCall');
const notices = (events: readonly StudyEvent[]) => events.filter((e) => e.type === 'searcherInfo').map((e) => (e as { message: string }).message);
const refused = (requests: readonly RecordedRequest[], responder: FakeResponder) =>
  requests.filter((r) => (responder(r.body, r.index, r) as FakeReply).status === 400);

test('an endpoint refusing json_schema gets one refused request per study; every later request asks for JSON mode', async () => {
  const { summary, events, requests } = await studyAgainst(noJsonSchema);
  const calls = llmCalls(events);
  assert.ok(calls.length >= 20, `a real study (${calls.length} LLM calls)`);
  const schemaRequests = requests.filter((r) => r.body.response_format?.type === 'json_schema');
  assert.equal(schemaRequests.length, 1, 'json_schema was tried once');
  assert.equal(schemaRequests[0].index, 0, 'by the first request');
  assert.deepEqual(schemaRequests[0].body.response_format.json_schema.schema.required, ['cells']);
  assert.equal(schemaRequests[0].body.response_format.json_schema.strict, true);
  assert.ok(requests.slice(1).every((r) => r.body.response_format?.type === 'json_object'), 'then JSON mode, every time');
  assert.equal(requests.length, calls.length + 1, 'one HTTP request per call, plus the refused one');
  assert.equal(summary.llm?.refusedRequests, 1);
  assert.deepEqual(calls.map((c) => c.responseFormat), calls.map(() => 'json_object'));
  assert.deepEqual(calls[0].adaptations?.map((a) => [a.parameter, a.change]), [['response_format', 'json_schema -> json_object']]);
  assert.ok(calls.slice(1).every((c) => c.adaptations === undefined), 'the lesson is learnt once');
  const said = notices(events).filter((m) => m.includes('response_format'));
  assert.equal(said.length, 1);
  assert.match(said[0], /LLM endpoint \(fake-model\): response_format json_schema -> json_object for the rest of the study \(HTTP 400: Invalid parameter: 'response_format'/);
  assert.deepEqual(summary.llm?.endpointAdaptations, [said[0]]);
  assert.equal(summary.llm?.failedCalls, 0);
});

test('a model refusing temperature and top_p gets one refused request for each; later requests carry neither', async () => {
  const { summary, events, requests } = await studyAgainst(reasoningModel);
  const calls = llmCalls(events);
  assert.ok(calls.length >= 20, `a real study (${calls.length} LLM calls)`);
  assert.equal(refused(requests, reasoningModel).length, 2, 'one for temperature, one for top_p');
  assert.deepEqual(requests.slice(0, 3).map((r) => [r.body.temperature !== undefined, r.body.top_p !== undefined]), [[true, true], [false, true], [false, false]]);
  assert.ok(requests.slice(2).every((r) => r.body.temperature === undefined && r.body.top_p === undefined));
  assert.ok(requests.every((r) => r.body.response_format?.type === 'json_schema'), 'the schema was accepted all along');
  assert.equal(summary.llm?.refusedRequests, 2);
  assert.deepEqual(notices(events).filter((m) => m.startsWith('LLM endpoint')).map((m) => m.split(' for the rest')[0]),
    ['LLM endpoint (fake-model): temperature dropped', 'LLM endpoint (fake-model): top_p dropped']);
  assert.equal(summary.llm?.failedCalls, 0);
});

test('concurrent first requests wait for the one probing: still one refusal, then all in JSON mode', async () => {
  const server = await new FakeLlmServer((body, index, request) =>
    body?.response_format?.type === 'json_schema' ? { ...SCHEMA_REFUSAL, delayMs: 20 } : { ...answer(body, index, request) as FakeReply, delayMs: 5 }).start();
  try {
    const client = new LlmClient({ baseUrl: server.baseUrl, model: 'm', concurrency: 8 });
    const structuredOutput = { name: 'cells', schema: { type: 'object' } };
    const results = await Promise.all(Array.from({ length: 8 }, (_, i) =>
      client.chat({ messages: [{ role: 'user', content: `Reply with JSON only: cells ${i}` }], structuredOutput })));
    assert.equal(server.requests.filter((r) => r.body.response_format?.type === 'json_schema').length, 1);
    assert.equal(server.requests.length, 9);
    assert.deepEqual(results.map((r) => r.responseFormat), Array(8).fill('json_object'));
    assert.equal(results.filter((r) => r.adaptations.length > 0).length, 1);
    assert.equal(client.totals.refusedRequests, 1);
    assert.ok(server.stats.maxInFlight > 1, 'after the probe the rest run concurrently');
  } finally {
    await server.close();
  }
});

test('a refusal that names no parameter, or a mode that is not auto, is an error, not a silent change', async () => {
  const server = await new FakeLlmServer((body) => (body?.response_format ? SCHEMA_REFUSAL : openAiError('This model\'s maximum context length is 8192 tokens.', 'messages', 'context_length_exceeded'))).start();
  try {
    const fixed = new LlmClient({ baseUrl: server.baseUrl, model: 'm', responseFormat: 'json_schema', maxRetries: 0 });
    const ask = { messages: [{ role: 'user' as const, content: 'JSON please' }], structuredOutput: { name: 'x', schema: { type: 'object' } } };
    await assert.rejects(fixed.chat(ask), /HTTP 400: Invalid parameter: 'response_format'/);
    const plain = new LlmClient({ baseUrl: server.baseUrl, model: 'm', responseFormat: 'text', maxRetries: 0 });
    await assert.rejects(plain.chat({ ...ask, temperature: 0.5 }), /maximum context length/);
    assert.equal(server.requests[1].body.response_format, undefined, 'text mode sends no response_format');
    assert.deepEqual([fixed.adaptations, plain.adaptations], [[], []]);
  } finally {
    await server.close();
  }
});

test('a study recorded against a refusing endpoint replays exactly, offline: the cache holds the shape actually sent', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'llm-refusal-replay-'));
  const cachePath = join(dir, 'llm-cache.jsonl');
  const spec = (baseUrl: string, cacheMode: 'record' | 'replay-strict') => ({
    searcher: 'llambo' as const, hours: 1, workers: 4, seed: 5, studyId: 'replay',
    llm: { baseUrl, model: 'fake-model', cachePath, cacheMode }, searcherOptions: { rejectDisconnected: false },
  });
  const server = await new FakeLlmServer(noJsonSchema).start();
  const recorded = collectEvents();
  try {
    await runStudy(spec(server.baseUrl, 'record'), { benchmark, sinks: [recorded.sink] });
  } finally {
    await server.close();
  }
  const cached = readFileSync(cachePath, 'utf8').trim().split('\n').map((line) => JSON.parse(line));
  assert.ok(cached.every((entry) => entry.request.response_format === 'json_object'), 'recorded in the shape sent: JSON mode');
  const replayed = collectEvents();
  const summary = await runStudy(spec('http://127.0.0.1:9/v1', 'replay-strict'), { benchmark, sinks: [replayed.sink] });
  const replies = (events: readonly StudyEvent[]) => llmCalls(events).map((c) => [c.callId, c.reply, c.responseFormat]);
  assert.deepEqual(replies(replayed.events), replies(recorded.events));
  assert.equal(summary.llm?.cacheHits, llmCalls(recorded.events).length);
  assert.deepEqual(notices(replayed.events).filter((m) => m.startsWith('LLM endpoint')),
    ['LLM endpoint (fake-model): response_format json_schema -> json_object for the rest of the study (as in the recorded study)']);
  rmSync(dir, { recursive: true, force: true });
});

test('max_tokens refused in favour of max_completion_tokens is renamed once; reasoning fields are never the answer', async () => {
  const server = await new FakeLlmServer((body) => {
    if (body?.max_tokens !== undefined) {
      return openAiError("Unsupported parameter: 'max_tokens' is not supported with this model. Use 'max_completion_tokens' instead.", 'max_tokens', 'unsupported_parameter');
    }
    return { json: { choices: [{ index: 0, finish_reason: 'stop', message: { role: 'assistant', content: '{"cells": []}', reasoning_content: 'x'.repeat(1234) } }], usage: { prompt_tokens: 10, completion_tokens: 5 } } };
  }).start();
  try {
    const client = new LlmClient({ baseUrl: server.baseUrl, model: 'gpt-5-mini', endpointKind: 'vllm' });
    const ask = { messages: [{ role: 'user' as const, content: 'cells as JSON' }], maxTokens: 300 };
    const first = await client.chat(ask);
    const second = await client.chat({ ...ask, messages: [{ role: 'user' as const, content: 'more cells as JSON' }] });
    assert.deepEqual(server.requests.map((r) => [r.body.max_tokens, r.body.max_completion_tokens]), [[300, undefined], [undefined, 300], [undefined, 300]]);
    assert.deepEqual(first.adaptations.map((a) => [a.parameter, a.change]), [['max_tokens', 'sent as max_completion_tokens']]);
    assert.deepEqual(second.adaptations, []);
    assert.deepEqual([first.texts, first.reasoningChars], [['{"cells": []}'], 1234]);
  } finally {
    await server.close();
  }
});

test('a reply cut off at max_tokens is a parse failure that says so', async () => {
  const events: LlmCallEventDraft[] = [];
  const chat: LlmChat = async () => ({
    texts: ['{"cells": [{"edges": ["nor_conv_3x3", "skip'], finishReasons: ['length'],
    usage: { promptTokens: 10, completionTokens: 64, cachedTokens: 0 }, latencySeconds: 1, retries: 0, costUsd: 0, cacheHit: false,
  });
  const recorder = new LlmCallRecorder(chat, (e) => events.push(e), undefined);
  const [outcome] = await recorder.run([{ component: 'sampler', template: 'sampler#0', messages: [{ role: 'user', content: 'cells' }], params: { maxTokens: 64 } }]);
  recorder.record(outcome, { parseFailures: ['no complete JSON value'] });
  assert.deepEqual(events[0].parseFailures, ['reply cut off at max_tokens=64', 'no complete JSON value']);
});
