import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeLlmServer, chatCompletion, type FakeReply } from '../support/fakeLlmServer';
import { manualTimeouts } from '../support/manualTimeouts';
import { LlmClient } from '../../src/core/llm/llmClient';
import { LlmRequestFailed } from '../../src/core/llm/llmErrors';
import { backoffMs, DEFAULT_BACKOFF, nominalBackoffMs, parseRetryAfter } from '../../src/core/llm/retryPolicy';
import type { LlmClientOptions } from '../../src/core/llm/llmTypes';

const ask = { messages: [{ role: 'user' as const, content: 'hello' }] };

/** A sleep that returns at once and remembers what it was asked to wait. */
function recordingSleep(): { waits: number[]; sleep: NonNullable<LlmClientOptions['sleep']> } {
  const waits: number[] = [];
  return {
    waits,
    sleep: async (ms, signal) => {
      if (signal?.aborted) throw signal.reason;
      waits.push(ms);
    },
  };
}

/** Server replying with `script[i]` to request i, then a success. */
async function scripted(script: FakeReply[]) {
  return new FakeLlmServer((_body, index) => script[index] ?? { json: chatCompletion({ texts: ['finally'] }) }).start();
}

test('429 and 503 retries wait exactly what Retry-After / retry-after-ms say', async () => {
  const httpDate = new Date(1_000_000 + 7000).toUTCString();
  const server = await scripted([
    { status: 429, headers: { 'retry-after': '3' }, json: { error: { message: 'slow down' } } },
    { status: 503, headers: { 'retry-after-ms': '1250' }, json: { error: { message: 'busy' } } },
    { status: 429, headers: { 'retry-after': httpDate }, json: { error: { message: 'slow down' } } },
  ]);
  try {
    const { waits, sleep } = recordingSleep();
    const client = new LlmClient({ baseUrl: server.baseUrl, model: 'm', sleep, now: () => 1_000_000 });
    const result = await client.chat(ask);
    assert.deepEqual(result.texts, ['finally']);
    assert.equal(result.retries, 3);
    assert.deepEqual(waits, [3000, 1250, 7000]);
    assert.equal(server.requests.length, 4);
    assert.equal(client.totals.retries, 3);
    assert.equal(client.totals.httpRequests, 4);
  } finally {
    await server.close();
  }
});

test('without Retry-After the backoff doubles per retry, jittered within ±25 %, capped', async () => {
  const failures: FakeReply[] = Array.from({ length: 6 }, () => ({ status: 500, json: { error: { message: 'boom' } } }));
  const server = await scripted(failures);
  try {
    const { waits, sleep } = recordingSleep();
    const client = new LlmClient({
      baseUrl: server.baseUrl, model: 'm', sleep, maxRetries: 6, initialBackoffMs: 100, maxBackoffMs: 1600,
    });
    const result = await client.chat(ask);
    assert.equal(result.retries, 6);
    const nominal = [100, 200, 400, 800, 1600, 1600];
    assert.equal(waits.length, 6);
    waits.forEach((w, i) => {
      assert.ok(w >= nominal[i] * 0.75 && w <= nominal[i] * 1.25, `wait ${i} = ${w} outside bounds of ${nominal[i]}`);
    });
    assert.ok(new Set(waits.map((w, i) => w / nominal[i])).size > 1, 'jitter varies between waits');
  } finally {
    await server.close();
  }
});

test('jitter is seeded: two clients with default random wait the same sequence', async () => {
  const server = await scripted([]);
  try {
    const sequences: number[][] = [];
    for (let run = 0; run < 2; run++) {
      let index = 0;
      server.setResponder(() => (index++ % 3 < 2 ? { status: 502, json: {} } : { json: chatCompletion() }));
      const { waits, sleep } = recordingSleep();
      const client = new LlmClient({ baseUrl: server.baseUrl, model: 'm', sleep });
      for (let i = 0; i < 3; i++) await client.chat(ask);
      sequences.push(waits);
    }
    assert.equal(sequences[0].length, 6);
    assert.deepEqual(sequences[0], sequences[1]);
  } finally {
    await server.close();
  }
});

test('backoff helpers: nominal doubles and caps; jitter bounds hold at the extremes of random', () => {
  const s = { initialBackoffMs: 1000, maxBackoffMs: 30_000, jitter: 0.25 };
  assert.deepEqual([1, 2, 3, 5, 6, 9].map((r) => nominalBackoffMs(r, s)), [1000, 2000, 4000, 16_000, 30_000, 30_000]);
  assert.equal(backoffMs(2, s, () => 0), 1500);
  assert.equal(backoffMs(2, s, () => 0.999999), 2500);
  assert.equal(DEFAULT_BACKOFF.jitter, 0.25);
});

