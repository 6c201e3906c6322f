import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeLlmServer, chatCompletion, type FakeResponder } from '../support/fakeLlmServer';
import { LlmClient } from '../../src/core/llm/llmClient';
import { LlmBudgetExhausted, LlmRequestFailed, ReplyCacheMiss } from '../../src/core/llm/llmErrors';
import { ReplyCache, ReplyCacheCorruptError } from '../../src/core/llm/replyCache';
import { cachedRequestOf, replyCacheKey } from '../../src/core/llm/replyCacheKey';
import { canonicalJson } from '../../src/core/llm/canonicalJson';
import type { ChatRequest, ChatResult } from '../../src/core/llm/llmTypes';

const SECRET = 'sk-test-SECRET-0123456789abcdef';

function tempCachePath(): string {
  return join(mkdtempSync(join(tmpdir(), 'llm-cache-')), 'nested', 'replies.jsonl');
}

/** Every request gets a distinct reply (counter), so replays can be told from fresh calls. */
function countingResponder(): FakeResponder {
  return (body, index) => ({
    json: chatCompletion({
      texts: Array.from({ length: body?.n ?? 1 }, (_, c) => `reply ${index}.${c} to ${body.messages.at(-1).content}`),
      promptTokens: 100 + index,
      completionTokens: 20,
      cachedTokens: 30,
      logprobs: body?.logprobs ? [[{ token: 'x', logprob: -0.25, top: [{ token: 'x', logprob: -0.25 }, { token: 'y', logprob: -1.5 }] }]] : undefined,
    }),
  });
}

const requests: ChatRequest[] = [
  { messages: [{ role: 'system', content: 'You are NAS.' }, { role: 'user', content: 'propose 8 cells' }], temperature: 0.7, structuredOutput: { name: 'cells', schema: { type: 'object' } }, tag: { component: 'warmstart' } },
  { messages: [{ role: 'user', content: 'predict errors' }], temperature: 0.7, n: 2, seed: 3, maxTokens: 256 },
  { messages: [{ role: 'user', content: 'predict errors' }], temperature: 0.7, n: 2, seed: 3, maxTokens: 256 },
  { messages: [{ role: 'user', content: 'score' }], logprobs: true, topLogprobs: 2, topP: 0.9 },
];

function comparable(r: ChatResult) {
  return {
    texts: r.texts, logprobs: r.logprobs, usage: r.usage, latencySeconds: r.latencySeconds, finishReasons: r.finishReasons,
    cacheKey: r.cacheKey, cacheOccurrence: r.cacheOccurrence, costKnown: r.costKnown, recordedCostUsd: r.recordedCostUsd,
  };
}

test('record then replay-strict gives identical results with zero HTTP requests', async () => {
  const path = tempCachePath();
  const server = await new FakeLlmServer(countingResponder()).start();
  let recorded: ChatResult[];
  try {
    const client = new LlmClient({ baseUrl: server.baseUrl, model: 'gpt-4o-mini', cache: { path, mode: 'record' }, concurrency: 2 });
    recorded = await Promise.all(requests.map((r) => client.chat(r)));
    assert.equal(server.requests.length, 4);
  } finally {
    await server.close();
  }
  // The identical requests 1 and 2 got different samples; replay must keep them apart, in order.
  assert.notDeepEqual(recorded[1].texts, recorded[2].texts);
  assert.deepEqual([recorded[1].cacheOccurrence, recorded[2].cacheOccurrence], [0, 1]);
  assert.ok(recorded[3].logprobs?.[0]?.[0].topLogprobs.length === 2);

  for (let round = 0; round < 2; round++) {
    // A dead port: any HTTP request would fail.
    const replayer = new LlmClient({ baseUrl: server.baseUrl, model: 'gpt-4o-mini', cache: { path, mode: 'replay-strict' } });
    const replayed = await Promise.all(requests.map((r) => replayer.chat(r)));
    assert.deepEqual(replayed.map(comparable), recorded.map(comparable));
    for (const r of replayed) {
      assert.equal(r.cacheHit, true);
      assert.equal(r.costUsd, 0);
      assert.ok(r.recordedCostUsd > 0);
    }
    assert.equal(replayer.totals.httpRequests, 0);
    assert.equal(replayer.totals.cacheHits, 4);
    assert.equal(replayer.totals.costUsd, 0);
    assert.ok(Math.abs(replayer.totals.recordedCostUsd - recorded.reduce((s, r) => s + r.costUsd, 0)) < 1e-12);
  }
});

