import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadTable } from '../../src/core/benchmark/tableLoader';
import type { LlmCallEvent, SearcherInfoEvent, StudyEvent, TrialStartedEvent } from '../../src/core/events/studyEvents';
import { EndpointCircuitBreaker, isEndpointDisabled } from '../../src/core/llm/endpointCircuitBreaker';
import { LlmRequestFailed } from '../../src/core/llm/llmErrors';
import { endpointDisabledNotice, LlmHealthMonitor, unhealthyLine } from '../../src/core/llambo/llmHealthMonitor';
import { runStudy } from '../../src/core/study/studyRunner';
import { FakeLlmServer } from '../support/fakeLlmServer';
import { collectEvents } from '../support/llamboStudyHarness';
import { noiseReplier, serverResponder } from '../support/llmResponders';

const benchmark = loadTable();
const ask = { messages: [{ role: 'user' as const, content: 'hi' }] };
const reply = { texts: ['ok'], usage: { promptTokens: 1, completionTokens: 1, cachedTokens: 0 }, latencySeconds: 0, retries: 0, costUsd: 0, cacheHit: false };

test('breaker: opens after 3 connection failures in a row, then sends nothing; an HTTP answer in between resets the run', async () => {
  let sent = 0;
  const script: (LlmRequestFailed | 'ok')[] = [
    new LlmRequestFailed('connection', undefined, 5, 'connect ECONNREFUSED'),
    new LlmRequestFailed('timeout', undefined, 5, 'no reply within 60000 ms'),
    new LlmRequestFailed('http', 500, 5, 'HTTP 500: boom'),
    new LlmRequestFailed('connection', undefined, 5, 'connect ECONNREFUSED'),
    'ok',
    new LlmRequestFailed('connection', undefined, 5, 'a'),
    new LlmRequestFailed('connection', undefined, 5, 'b'),
    new LlmRequestFailed('timeout', undefined, 5, 'c'),
  ];
  const opened: string[] = [];
  const breaker = new EndpointCircuitBreaker({ onOpen: (reason) => opened.push(reason) });
  const chat = breaker.wrap(async () => {
    const next = script[sent++];
    if (next === 'ok') return reply;
    throw next;
  });
  const outcomes: string[] = [];
  for (let i = 0; i < 12; i++) {
    try {
      await chat(ask);
      outcomes.push('ok');
    } catch (error) {
      outcomes.push(isEndpointDisabled(error) ? 'disabled' : (error as LlmRequestFailed).reason);
    }
  }
  assert.deepEqual(outcomes, ['connection', 'timeout', 'http', 'connection', 'ok', 'connection', 'connection', 'timeout', 'disabled', 'disabled', 'disabled', 'disabled']);
  assert.equal(sent, 8, 'no call reached the endpoint once the breaker opened');
  assert.equal(opened.length, 1);
  assert.match(opened[0], /3 calls in a row could not reach it/);
  assert.equal(breaker.disabledReason, opened[0]);
});

test('breaker: one 401 or 403 opens it at once', async () => {
  for (const status of [401, 403]) {
    let sent = 0;
    const breaker = new EndpointCircuitBreaker();
    const chat = breaker.wrap(async () => {
      sent++;
      throw new LlmRequestFailed('http', status, 1, `HTTP ${status}: invalid key`);
    });
    await assert.rejects(chat(ask), (e: unknown) => e instanceof LlmRequestFailed);
    await assert.rejects(chat(ask), (e: unknown) => isEndpointDisabled(e));
    assert.equal(sent, 1);
    assert.match(breaker.disabledReason ?? '', new RegExp(`refused the API key \\(HTTP ${status}\\)`));
  }
});

function call(error?: string, time = 0): StudyEvent {
  return { seq: 0, time, type: 'llmCall', callId: 'c', component: 'sampler', template: 't', messages: [], reply: error ? null : 'x', ...(error ? { error } : {}) } as LlmCallEvent;
}
function trial(fallback: boolean): StudyEvent {
  return { seq: 0, time: 0, type: 'trialStarted', trialId: 0, arch: '', ops: [], bracket: 0, untilEpoch: 1, seed: 0, ...(fallback ? { fallback } : {}) };
}

test('health: 3 failed calls in a row is reported once, with the cause; a spent budget is not a failure', () => {
  const problems: string[] = [];
  const monitor = new LlmHealthMonitor((p) => problems.push(p));
  monitor.sink(call('LlmBudgetExhausted: LLM budget exhausted: usd $1 of $1 used'));
  monitor.sink(call('LlmRequestFailed: HTTP 500'));
  monitor.sink(call('LlmRequestFailed: HTTP 500'));
  monitor.sink(call());
  assert.deepEqual(problems, []);
  for (let i = 0; i < 5; i++) monitor.sink(call('LlmRequestFailed: connect ECONNREFUSED', 7200));
  assert.equal(problems.length, 1);
  assert.match(problems[0], /^3 LLM calls in a row failed by 2\.00 h simulated \(last: LlmRequestFailed: connect ECONNREFUSED\)/);
  const health = monitor.health;
  assert.deepEqual([health.status, health.calls, health.failedCalls, health.ranWithoutLlm], ['unhealthy', 9, 7, false]);
  assert.equal(unhealthyLine(health), `LLM unhealthy: ${problems[0]}`);
});