test('parseRetryAfter reads seconds, fractional ms, HTTP dates and ignores junk', () => {
  const h = (entries: Record<string, string>) => new Headers(entries);
  assert.equal(parseRetryAfter(h({ 'retry-after': '2' }), 0), 2000);
  assert.equal(parseRetryAfter(h({ 'retry-after': '0.5' }), 0), 500);
  assert.equal(parseRetryAfter(h({ 'retry-after-ms': '12.5', 'retry-after': '9' }), 0), 12.5);
  const now = Date.parse('2025-01-01T00:00:00Z');
  assert.equal(parseRetryAfter(h({ 'retry-after': 'Wed, 01 Jan 2025 00:00:30 GMT' }), now), 30_000);
  assert.equal(parseRetryAfter(h({ 'retry-after': 'Tue, 31 Dec 2024 23:00:00 GMT' }), now), 0);
  assert.equal(parseRetryAfter(h({ 'retry-after': 'soon' }), now), undefined);
  assert.equal(parseRetryAfter(h({}), now), undefined);
  assert.equal(parseRetryAfter(undefined, now), undefined);
});

test('4xx other than 429 is not retried and the error carries the status', async () => {
  for (const status of [400, 401, 403, 404, 422]) {
    const server = await scripted([{ status, json: { error: { message: `nope ${status}` } } }]);
    try {
      const { waits, sleep } = recordingSleep();
      const client = new LlmClient({ baseUrl: server.baseUrl, model: 'm', sleep });
      await assert.rejects(client.chat(ask), (e: unknown) => {
        assert.ok(e instanceof LlmRequestFailed);
        assert.equal(e.status, status);
        assert.equal(e.reason, 'http');
        assert.equal(e.attempts, 1);
        assert.match(e.message, new RegExp(`nope ${status}`));
        return true;
      });
      assert.equal(server.requests.length, 1);
      assert.deepEqual(waits, []);
      assert.equal(client.totals.failures, 1);
      assert.equal(client.totals.retries, 0);
    } finally {
      await server.close();
    }
  }
});

test('persistent 5xx fails after maxRetries with the last status', async () => {
  const server = await new FakeLlmServer(() => ({ status: 503, json: { error: { message: 'down' } } })).start();
  try {
    const { waits, sleep } = recordingSleep();
    const client = new LlmClient({ baseUrl: server.baseUrl, model: 'm', sleep, maxRetries: 2 });
    await assert.rejects(client.chat(ask), (e: unknown) => e instanceof LlmRequestFailed && e.status === 503 && e.attempts === 3);
    assert.equal(server.requests.length, 3);
    assert.equal(waits.length, 2);
  } finally {
    await server.close();
  }
});

test('a hanging server times out per attempt, is retried, then fails with a clear timeout error', async () => {
  const timeouts = manualTimeouts();
  // Each request the server receives hangs; its attempt's timeout fires as soon as the server has it.
  const server = await new FakeLlmServer(() => {
    timeouts.fire();
    return { hang: true };
  }).start();
  try {
    const { waits, sleep } = recordingSleep();
    const client = new LlmClient({ baseUrl: server.baseUrl, model: 'm', sleep, timeoutMs: 60_000, maxRetries: 2, timeoutTimer: timeouts.timeoutTimer });
    await assert.rejects(client.chat(ask), (e: unknown) => {
      assert.ok(e instanceof LlmRequestFailed);
      assert.equal(e.reason, 'timeout');
      assert.equal(e.attempts, 3);
      assert.match(e.message, /after 3 attempts: no reply within 60000 ms/);
      return true;
    });
    assert.deepEqual(timeouts.requested, [60_000, 60_000, 60_000], 'one timer of timeoutMs per attempt');
    assert.equal(waits.length, 2, 'a backoff between attempts');
    assert.equal(server.requests.length, 3);
    assert.equal(timeouts.pending.length, 0);
  } finally {
    await server.close();
  }
});

test('the timeout covers the body too: late headers and a stalled body both time out and are retried', async () => {
  const timeouts = manualTimeouts();
  const server = await scripted([
    // Headers never come within the test (the server is closed at the end).
    { delayMs: 600_000, json: chatCompletion({ texts: ['late'] }) },
    // Headers and half the body, then a stall.
    { bodyDelayMs: 600_000, json: chatCompletion({ texts: ['stalled'] }) },
    { json: chatCompletion({ texts: ['in time'] }) },
  ]);
  let attempt = 0;
  const headersSeen: number[] = [];
  // Fire attempt 0's timeout while it waits for headers, attempt 1's after its headers arrived.
  const firingFetch: typeof fetch = async (input, init) => {
    const index = attempt++;
    const response = fetch(input, init);
    if (index === 0) {
      while (server.requests.length === 0) await new Promise((r) => setImmediate(r));
      timeouts.fire();
    }
    const headers = await response;
    headersSeen.push(index);
    if (index === 1) timeouts.fire();
    return headers;
  };
  try {
    const { sleep } = recordingSleep();
    const client = new LlmClient({ baseUrl: server.baseUrl, model: 'm', sleep, timeoutMs: 60_000, timeoutTimer: timeouts.timeoutTimer, fetch: firingFetch });
    const result = await client.chat(ask);
    assert.deepEqual(result.texts, ['in time']);
    assert.equal(result.retries, 2);
    assert.deepEqual(headersSeen, [1, 2], 'attempt 0 timed out before its headers, attempt 1 after them');
    assert.deepEqual(timeouts.requested, [60_000, 60_000, 60_000]);
    assert.equal(timeouts.pending.length, 0, 'the successful attempt cancelled its timer');
  } finally {
    await server.close();
  }
});

