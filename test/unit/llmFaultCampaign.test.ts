import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeLlmServer, chatCompletion, type FakeReply } from '../support/fakeLlmServer';
import { manualTimeouts } from '../support/manualTimeouts';
import { LlmClient } from '../../src/core/llm/llmClient';
import { LlmError, LlmRequestFailed, type RequestFailureReason } from '../../src/core/llm/llmErrors';
import { SeededRandom } from '../../src/core/random/seededRandom';

/**
 * ~300 calls through one client, each with a seeded script of faults for its successive attempts.
 * An independent model of the retry policy predicts every call's outcome; the client's results,
 * errors and counters must match it exactly, and the server must have seen exactly the predicted requests.
 */

type Fault = '429' | '429-retry-after' | '503-retry-after-ms' | '500' | '503' | 'malformed' | 'noChoices' | 'empty' | 'hang' | '400';

const FAULTS: readonly Fault[] = ['429', '429', '429-retry-after', '503-retry-after-ms', '500', '503', 'malformed', 'noChoices', 'empty', 'empty', '400'];
const MAX_RETRIES = 3;
const RETRY_AFTER_MS = 7000;
const RETRY_AFTER_MS_HEADER = 321;

function faultReply(fault: Fault): FakeReply {
  switch (fault) {
    case '429': return { status: 429, json: { error: { message: 'rate limited' } } };
    case '429-retry-after': return { status: 429, headers: { 'retry-after': String(RETRY_AFTER_MS / 1000) }, json: { error: { message: 'rate limited' } } };
    case '503-retry-after-ms': return { status: 503, headers: { 'retry-after-ms': String(RETRY_AFTER_MS_HEADER) }, json: { error: { message: 'busy' } } };
    case '500': return { status: 500, json: { error: { message: 'internal' } } };
    case '503': return { status: 503, rawBody: '<html>Service Unavailable</html>', headers: { 'content-type': 'text/html' } };
    case 'malformed': return { rawBody: '{"id":"x","choices":[{"message":{"content":"tru' };
    case 'noChoices': return { json: { id: 'x', object: 'chat.completion' } };
    case 'empty': return { json: { ...(chatCompletion() as object), choices: [] } };
    case 'hang': return { hang: true };
    case '400': return { status: 400, json: { error: { message: 'bad request' } } };
  }
}

interface Expected {
  readonly ok: boolean;
  readonly attempts: number;
  readonly reason?: RequestFailureReason;
  readonly status?: number;
  /** Waits the server dictated (Retry-After / retry-after-ms) for this call. */
  readonly dictatedWaits: number[];
}

/** The retry policy, restated independently of the client's code. */
function predict(plan: readonly Fault[]): Expected {
  let emptyRetried = false;
  const dictatedWaits: number[] = [];
  for (let attempts = 1; ; attempts++) {
    const fault = plan[attempts - 1];
    if (fault === undefined) return { ok: true, attempts, dictatedWaits };
    const failure = describe(fault);
    let retry = fault !== '400' && attempts <= MAX_RETRIES;
    if (retry && fault === 'empty') {
      retry = !emptyRetried;
      emptyRetried = true;
    }
    if (!retry) return { ok: false, attempts, ...failure, dictatedWaits };
    if (fault === '429-retry-after') dictatedWaits.push(RETRY_AFTER_MS);
    if (fault === '503-retry-after-ms') dictatedWaits.push(RETRY_AFTER_MS_HEADER);
  }
}

function describe(fault: Fault): { reason: RequestFailureReason; status?: number } {
  if (fault === 'malformed' || fault === 'noChoices') return { reason: 'malformed' };
  if (fault === 'empty') return { reason: 'empty' };
  if (fault === 'hang') return { reason: 'timeout' };
  return { reason: 'http', status: Number(fault.slice(0, 3)) };
}

