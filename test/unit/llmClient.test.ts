import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeLlmServer, chatCompletion } from '../support/fakeLlmServer';
import { LlmClient } from '../../src/core/llm/llmClient';
import { LlmConfigError } from '../../src/core/llm/llmErrors';
import { inferEndpointKind } from '../../src/core/llm/endpointKind';
import { costOf, DEFAULT_PRICES, estimateCost, findPrice } from '../../src/core/llm/priceTable';

const ask = { messages: [{ role: 'system' as const, content: 'sys' }, { role: 'user' as const, content: 'hello' }] };

test('usage, cached tokens, cost and latency come from the reply', async () => {
  // The client's clock, moved 40 ms by the server while it handles the request.
  let nowMs = 1_000_000;
  const server = await new FakeLlmServer(() => {
    nowMs += 40;
    return { json: chatCompletion({ texts: ['a', 'b'], promptTokens: 1_000_000, completionTokens: 200_000, cachedTokens: 400_000, finishReason: 'length' }) };
  }).start();
  try {
    const client = new LlmClient({ baseUrl: server.baseUrl, model: 'gpt-4o-mini-2024-07-18', endpointKind: 'openai', now: () => nowMs });
    const r = await client.chat({ ...ask, n: 2 });
    assert.deepEqual(r.texts, ['a', 'b']);
    assert.deepEqual(r.finishReasons, ['length', 'length']);
    assert.deepEqual(r.usage, { promptTokens: 1_000_000, completionTokens: 200_000, cachedTokens: 400_000 });
    // gpt-4o-mini: 600k uncached * 0.15 + 400k cached * 0.075 + 200k out * 0.6, per million.
    const expected = 0.6 * 0.15 + 0.4 * 0.075 + 0.2 * 0.6;
    assert.ok(Math.abs(r.costUsd - expected) < 1e-12, `cost ${r.costUsd}`);
    assert.equal(r.costKnown, true);
    assert.equal(r.cacheHit, false);
    assert.equal(r.logprobs, undefined);
    assert.equal(r.latencySeconds, 0.04, 'from the first send to the reply, on the client\'s clock');
    const t = client.totals;
    assert.deepEqual(
      [t.requests, t.httpRequests, t.promptTokens, t.completionTokens, t.cachedTokens, t.cacheHits, t.retries, t.failures],
      [1, 1, 1_000_000, 200_000, 400_000, 0, 0, 0],
    );
    assert.ok(Math.abs(t.costUsd - expected) < 1e-12);
  } finally {
    await server.close();
  }
});

test('unknown models cost 0 with costKnown=false, except on local endpoints; settings override prices', async () => {
  const server = await new FakeLlmServer().start();
  try {
    const unknown = await new LlmClient({ baseUrl: server.baseUrl, model: 'mystery' }).chat(ask);
    assert.deepEqual([unknown.costUsd, unknown.costKnown], [0, false]);
    const local = await new LlmClient({ baseUrl: server.baseUrl, model: 'llama3.1:8b', endpointKind: 'ollama' }).chat(ask);
    assert.deepEqual([local.costUsd, local.costKnown], [0, true]);
    const priced = await new LlmClient({
      baseUrl: server.baseUrl, model: 'mystery', prices: { mystery: { inputPerMTok: 1e6, outputPerMTok: 2e6 } },
    }).chat(ask);
    assert.deepEqual([priced.costUsd, priced.costKnown], [10 + 10, true]);
  } finally {
    await server.close();
  }
});

test('price helpers: dated snapshots fall back to the base model; cached rate defaults to input rate', () => {
  assert.equal(findPrice(DEFAULT_PRICES, 'gpt-4o-2024-08-06'), DEFAULT_PRICES['gpt-4o']);
  assert.equal(findPrice(DEFAULT_PRICES, 'toString'), undefined);
  assert.equal(costOf({ promptTokens: 100, completionTokens: 0, cachedTokens: 50 }, { inputPerMTok: 1e6, outputPerMTok: 0 }), 100);
  assert.deepEqual(estimateCost({}, 'x', 'vllm', { promptTokens: 5, completionTokens: 5, cachedTokens: 0 }), { usd: 0, known: true });
});