test('malformed JSON bodies and replies without choices are retried; empty choices only once', async () => {
  const server = await scripted([
    { rawBody: '{"choices": [ {"mess' },
    { json: { hello: 'world' } },
    { json: { ...(chatCompletion() as object), choices: [] } },
  ]);
  try {
    const { sleep } = recordingSleep();
    const client = new LlmClient({ baseUrl: server.baseUrl, model: 'm', sleep });
    const result = await client.chat(ask);
    assert.equal(result.retries, 3);
    assert.deepEqual(result.texts, ['finally']);

    server.setResponder(() => ({ rawBody: '{"id": "chatcmpl-1", "choi' }));
    const strict = new LlmClient({ baseUrl: server.baseUrl, model: 'm', sleep, maxRetries: 1 });
    await assert.rejects(strict.chat(ask), (e: unknown) => e instanceof LlmRequestFailed && e.reason === 'malformed' && e.attempts === 2);
    server.setResponder(() => ({ json: { object: 'chat.completion' } }));
    await assert.rejects(strict.chat(ask), /no choices array/);

    const empty = { json: { ...(chatCompletion() as object), choices: [] } };
    let n = 0;
    server.setResponder(() => (n++ < 5 ? empty : { json: chatCompletion() }));
    await assert.rejects(client.chat(ask), (e: unknown) => e instanceof LlmRequestFailed && e.reason === 'empty' && e.attempts === 2);
    await assert.rejects(client.chat(ask), /empty reply/);
  } finally {
    await server.close();
  }
});

test('a Retry-After longer than maxRetryAfterMs fails at once instead of stalling the study', async () => {
  const server = await scripted([{ status: 429, headers: { 'retry-after': '86400' }, json: { error: { message: 'daily quota' } } }]);
  try {
    const { waits, sleep } = recordingSleep();
    const client = new LlmClient({ baseUrl: server.baseUrl, model: 'm', sleep, maxRetryAfterMs: 60_000 });
    await assert.rejects(client.chat(ask), (e: unknown) => {
      assert.ok(e instanceof LlmRequestFailed);
      assert.equal(e.reason, 'retryAfterTooLong');
      assert.equal(e.status, 429);
      assert.match(e.message, /retry after 86400 s/);
      return true;
    });
    assert.deepEqual(waits, []);
    assert.equal(server.requests.length, 1);
  } finally {
    await server.close();
  }
});

test('connection refused is retried and reported as a connection failure', async () => {
  const server = await scripted([]);
  const baseUrl = server.baseUrl;
  await server.close();
  const { waits, sleep } = recordingSleep();
  const client = new LlmClient({ baseUrl, model: 'm', sleep, maxRetries: 1 });
  await assert.rejects(client.chat(ask), (e: unknown) => e instanceof LlmRequestFailed && e.reason === 'connection' && e.attempts === 2);
  assert.equal(waits.length, 1);
});

test('a connection reset under a request (a server dropping a keep-alive connection) is retried and counted', async () => {
  const server = await scripted([{ reset: true }, { reset: true }]);
  try {
    const { waits, sleep } = recordingSleep();
    const client = new LlmClient({ baseUrl: server.baseUrl, model: 'm', sleep, maxRetries: 2 });
    const result = await client.chat(ask);
    assert.deepEqual(result.texts, ['finally']);
    assert.equal(result.retries, 2);
    assert.equal(waits.length, 2);
    assert.equal(server.requests.length, 3);
    assert.equal(client.totals.retries, 2);
    assert.equal(client.totals.httpRequests, 3);

    // Out of retries, the call fails as a connection failure that names the reset.
    const once = new LlmClient({ baseUrl: server.baseUrl, model: 'm', sleep, maxRetries: 0 });
    server.setResponder(() => ({ reset: true }));
    await assert.rejects(once.chat(ask), (e: unknown) => e instanceof LlmRequestFailed && e.reason === 'connection' && e.attempts === 1 && /ECONNRESET|socket|closed/.test(e.message));
    assert.equal(server.requests.length, 4);
  } finally {
    await server.close();
  }
});
