import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeLlmServer, chatCompletion } from '../support/fakeLlmServer';
import { LlmClient } from '../../src/core/llm/llmClient';
import { LlmBudgetExhausted, LlmCancelled } from '../../src/core/llm/llmErrors';
import { LlmBudget } from '../../src/core/llm/llmBudget';

const ask = (content = 'hello') => ({ messages: [{ role: 'user' as const, content }] });

/** Simulated clock: a sleep moves time forward to its wake-up point and returns at once. */
function fakeClock() {
  const clock = { t: 0, waits: [] as number[] };
  return {
    clock,
    now: () => clock.t,
    sleep: async (ms: number, signal?: AbortSignal) => {
      if (signal?.aborted) throw signal.reason;
      clock.waits.push(ms);
      const wake = clock.t + ms;
      // Yield a macrotask so callers not sleeping reach their send before time moves on.
      await new Promise((r) => setImmediate(r));
      clock.t = Math.max(clock.t, wake);
    },
  };
}

test('concurrency limit: never more requests in flight than allowed', async () => {
  const server = await new FakeLlmServer(() => ({ delayMs: 25, json: chatCompletion() })).start();
  try {
    const client = new LlmClient({ baseUrl: server.baseUrl, model: 'm', concurrency: 3 });
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => client.chat(ask(`q${i}`))));
    assert.equal(results.length, 20);
    assert.equal(server.stats.maxInFlight, 3);
    assert.equal(client.maxInFlight, 3);
    assert.equal(server.requests.length, 20);
  } finally {
    await server.close();
  }
});

test('requests-per-minute limit delays the 4th request by a minute of simulated time', async () => {
  const { clock, now, sleep } = fakeClock();
  const sentAt: number[] = [];
  // Stamp the simulated time when the client sends (the server sees it later, after the clock moved on).
  const stampingFetch: typeof fetch = (input, init) => {
    sentAt.push(clock.t);
    return fetch(input, init);
  };
  const server = await new FakeLlmServer().start();
  try {
    const client = new LlmClient({
      baseUrl: server.baseUrl, model: 'm', requestsPerMinute: 3, concurrency: 7, now, sleep, fetch: stampingFetch,
    });
    await Promise.all(Array.from({ length: 7 }, (_, i) => client.chat(ask(`q${i}`))));
    assert.deepEqual(sentAt, [0, 0, 0, 60_000, 60_000, 60_000, 120_000]);
    assert.equal(server.requests.length, 7);
    assert.ok(client.rateLimitWaitMs >= 5 * 60_000);
  } finally {
    await server.close();
  }
});

test('tokens-per-minute limit uses chars/4 before the call and the reported usage after it', async () => {
  const { clock, now, sleep } = fakeClock();
  const sentAt: number[] = [];
  const server = await new FakeLlmServer(() => {
    sentAt.push(clock.t);
    return { json: chatCompletion({ promptTokens: 40, completionTokens: 10 }) };
  }).start();
  try {
    // Each prompt is 160 chars = 40 estimated tokens; each reply reports 50 used.
    const client = new LlmClient({ baseUrl: server.baseUrl, model: 'm', tokensPerMinute: 100, concurrency: 1, now, sleep });
    for (let i = 0; i < 5; i++) await client.chat(ask('x'.repeat(159) + i));
    // 0: 40 -> 50; 1: 50+40 <= 100 -> 100; 2: 100+40 > 100 waits for the first to leave the window.
    assert.deepEqual(sentAt, [0, 0, 60_000, 60_000, 120_000]);
  } finally {
    await server.close();
  }
});

test('budget in requests: the call past the limit throws the typed error and changes no counter', async () => {
  const server = await new FakeLlmServer().start();
  try {
    const client = new LlmClient({ baseUrl: server.baseUrl, model: 'm', budget: { maxRequests: 3 } });
    for (let i = 0; i < 3; i++) await client.chat(ask(`q${i}`));
    const before = client.totals;
    await assert.rejects(client.chat(ask('q3')), (e: unknown) => {
      assert.ok(e instanceof LlmBudgetExhausted);
      assert.equal(e.dimension, 'requests');
      assert.equal(e.limit, 3);
      return true;
    });
    assert.deepEqual(client.totals, before);
    assert.equal(server.requests.length, 3);
    assert.deepEqual(client.budget.exhaustion(), { dimension: 'requests', limit: 3, spent: 3 });
  } finally {
    await server.close();
  }
});