test('replay-strict miss names the component, template, prompt start and key', async () => {
  const path = tempCachePath();
  const client = new LlmClient({ baseUrl: 'http://127.0.0.1:9/v1', model: 'm', cache: { path, mode: 'replay-strict' } });
  const long = 'Predict the validation error of each cell. ' + 'z'.repeat(400);
  const req: ChatRequest = { messages: [{ role: 'user', content: long }], tag: { component: 'surrogate', template: 'surrogate_v2' } };
  await assert.rejects(client.chat(req), (e: unknown) => {
    assert.ok(e instanceof ReplyCacheMiss);
    assert.equal(e.key, replyCacheKey(cachedRequestOf('custom', 'm', req)));
    assert.equal(e.preview, long.slice(0, 200));
    assert.match(e.message, /surrogate\/surrogate_v2/);
    assert.ok(e.message.includes(e.key));
    assert.ok(e.message.includes(long.slice(0, 200)) && !e.message.includes(long.slice(0, 201)));
    return true;
  });
  assert.equal(client.totals.requests, 0);
});

test('a torn last line is dropped on load with a notice, and the next record cuts it off the file', async () => {
  const path = tempCachePath();
  const server = await new FakeLlmServer(countingResponder()).start();
  try {
    const recorder = new LlmClient({ baseUrl: server.baseUrl, model: 'm', cache: { path, mode: 'record' } });
    for (const q of ['a', 'b', 'c']) await recorder.chat({ messages: [{ role: 'user', content: q }] });
    appendFileSync(path, '{"v":1,"key":"abc","reply":{"texts":["tru');

    const cache = new ReplyCache(path).load();
    assert.equal(cache.size, 3);
    assert.equal(cache.droppedTornLine, 4);
    assert.equal(cache.droppedTornLineNotice, `note: the last line (4) of the reply cache ${path} was cut off (a recording did not finish writing it); it was skipped`);

    const again = new LlmClient({ baseUrl: server.baseUrl, model: 'm', cache: { path, mode: 'replay-or-live' } });
    const hit = await again.chat({ messages: [{ role: 'user', content: 'b' }] });
    assert.equal(hit.cacheHit, true);
    const fresh = await again.chat({ messages: [{ role: 'user', content: 'd' }] });
    assert.equal(fresh.cacheHit, false);
    assert.equal(server.requests.length, 4);

    const lines = readFileSync(path, 'utf8').split('\n').filter((l) => l !== '');
    assert.equal(lines.length, 4, 'the torn text is gone, not left as a damaged middle line');
    lines.forEach((l) => JSON.parse(l));
    const reloaded = new ReplyCache(path).load();
    assert.equal(reloaded.size, 4);
    assert.equal(reloaded.droppedTornLine, undefined);
  } finally {
    await server.close();
  }
});