test('health: fallbacks above 20% of new trials after 20 trials; budget fallbacks do not count', () => {
  const problems: string[] = [];
  const monitor = new LlmHealthMonitor((p) => problems.push(p));
  for (let i = 0; i < 16; i++) monitor.sink(trial(false));
  for (let i = 0; i < 3; i++) monitor.sink(trial(true));
  assert.deepEqual(problems, [], '3 of 19: too few trials to judge');
  monitor.sink(trial(false));
  monitor.sink(trial(true));
  assert.deepEqual(problems, [], '4 of 21 = 19%');
  monitor.sink(trial(true));
  assert.equal(problems.length, 1);
  assert.match(problems[0], /^5 of 22 new configs \(23%\) came from fallbacks/);

  const budget = new LlmHealthMonitor();
  budget.sink(call('LlmBudgetExhausted: LLM budget exhausted'));
  for (let i = 0; i < 40; i++) budget.sink(trial(true));
  assert.equal(budget.health.status, 'healthy');
});

test('health: the breaker notice marks the study as run without its LLM, also when read back from the log', () => {
  const notice = endpointDisabledNotice('the endpoint refused the API key (HTTP 401)');
  const event: SearcherInfoEvent = { seq: 3, time: 0, type: 'searcherInfo', message: notice.message, detail: notice.detail };
  const monitor = new LlmHealthMonitor();
  monitor.sink(JSON.parse(JSON.stringify(event)));
  assert.equal(monitor.health.ranWithoutLlm, true);
  assert.equal(monitor.health.endpointDisabled, 'the endpoint refused the API key (HTTP 401)');
  assert.match(unhealthyLine(monitor.health) ?? '', /^LLM unhealthy: endpoint disabled at 0\.00 h simulated/);
});

test('study against a server that hangs after 6 replies: the breaker stops the requests; the summary says why', async () => {
  const noise = serverResponder(noiseReplier);
  const server = await new FakeLlmServer((body, index, request) => (index < 6 ? noise(body, index, request) : { hang: true })).start();
  try {
    const { events, sink } = collectEvents();
    let requestsWhenOpened = -1;
    const watch = (e: StudyEvent) => {
      if (e.type === 'searcherInfo' && /LLM endpoint disabled/.test(e.message)) requestsWhenOpened = server.requests.length;
    };
    const problems: string[] = [];
    const summary = await runStudy({
      searcher: 'llambo', hours: 3, seed: 1, studyId: 'breaker-hang',
      llm: { baseUrl: server.baseUrl, model: 'fake-model', concurrency: 2, timeoutMs: 250, maxRetries: 1 },
    }, {
      benchmark, sinks: [sink, watch], onLlmHealthProblem: (p) => problems.push(p),
      llm: { clientOverrides: { sleep: async () => {} } },
    });
    const disabledAt = events.findIndex((e) => e.type === 'searcherInfo' && /LLM endpoint disabled/.test(e.message));
    assert.ok(disabledAt > 0, 'the breaker opened and the log says so');
    // A request already on its way when it opened may still arrive: at most one per concurrency lane.
    assert.ok(server.requests.length - requestsWhenOpened <= 2, `${server.requests.length - requestsWhenOpened} requests reached the server after the breaker opened`);
    const stageEnd = events.findIndex((e, i) => i > disabledAt && e.type === 'trialStarted');
    const callsLater = events.slice(stageEnd).filter((e) => e.type === 'llmCall').length;
    assert.equal(callsLater, 0, 'no LLM call after the stage that opened the breaker');
    // 6 answered, then at most 3 failing calls in a row plus those in flight, each with 1 retry.
    assert.ok(server.requests.length <= 6 + (3 + 2) * 2, `${server.requests.length} requests reached the server`);
    const health = summary.llm!.health;
    assert.equal(health.status, 'unhealthy');
    assert.equal(health.ranWithoutLlm, true);
    assert.match(health.endpointDisabled ?? '', /calls in a row could not reach it/);
    assert.ok(problems.some((p) => /endpoint disabled/.test(p)), problems.join('\n'));
    // Later configs are marked fallbacks, or cells the calls answered before the breaker opened.
    const answeredBefore = new Set(events.slice(0, stageEnd).filter((e): e is LlmCallEvent => e.type === 'llmCall').map((e) => e.callId));
    const lateTrials = events.slice(stageEnd).filter((e): e is TrialStartedEvent => e.type === 'trialStarted');
    const fromLlm = lateTrials.filter((e) => !e.fallback);
    assert.ok(fromLlm.every((e) => ((e.info?.callIds ?? []) as string[]).every((id) => answeredBefore.has(id))), 'no later config came from a later call');
    assert.ok(lateTrials.length - fromLlm.length > 20, 'the study went on with marked fallbacks');
  } finally {
    await server.close();
  }
});

test('study with a key the server refuses: one request, then none; healthy studies stay healthy', async () => {
  const server = await new FakeLlmServer(() => ({ status: 401, json: { error: { message: 'Incorrect API key provided' } } })).start();
  try {
    const summary = await runStudy({
      searcher: 'llambo', hours: 2, seed: 0, studyId: 'breaker-401',
      llm: { baseUrl: server.baseUrl, model: 'fake-model', concurrency: 4, maxRetries: 3 },
    }, { benchmark, llm: { apiKey: 'sk-bad', clientOverrides: { sleep: async () => {} } } });
    assert.equal(server.requests.length, 1, 'a 401 is not retried and the breaker sends nothing more');
    assert.equal(summary.llm!.health.ranWithoutLlm, true);
    assert.equal(summary.llm!.fallbacks, summary.llm!.newConfigs);
  } finally {
    await server.close();
  }
  const good = await new FakeLlmServer(serverResponder(noiseReplier)).start();
  try {
    const summary = await runStudy({ searcher: 'llambo', hours: 1, seed: 0, studyId: 'healthy', llm: { baseUrl: good.baseUrl, model: 'fake-model' } }, { benchmark });
    assert.deepEqual([summary.llm!.health.status, summary.llm!.health.ranWithoutLlm], ['healthy', false]);
  } finally {
    await good.close();
  }
});