test('budget in tokens and dollars is charged from the replies', async () => {
  const server = await new FakeLlmServer(() => ({ json: chatCompletion({ promptTokens: 10, completionTokens: 5 }) })).start();
  try {
    const tokens = new LlmClient({ baseUrl: server.baseUrl, model: 'm', budget: { maxTokens: 40 } });
    for (let i = 0; i < 3; i++) await tokens.chat(ask(`t${i}`));
    await assert.rejects(tokens.chat(ask('t3')), (e: unknown) => e instanceof LlmBudgetExhausted && e.dimension === 'tokens' && e.spent === 45);

    // $1000 / MTok in, $2000 / MTok out: 10 * 0.001 + 5 * 0.002 = $0.02 per call.
    const dollars = new LlmClient({
      baseUrl: server.baseUrl, model: 'm', prices: { m: { inputPerMTok: 1000, outputPerMTok: 2000 } }, budget: { maxUsd: 0.05 },
    });
    for (let i = 0; i < 3; i++) assert.ok(Math.abs((await dollars.chat(ask(`d${i}`))).costUsd - 0.02) < 1e-12);
    await assert.rejects(dollars.chat(ask('d3')), (e: unknown) => e instanceof LlmBudgetExhausted && e.dimension === 'usd');
    assert.equal(dollars.totals.requests, 3);
    assert.equal(server.requests.length, 6);
    assert.match(String(await dollars.chat(ask('d4')).catch((e: Error) => e.message)), /usd \$0\.0600 of \$0\.0500/);
  } finally {
    await server.close();
  }
});

test('LlmBudget rejects negative limits and reports the first exhausted dimension', () => {
  assert.throws(() => new LlmBudget({ maxUsd: -1 }), /maxUsd/);
  const budget = new LlmBudget({ maxTokens: 10, maxUsd: 1 });
  assert.equal(budget.isExhausted, false);
  budget.admit().settle(12, 2);
  assert.deepEqual(budget.exhaustion(), { dimension: 'tokens', limit: 10, spent: 12 });
  assert.deepEqual(budget.spent, { requests: 1, tokens: 12, usd: 2 });
});

test('AbortSignal cancels an in-flight request and frees the server connection', async () => {
  const controller = new AbortController();
  // Abort once the server holds the request: it never answers, so only the cancellation can end the call.
  const server = await new FakeLlmServer(() => {
    setImmediate(() => controller.abort());
    return { hang: true };
  }).start();
  try {
    const timeoutTimer = (_ms: number, signal: AbortSignal) => new Promise<void>((_resolve, reject) => {
      signal.addEventListener('abort', () => reject(signal.reason), { once: true });
    });
    // The attempt timeout never fires here: a cancellation that did not work would hang, not pass.
    const client = new LlmClient({ baseUrl: server.baseUrl, model: 'm', timeoutTimer });
    await assert.rejects(client.chat({ ...ask(), signal: controller.signal }), (e: unknown) => e instanceof LlmCancelled);
    while (server.stats.inFlight > 0) await new Promise((r) => setImmediate(r));
    assert.equal(server.requests.length, 1);
    assert.equal(client.totals.cancellations, 1);
    assert.equal(client.totals.failures, 0);
    assert.equal(client.totals.retries, 0);
  } finally {
    await server.close();
  }
});

test('AbortSignal also cancels a backoff wait and a wait for a concurrency slot', async () => {
  const server = await new FakeLlmServer((_body, index) =>
    index === 0 ? { status: 429, headers: { 'retry-after': '30' }, json: {} } : { hang: true },
  ).start();
  try {
    const controller = new AbortController();
    const waits: number[] = [];
    // A backoff that only ends by abort; the test aborts as soon as the client asks for it.
    const sleep = (ms: number, signal?: AbortSignal) => new Promise<void>((_resolve, reject) => {
      waits.push(ms);
      signal?.addEventListener('abort', () => reject(signal.reason), { once: true });
      setImmediate(() => controller.abort());
    });
    const client = new LlmClient({ baseUrl: server.baseUrl, model: 'm', concurrency: 1, sleep });
    const first = client.chat({ ...ask('a'), signal: controller.signal });
    const queued = client.chat({ ...ask('b'), signal: controller.signal });
    const outcomes = await Promise.allSettled([first, queued]);
    for (const o of outcomes) assert.ok(o.status === 'rejected' && o.reason instanceof LlmCancelled);
    assert.deepEqual(waits, [30_000], 'the first call was waiting out Retry-After when cancelled');
    assert.equal(server.requests.length, 1, 'the queued call never got the slot');
    assert.equal(client.totals.cancellations, 2);

    const already = new AbortController();
    already.abort();
    await assert.rejects(client.chat({ ...ask('c'), signal: already.signal }), LlmCancelled);
    assert.equal(server.requests.length, 1);
  } finally {
    await server.close();
  }
});