test('many parallel calls in record mode write one valid JSONL line each', async () => {
  const path = tempCachePath();
  const server = await new FakeLlmServer((_body, index) => ({ delayMs: index % 5, json: chatCompletion({ texts: [`r${index}`] }) })).start();
  try {
    const client = new LlmClient({ baseUrl: server.baseUrl, model: 'm', cache: { path, mode: 'record' }, concurrency: 32 });
    const calls = Array.from({ length: 120 }, (_, i) => client.chat({ messages: [{ role: 'user', content: `q${i % 40}` }] }));
    const results = await Promise.all(calls);
    const lines = readFileSync(path, 'utf8').split('\n');
    assert.equal(lines.pop(), '');
    assert.equal(lines.length, 120);
    const entries = lines.map((l) => JSON.parse(l));
    const slots = new Set(entries.map((e) => `${e.key}#${e.occurrence}`));
    assert.equal(slots.size, 120);
    for (const r of results) {
      const entry = entries.find((e) => e.key === r.cacheKey && e.occurrence === r.cacheOccurrence);
      assert.deepEqual(entry.reply.texts, r.texts);
    }
  } finally {
    await server.close();
  }
});

test('the API key goes only into the Authorization header: never the cache file nor error messages', async () => {
  const path = tempCachePath();
  // Like some providers, the 401 body echoes the key it was given.
  const server = await new FakeLlmServer((_b, _i, req) =>
    String(req.body.messages[0].content) === 'deny'
      ? { status: 401, json: { error: { message: `Incorrect API key provided: ${String(req.headers.authorization).slice(7)}` } } }
      : { json: chatCompletion() },
  ).start();
  try {
    const client = new LlmClient({
      baseUrl: server.baseUrl, model: 'm', apiKey: SECRET, headers: { 'x-team-token': 'team-token-42' }, cache: { path, mode: 'record' },
    });
    await client.chat({ messages: [{ role: 'user', content: 'ok' }] });
    assert.equal(server.requests[0].headers.authorization, `Bearer ${SECRET}`);
    assert.equal(server.requests[0].headers['x-team-token'], 'team-token-42');
    const error = await client.chat({ messages: [{ role: 'user', content: 'deny' }] }).catch((e: unknown) => e);
    assert.ok(error instanceof LlmRequestFailed && error.status === 401);
    assert.ok(!error.message.includes(SECRET), error.message);
    assert.ok(!String(error.stack).includes(SECRET));
    assert.match(error.message, /Incorrect API key provided: \[redacted\]/);
    const file = readFileSync(path, 'utf8');
    assert.ok(file.length > 0);
    assert.ok(!file.includes(SECRET) && !file.includes('team-token-42') && !file.includes('127.0.0.1'));
    assert.ok(!JSON.stringify(client.totals).includes(SECRET));
  } finally {
    await server.close();
  }
});

test('local servers without a key get a placeholder, never the environment key', async () => {
  const server = await new FakeLlmServer().start();
  const saved = process.env.OPENAI_API_KEY;
  process.env.OPENAI_API_KEY = 'sk-from-env-should-not-be-sent';
  try {
    const client = new LlmClient({ baseUrl: server.baseUrl, model: 'llama3' });
    await client.chat({ messages: [{ role: 'user', content: 'hi' }] });
    assert.equal(server.requests[0].headers.authorization, 'Bearer not-needed');
  } finally {
    if (saved === undefined) delete process.env.OPENAI_API_KEY;
    else process.env.OPENAI_API_KEY = saved;
    await server.close();
  }
});

test('cache key: canonical (field order irrelevant), host-independent, sensitive to what the model sees', () => {
  assert.equal(canonicalJson({ b: 1, a: { d: [1, { z: 1, y: undefined, x: 2 }], c: 'q' } }), '{"a":{"c":"q","d":[1,{"x":2,"z":1}]},"b":1}');
  const base: ChatRequest = { messages: [{ role: 'user', content: 'q' }], temperature: 0.5, maxTokens: 10 };
  const reordered: ChatRequest = { maxTokens: 10, temperature: 0.5, messages: [{ content: 'q', role: 'user' }], tag: { component: 'x' } };
  const key = (kind: 'custom' | 'openai', model: string, r: ChatRequest) => replyCacheKey(cachedRequestOf(kind, model, r));
  assert.equal(key('custom', 'm', base), key('custom', 'm', reordered));
  assert.match(key('custom', 'm', base), /^[0-9a-f]{64}$/);
  const variants = [
    key('openai', 'm', base), key('custom', 'm2', base), key('custom', 'm', { ...base, temperature: 0.6 }),
    key('custom', 'm', { ...base, seed: 1 }), key('custom', 'm', { ...base, n: 2 }), key('custom', 'm', { ...base, topP: 0.5 }),
    key('custom', 'm', { ...base, structuredOutput: { name: 'cells', schema: { type: 'object' } } }), key('custom', 'm', { ...base, logprobs: true }),
    key('custom', 'm', { ...base, maxTokens: 11 }), key('custom', 'm', { ...base, messages: [{ role: 'system', content: 'q' }] }),
  ];
  assert.equal(new Set([key('custom', 'm', base), ...variants]).size, variants.length + 1);
});