test('the request body carries exactly the sampling parameters asked for', async () => {
  const server = await new FakeLlmServer().start();
  try {
    const local = new LlmClient({ baseUrl: server.baseUrl, model: 'qwen', endpointKind: 'vllm', headers: { 'x-extra': 'yes' }, responseFormat: 'json_object' });
    const cells = { name: 'cells', schema: { type: 'object' } };
    await local.chat({ ...ask, temperature: 0.3, topP: 0.9, maxTokens: 64, n: 3, seed: 7, structuredOutput: cells, logprobs: true, topLogprobs: 4 });
    await local.chat(ask);
    const [full, bare] = server.requests;
    assert.equal(full.path, '/v1/chat/completions');
    assert.equal(full.headers['x-extra'], 'yes');
    assert.deepEqual(full.body, {
      model: 'qwen', messages: ask.messages, temperature: 0.3, top_p: 0.9, max_tokens: 64, n: 3, seed: 7,
      response_format: { type: 'json_object' }, logprobs: true, top_logprobs: 4,
    });
    assert.deepEqual(bare.body, { model: 'qwen', messages: ask.messages });

    const openai = new LlmClient({ baseUrl: server.baseUrl, model: 'gpt-5-mini', endpointKind: 'openai', apiKey: 'sk-abcdef123' });
    await openai.chat({ ...ask, maxTokens: 64 });
    assert.equal(server.requests[2].body.max_completion_tokens, 64);
    assert.equal(server.requests[2].body.max_tokens, undefined);
  } finally {
    await server.close();
  }
});

test('logprobs are returned per choice when the server sends them', async () => {
  const server = await new FakeLlmServer(() => ({
    json: chatCompletion({
      texts: ['0.12', '0.2'],
      logprobs: [[{ token: '0', logprob: -0.01, top: [{ token: '0', logprob: -0.01 }, { token: '1', logprob: -4.6 }] }, { token: '.12', logprob: -0.7 }]],
    }),
  })).start();
  try {
    const r = await new LlmClient({ baseUrl: server.baseUrl, model: 'm' }).chat({ ...ask, n: 2, logprobs: true, topLogprobs: 2 });
    assert.equal(r.logprobs?.length, 2);
    assert.deepEqual(r.logprobs?.[0], [
      { token: '0', logprob: -0.01, topLogprobs: [{ token: '0', logprob: -0.01 }, { token: '1', logprob: -4.6 }] },
      { token: '.12', logprob: -0.7, topLogprobs: [] },
    ]);
    assert.equal(r.logprobs?.[1], null);
  } finally {
    await server.close();
  }
});

test('Azure: deployment path, api-version query and api-key header instead of a bearer token', async () => {
  const server = await new FakeLlmServer().start();
  try {
    const client = new LlmClient({ baseUrl: `${server.origin}/openai`, model: 'my-gpt4o', apiKey: 'azure-key-123456', azureApiVersion: '2024-10-21' });
    assert.equal(client.endpointKind, 'azure');
    await client.chat(ask);
    const req = server.requests[0];
    assert.equal(req.path, '/openai/deployments/my-gpt4o/chat/completions');
    assert.deepEqual(req.query, { 'api-version': '2024-10-21' });
    assert.equal(req.headers['api-key'], 'azure-key-123456');
    assert.equal(req.headers.authorization, undefined);
    assert.throws(() => new LlmClient({ baseUrl: `${server.origin}/openai`, model: 'd', azureApiVersion: '2024-10-21' }), LlmConfigError);
  } finally {
    await server.close();
  }
});

test('endpoint kind inference and option validation', () => {
  assert.equal(inferEndpointKind('https://api.openai.com/v1'), 'openai');
  assert.equal(inferEndpointKind('https://res.openai.azure.com/openai'), 'azure');
  assert.equal(inferEndpointKind('http://localhost:11434/v1'), 'custom');
  assert.equal(inferEndpointKind('http://localhost:8000/v1', '2024-10-21'), 'azure');
  assert.equal(inferEndpointKind('not a url'), 'custom');
  assert.throws(() => new LlmClient({ baseUrl: 'http://127.0.0.1:1/v1', model: 'm', concurrency: 0 }), /concurrency/);
  assert.throws(() => new LlmClient({ baseUrl: 'http://127.0.0.1:1/v1', model: 'm', maxRetries: -1 }), /maxRetries/);
  assert.throws(() => new LlmClient({ baseUrl: 'http://127.0.0.1:1/v1', model: 'm', requestsPerMinute: 0 }), /requestsPerMinute/);
});