test('fault campaign: 300 seeded calls with mixed faults; outcomes and counters match the injected faults exactly', async () => {
  const rng = new SeededRandom('llm-fault-campaign');
  const CALLS = 300;
  const plans: Fault[][] = Array.from({ length: CALLS }, () => {
    const faults = rng.int(6); // 0..5 faults before the scripted success
    return Array.from({ length: faults }, () => (rng.next() < 0.02 ? 'hang' : rng.pick(FAULTS)));
  });
  const expected = plans.map(predict);
  const attemptsSeen = new Array<number>(CALLS).fill(0);

  // Only an injected hang times out, and at once: a reply slowed by a busy machine never does.
  const timeouts = manualTimeouts();
  const server = await new FakeLlmServer((body) => {
    const id = Number(/call-(\d+)/.exec(body.messages[0].content)![1]);
    const attempt = attemptsSeen[id]++;
    const fault = plans[id][attempt];
    if (fault === 'hang') timeouts.fire(body.messages);
    return fault ? faultReply(fault) : { json: chatCompletion({ texts: [`answer ${id}`], promptTokens: 11, completionTokens: 7, cachedTokens: 2 }) };
  }).start();
  const waits: number[] = [];
  try {
    const client = new LlmClient({
      baseUrl: server.baseUrl, model: 'gpt-4o-mini', concurrency: 32, maxRetries: MAX_RETRIES,
      // Long: besides naming it in errors, timeoutMs sets the openai package's own backstop timer (+1 s),
      // which must never fire before the test's.
      timeoutMs: 600_000, timeoutTimer: timeouts.timeoutTimer,
      sleep: async (ms) => { waits.push(ms); },
    });
    const outcomes = await Promise.allSettled(plans.map((_, i) => client.chat({ messages: [{ role: 'user', content: `call-${i}` }] })));

    let successes = 0;
    outcomes.forEach((outcome, i) => {
      const want = expected[i];
      if (outcome.status === 'fulfilled') {
        assert.ok(want.ok, `call ${i} succeeded but ${JSON.stringify(want)} was predicted (plan ${plans[i]})`);
        assert.deepEqual(outcome.value.texts, [`answer ${i}`]);
        assert.equal(outcome.value.retries, want.attempts - 1, `call ${i} retries`);
        successes++;
      } else {
        const error: unknown = outcome.reason;
        assert.ok(error instanceof LlmError, `call ${i} threw an untyped ${String(error)}`);
        assert.ok(error instanceof LlmRequestFailed, `call ${i}: ${error.message}`);
        assert.ok(!want.ok, `call ${i} failed (${error.message}) but success was predicted (plan ${plans[i]})`);
        assert.deepEqual([error.reason, error.status, error.attempts], [want.reason, want.status, want.attempts], `call ${i} plan ${plans[i]}`);
      }
      assert.equal(attemptsSeen[i], want.attempts, `server attempts for call ${i}`);
    });

    const totalAttempts = expected.reduce((s, e) => s + e.attempts, 0);
    const failures = expected.filter((e) => !e.ok).length;
    const t = client.totals;
    assert.equal(server.requests.length, totalAttempts);
    assert.equal(t.httpRequests, totalAttempts);
    assert.equal(t.requests, CALLS);
    assert.equal(t.retries, server.requests.length - CALLS);
    assert.equal(t.failures, failures);
    assert.equal(successes, CALLS - failures);
    assert.equal(t.promptTokens, 11 * successes);
    assert.equal(t.completionTokens, 7 * successes);
    assert.equal(t.cachedTokens, 2 * successes);
    assert.equal(waits.length, t.retries);
    const dictated = expected.flatMap((e) => e.dictatedWaits);
    assert.equal(waits.filter((w) => w === RETRY_AFTER_MS).length, dictated.filter((w) => w === RETRY_AFTER_MS).length);
    assert.equal(waits.filter((w) => w === RETRY_AFTER_MS_HEADER).length, dictated.filter((w) => w === RETRY_AFTER_MS_HEADER).length);
    // The server learns of an abandoned (timed-out) request only later, so only the client's count is exact.
    assert.ok(client.maxInFlight <= 32);

    // The campaign must exercise every kind of outcome, or it proves little.
    const reasons = new Set(expected.filter((e) => !e.ok).map((e) => `${e.reason}:${e.status ?? ''}`));
    for (const r of ['http:400', 'http:429', 'http:500', 'http:503', 'malformed:', 'empty:', 'timeout:']) assert.ok(reasons.has(r), `no ${r} failure`);
    assert.ok(successes > 100 && failures > 30, `${successes} successes, ${failures} failures`);
    assert.equal(timeouts.pending.length, 0, 'every attempt ended its timer');
    console.log(`fault campaign: ${CALLS} calls, ${totalAttempts} HTTP requests, ${successes} ok, ${failures} failed, ${t.retries} retries`);
  } finally {
    await server.close();
  }
});