test('a recording replays against a different host, and replay meets the budget at the same call', async () => {
  const path = tempCachePath();
  const a = await new FakeLlmServer(countingResponder()).start();
  const b = await new FakeLlmServer(countingResponder()).start();
  try {
    const qs = ['one', 'two', 'three'].map((q) => ({ messages: [{ role: 'user' as const, content: q }] }));
    const recorder = new LlmClient({ baseUrl: a.baseUrl, model: 'gpt-4o', cache: { path, mode: 'record' }, budget: { maxRequests: 2 } });
    await recorder.chat(qs[0]);
    await recorder.chat(qs[1]);
    await assert.rejects(recorder.chat(qs[2]), LlmBudgetExhausted);

    const replayer = new LlmClient({ baseUrl: b.baseUrl, model: 'gpt-4o', cache: { path, mode: 'replay-or-live' }, budget: { maxRequests: 2 } });
    assert.equal((await replayer.chat(qs[0])).cacheHit, true);
    assert.equal((await replayer.chat(qs[1])).cacheHit, true);
    await assert.rejects(replayer.chat(qs[2]), LlmBudgetExhausted);
    assert.equal(b.requests.length, 0);
  } finally {
    await a.close();
    await b.close();
  }
});

test('live mode never touches the cache file', async () => {
  const path = tempCachePath();
  const server = await new FakeLlmServer().start();
  try {
    const live = new LlmClient({ baseUrl: server.baseUrl, model: 'm', cache: { path, mode: 'live' } });
    await live.chat({ messages: [{ role: 'user', content: 'x' }] });
    assert.throws(() => readFileSync(path), /ENOENT/);
  } finally {
    await server.close();
  }
});

test('a damaged reply cache (garbage or a wrong-shaped line before the last) is corrupt, naming the file, the line and the fix', () => {
  const dir = mkdtempSync(join(tmpdir(), 'llm-cache-'));
  const cases: [string, number, RegExp][] = [
    ['{"v":1,"key":\n not json\n', 1, /not JSON/],
    ['\n[1,2]\n', 2, /not a reply cache entry: not an object/],
    ['{"key":5}\n', 1, /no "key"/],
    ['{"key":"k","request":{},"reply":{"texts":["a"],"usage":{}}}\n', 1, /"reply\.usage\.promptTokens" is not a number/],
  ];
  for (const [text, line, problem] of cases) {
    const path = join(dir, `c${line}.jsonl`);
    writeFileSync(path, text);
    assert.throws(() => new ReplyCache(path).load(), (error: unknown) => {
      assert.ok(error instanceof ReplyCacheCorruptError);
      assert.equal(error.line, line);
      assert.match(error.message, problem);
      assert.ok(error.message.startsWith(`the reply cache ${path} is corrupt at line ${line}`), error.message);
      assert.match(error.message, /delete the file .* or run with --llm-cache-mode live/);
      assert.doesNotMatch(error.message, /cache miss/i);
      return true;
    });
  }
  assert.throws(() => new LlmClient({ baseUrl: 'http://127.0.0.1:9/v1', model: 'm', cache: { path: join(dir, 'c1.jsonl'), mode: 'replay-strict' } }), ReplyCacheCorruptError);
});
