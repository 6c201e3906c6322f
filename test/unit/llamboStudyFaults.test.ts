import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadTable } from '../../src/core/benchmark/tableLoader';
import { REFUSAL_TEXT } from '../../src/core/llambo/proposalYield';
import { SeededRandom } from '../../src/core/random/seededRandom';
import type { LlmCallEvent, StudyEvent } from '../../src/core/events/studyEvents';
import { runStudy, type StudySummary } from '../../src/core/study/studyRunner';
import { chatCompletion, FakeLlmServer, type FakeReply, type FakeResponder } from '../support/fakeLlmServer';
import { assertValidTrialStarts, benchmarkOracle, collectEvents, trialStarts } from '../support/llamboStudyHarness';
import { oracleReply, readLlamboRequest, type LlamboRequestKind, type OracleSpec } from '../support/llmResponders';
import { manualTimeouts, messagesKey, type ManualTimeouts } from '../support/manualTimeouts';

/**
 * Issue 3 fault campaign at study level: several short LLAMBO studies talk to the fake OpenAI-compatible
 * server through the real LlmClient over HTTP. A seeded injector (keyed by request body and attempt,
 * so it does not depend on arrival order) answers each attempt with 429 (with or without Retry-After),
 * 500, a hang (client timeout), a truncated HTTP body, or a 200 whose text is truncated JSON, prose, a
 * wrong op / bad number, or duplicates. The server's log is the ground truth: every counter in the
 * summary and every llmCall event must agree with what it injected. That needs every attempt the client
 * makes to reach the injector, so the fake server never closes an idle keep-alive connection under the
 * client (see fakeLlmServer.ts); any attempt missing from the log is a real disagreement.
 */

const benchmark = loadTable();
const oracle = benchmarkOracle(benchmark);
/**
 * The test fires an attempt's timeout exactly when it injects a hang; timeoutMs is named in the errors and
 * sets the openai package's own backstop timer (+1 s), which must never fire first, so it is long.
 */
const TIMEOUT_MS = 600_000;
const HOURS = 2;
/** Ten studies retry twice; in two an unreliable server (2.6x the HTTP faults) gets no retries, so calls fail often enough to force fallbacks. */
const STUDIES = Array.from({ length: 12 }, (_, seed) => ({ seed, maxRetries: seed < 10 ? 2 : 0, httpScale: seed < 10 ? 1 : 2.6 }));
/** Backoff jitter pinned, so no backoff wait can equal the Retry-After wait. */
const JITTER = 0.3;
const RETRY_AFTER_MS = 3000;

type HttpFault = '429' | '429-retry-after' | '500' | 'hang' | 'truncated-body';
type ReplyFault = 'clean' | 'truncated-json' | 'prose' | 'wrong-op' | 'duplicates';

/** Reply faults that make a reply unreadable as asked. Duplicate cells are well-formed (dropped, not a parse failure); a duplicate prediction id is not. */
const PARSE_FAULTS: Record<LlamboRequestKind, readonly ReplyFault[]> = {
  cells: ['truncated-json', 'prose', 'wrong-op'],
  predictions: ['truncated-json', 'prose', 'wrong-op', 'duplicates'],
  labels: [],
};

/** What the server did with one HTTP attempt. */
interface InjectedAttempt {
  readonly rawBody: string;
  /** The conversation, as llmCall events show it. */
  readonly key: string;
  /** 0-based attempt number of this body. */
  readonly attempt: number;
  readonly kind: LlamboRequestKind;
  readonly http: boolean;
  readonly fault: HttpFault | ReplyFault;
  text?: string;
  promptTokens?: number;
  completionTokens?: number;
  /** Truncated replies: items complete before the cut. */
  completeItems?: number;
  /** Duplicated cells put at the front of the reply (ops JSON). */
  duplicates?: string[];
}


function drawFault(rng: SeededRandom, httpScale: number): HttpFault | ReplyFault {
  const u = rng.next() / httpScale;
  if (u < 0.07) return '429';
  if (u < 0.12) return '429-retry-after';
  if (u < 0.19) return '500';
  if (u < 0.195) return 'hang';
  if (u < 0.225) return 'truncated-body';
  const v = rng.next();
  return v < 0.08 ? 'truncated-json' : v < 0.14 ? 'prose' : v < 0.21 ? 'wrong-op' : v < 0.29 ? 'duplicates' : 'clean';
}

const HTTP_REPLIES: Record<HttpFault, FakeReply> = {
  '429': { status: 429, json: { error: { message: 'rate limited' } } },
  '429-retry-after': { status: 429, headers: { 'retry-after': String(RETRY_AFTER_MS / 1000) }, json: { error: { message: 'slow down' } } },
  '500': { status: 500, json: { error: { message: 'internal error' } } },
  hang: { hang: true },
  'truncated-body': { rawBody: '{"id":"chatcmpl-fake","object":"chat.completion","choices":[{"index":0,"message":{"role":"assistant","content":"{\\"cel' },
};

const ITEM = { cells: /\{"edges": \[[^\]]*\]\}/g, predictions: /\{"id": "c\d+", "error": [\d.]+\}/g, labels: /$^/g };
const PROSE = {
  cells: 'I would favour cells with several 3x3 convolutions and a direct path from input to output; pooling tends to hurt.',
  predictions: 'These candidates all look plausible to me; I would expect errors between ten and twenty percent for most of them.',
  labels: '',
};

/** The oracle's answer with one reply fault applied; notes what an event must show for it. */
function faultyText(fault: ReplyFault, view: ReturnType<typeof readLlamboRequest>, messages: readonly { content: string }[], oracle: OracleSpec, entry: InjectedAttempt): string {
  const clean = oracleReply(view, oracle);
  const items = [...clean.matchAll(ITEM[view.kind])];
  const lastItem = items[items.length - 1];
  switch (fault) {
    case 'clean':
      return clean;
    case 'truncated-json':
      entry.completeItems = items.length - 1;
      return clean.slice(0, lastItem.index + Math.floor(lastItem[0].length / 2));
    case 'prose':
      return PROSE[view.kind];
    case 'wrong-op': {
      const bad = view.kind === 'cells' ? lastItem[0].replace(/\["[a-z_0-9]+"/, '["conv_5x5"') : lastItem[0].replace(/[\d.]+\}$/, `${lastItem.index % 2 ? 'NaN' : '1.7'}}`);
      return clean.slice(0, lastItem.index) + bad + clean.slice(lastItem.index + lastItem[0].length);
    }
    case 'duplicates': {
      if (view.kind !== 'cells') return clean.replace(/\]\}$/, `, ${items[0][0]}]}`);
      // A cell of the history (already evaluated) and a repeat of the reply's first cell, up front.
      const evaluated = messages.map((m) => /^\{"edges": (\[[^\]]*\]), "errors"/m.exec(m.content)?.[1]).find((x) => x !== undefined);
      const first = /\[[^\]]*\]/.exec(items[0][0])![0];
      entry.duplicates = [...(evaluated ? [evaluated] : []), first];
      return `{"cells": [${[...entry.duplicates.map((ops) => `{"edges": ${ops}}`), ...items.map((m) => m[0])].join(', ')}]}`;
    }
  }
}

/** Answers each attempt with a fault drawn from (request body, attempt), so arrival order does not matter. */
function faultInjector(label: string, httpScale: number, oracle: OracleSpec, log: InjectedAttempt[], timeouts: ManualTimeouts): FakeResponder {
  const attempts = new Map<string, number>();
  return (body, _index, request) => {
    const attempt = attempts.get(request.rawBody) ?? 0;
    attempts.set(request.rawBody, attempt + 1);
    const rng = new SeededRandom(`${label}|${request.rawBody}|${attempt}`);
    const view = readLlamboRequest(body.messages, body.seed);
    const fault = drawFault(rng, httpScale);
    const http = fault in HTTP_REPLIES;
    const entry: InjectedAttempt = { rawBody: request.rawBody, key: messagesKey(body.messages), attempt, kind: view.kind, http, fault };
    log.push(entry);
    if (fault === 'hang') timeouts.fire(body.messages);
    if (http) return HTTP_REPLIES[fault as HttpFault];
    const text = faultyText(fault as ReplyFault, view, body.messages, oracle, entry);
    entry.text = text;
    entry.promptTokens = Math.ceil(request.rawBody.length / 4);
    entry.completionTokens = Math.ceil(text.length / 4);
    return { json: chatCompletion({ texts: [text], promptTokens: entry.promptTokens, completionTokens: entry.completionTokens }) };
  };
}

/** One logical chat call as the server saw it: its attempts, in order. */
interface Chain {
  readonly key: string;
  readonly attempts: InjectedAttempt[];
}

function chainsOf(log: readonly InjectedAttempt[], maxRetries: number): Chain[] {
  const byBody = new Map<string, InjectedAttempt[]>();
  for (const entry of log) {
    const list = byBody.get(entry.rawBody) ?? [];
    list.push(entry);
    byBody.set(entry.rawBody, list);
  }
  const chains: Chain[] = [];
  for (const attempts of byBody.values()) {
    attempts.sort((a, b) => a.attempt - b.attempt);
    // Identical requests made twice continue the attempt count: split where a chain must have ended.
    let current: InjectedAttempt[] = [];
    for (const a of attempts) {
      current.push(a);
      if (!a.http || current.length === maxRetries + 1) {
        chains.push({ key: a.key, attempts: current });
        current = [];
      }
    }
    assert.equal(current.length, 0, 'a chain of attempts ended early: the client gave up before its retries were used');
  }
  return chains;
}

const last = (chain: Chain) => chain.attempts[chain.attempts.length - 1];
const failed = (chain: Chain) => last(chain).http;
const isParseFault = (a: InjectedAttempt) => !a.http && PARSE_FAULTS[a.kind].includes(a.fault as ReplyFault);

const DROP_REASON = new RegExp(`: (${(['evaluated', 'pending', 'duplicate', 'isomorphic', 'disconnected'] as const).map((r) => escapeRegExp(REFUSAL_TEXT[r])).join('|')})$`);

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

const ERROR_OF_FAULT: Record<string, RegExp> = {
  '429': /HTTP 429/, '429-retry-after': /HTTP 429/, '500': /HTTP 500/,
  hang: new RegExp(`no reply within ${TIMEOUT_MS} ms`), 'truncated-body': /not JSON|malformed|no choices/,
};

interface Tally { calls: number; http: number; failedCalls: number; retries: number; parseFailures: number; injectedDuplicates: number; byFault: Record<string, number> }

/** Checks one study's summary and events against the server's log; returns what was injected. */
function checkStudy(label: string, maxRetries: number, summary: StudySummary, events: readonly StudyEvent[], log: readonly InjectedAttempt[], waits: readonly number[]): Tally {
  assert.equal(events[events.length - 1].type, 'studyFinished', `${label}: the study finished`);
  assert.ok(!events.some((e) => e.type === 'studyError'), `${label}: no studyError`);
  assertValidTrialStarts(events, benchmark, label);
  assert.equal(trialStarts(events).length, summary.trialsStarted);

  const chains = chainsOf(log, maxRetries);
  const calls = events.filter((e): e is LlmCallEvent => e.type === 'llmCall');
  const byKey = new Map<string, Chain[]>();
  for (const chain of chains) byKey.set(chain.key, [...(byKey.get(chain.key) ?? []), chain]);

  let injectedDuplicates = 0;
  for (const event of calls) {
    const chain = byKey.get(messagesKey(event.messages))?.shift();
    assert.ok(chain, `${label}: ${event.callId} (${event.template}) reached the server`);
    const final = last(chain);
    const where = `${label}: ${event.callId} ${event.template} attempts ${chain.attempts.map((a) => a.fault).join(',')}`;
    if (failed(chain)) {
      assert.equal(chain.attempts.length, maxRetries + 1, where);
      assert.match(event.error ?? '', ERROR_OF_FAULT[final.fault], `${where}: error names the last fault`);
      assert.match(event.error ?? '', new RegExp(`after ${maxRetries + 1} attempts?:`), where);
      assert.equal(event.reply, null, where);
      continue;
    }
    assert.equal(event.error, undefined, where);
    assert.equal(event.retries, chain.attempts.length - 1, `${where}: retries`);
    assert.equal(event.reply, final.text, `${where}: the event holds the reply the server sent`);
    assert.deepEqual(event.usage, { promptTokens: final.promptTokens, completionTokens: final.completionTokens, cachedTokens: 0 }, where);
    injectedDuplicates += checkReplyFault(where, event, final);
  }
  assert.deepEqual([...byKey.values()].flat(), [], `${label}: every request the server answered has its llmCall event`);

  const expectedRetries = chains.reduce((s, c) => s + c.attempts.length - 1, 0);
  const expected = {
    requests: chains.length,
    httpRequests: log.length,
    retries: expectedRetries,
    failedCalls: chains.filter(failed).length,
    parseFailures: chains.filter((c) => isParseFault(last(c))).length,
    promptTokens: chains.filter((c) => !failed(c)).reduce((s, c) => s + (last(c).promptTokens ?? 0), 0),
    completionTokens: chains.filter((c) => !failed(c)).reduce((s, c) => s + (last(c).completionTokens ?? 0), 0),
    cacheHits: 0,
    newConfigs: summary.trialsStarted,
    fallbacks: trialStarts(events).filter((e) => e.fallback).length,
  };
  const llm = summary.llm;
  assert.ok(llm, `${label}: summary.llm`);
  assert.deepEqual(Object.fromEntries(Object.keys(expected).map((k) => [k, llm[k as keyof typeof llm]])), expected, `${label}: summary counters vs injected faults`);
  assert.ok(llm.droppedCells >= injectedDuplicates, `${label}: ${llm.droppedCells} dropped cells, ${injectedDuplicates} injected`);

  // Every retry slept once: Retry-After exactly where the server sent it, jittered backoff elsewhere.
  const retried = chains.flatMap((c) => c.attempts.slice(0, -1));
  assert.equal(waits.length, expectedRetries, `${label}: one wait per retry`);
  assert.equal(waits.filter((w) => w === RETRY_AFTER_MS).length, retried.filter((a) => a.fault === '429-retry-after').length, `${label}: Retry-After honoured`);
  const byFault: Record<string, number> = {};
  for (const a of log) byFault[a.fault] = (byFault[a.fault] ?? 0) + 1;
  return {
    calls: chains.length, http: log.length, failedCalls: expected.failedCalls, retries: expectedRetries, parseFailures: expected.parseFailures, injectedDuplicates, byFault,
  };
}

/** The per-kind evidence of a 200 reply's injected fault in its llmCall event; returns injected duplicate copies. */
function checkReplyFault(where: string, event: LlmCallEvent, sent: InjectedAttempt): number {
  const failures = event.parseFailures ?? [];
  const parsed = event.parsed as { cells?: unknown[]; accepted?: number; dropped?: number; predictions?: Record<string, number> };
  const drops = failures.filter((f) => DROP_REASON.test(f));
  const unreadable = failures.filter((f) => !DROP_REASON.test(f));
  assert.equal(drops.length, parsed.dropped ?? 0, `${where}: parsed.dropped counts the refused cells`);
  if (!isParseFault(sent)) assert.deepEqual(unreadable, [], `${where}: a well-formed reply has no parse failures`);
  else assert.ok(unreadable.length > 0, `${where}: an injected ${sent.fault} is a parse failure`);
  const cells = sent.kind === 'cells';
  switch (sent.fault) {
    case 'truncated-json':
      // The complete items before the cut are kept; the rest is reported missing.
      if (cells) assert.equal(parsed.cells?.length, sent.completeItems, where);
      else assert.equal(Object.keys(parsed.predictions ?? {}).length, sent.completeItems, where);
      assert.ok(unreadable.some((f) => (cells ? /^asked for \d+ cells, got \d+$/ : /^missing predictions for 1 of \d+ candidates$/).test(f)), `${where}: ${unreadable}`);
      return 0;
    case 'prose':
      assert.ok(unreadable.includes(cells ? 'no cells found in the reply' : 'no predictions found in the reply'), `${where}: ${unreadable}`);
      return 0;
    case 'wrong-op':
      assert.ok(unreadable.some((f) => (cells ? /unknown op "conv_5x5" on edge/ : /not a number \(NaN\)|error 1\.7 out of range/).test(f)), `${where}: ${unreadable}`);
      return 0;
    case 'duplicates': {
      if (!cells) {
        assert.ok(unreadable.some((f) => f.endsWith('duplicate id (first prediction kept)')), `${where}: ${unreadable}`);
        return 0;
      }
      // Every cell is judged, also once the pool is full (then usable ones count as unused).
      for (const ops of sent.duplicates ?? []) {
        assert.ok(drops.some((f) => f.startsWith(`${ops}: `)), `${where}: injected duplicate ${ops} is dropped with a reason: ${drops}`);
      }
      return sent.duplicates?.length ?? 0;
    }
    default:
      return 0;
  }
}

test('fault campaign: >= 1,000 LLM calls of LLAMBO studies over HTTP with injected faults; studies complete and every counter matches the server log', async () => {
  const runs = await Promise.all(STUDIES.map(async ({ seed, maxRetries, httpScale }) => {
    const log: InjectedAttempt[] = [];
    // Only an injected hang times out, and at once: a reply slowed by a busy machine never does.
    const timeouts = manualTimeouts();
    const server = await new FakeLlmServer(faultInjector(`campaign-${seed}`, httpScale, oracle, log, timeouts)).start();
    const waits: number[] = [];
    const { events, sink } = collectEvents();
    try {
      const summary = await runStudy({
        searcher: 'llambo', hours: HOURS, seed, studyId: `faults-${seed}`,
        llm: { baseUrl: server.baseUrl, model: 'fake-llm', concurrency: 4, timeoutMs: TIMEOUT_MS, maxRetries },
      }, {
        benchmark, sinks: [sink],
        llm: { clientOverrides: { sleep: async (ms) => { waits.push(ms); }, random: () => JITTER, timeoutTimer: timeouts.timeoutTimer } },
        // The campaign checks the client's retry accounting through every injected fault, so the endpoint must
        // stay in use; the breaker that stops a dead endpoint is tested on its own (llmCircuitBreaker.test.ts).
        circuitBreaker: { connectionFailuresToOpen: 1_000_000 },
      });
      assert.equal(server.requests.length, log.length, 'the injector saw every request');
      return { seed, maxRetries, summary, events, log, waits };
    } finally {
      await server.close();
    }
  }));

  const tallies = runs.map((r) => checkStudy(`seed ${r.seed}`, r.maxRetries, r.summary, r.events, r.log, r.waits));
  const sum = (f: (t: Tally) => number) => tallies.reduce((s, t) => s + f(t), 0);
  const byFault: Record<string, number> = {};
  for (const t of tallies) for (const [k, v] of Object.entries(t.byFault)) byFault[k] = (byFault[k] ?? 0) + v;
  const totals = {
    calls: sum((t) => t.calls), http: sum((t) => t.http), retries: sum((t) => t.retries), failedCalls: sum((t) => t.failedCalls),
    parseFailures: sum((t) => t.parseFailures), injectedDuplicates: sum((t) => t.injectedDuplicates),
  };
  console.log(`fault campaign: ${STUDIES.length} studies of ${HOURS} h, ${JSON.stringify(totals)}, attempts by injected fault ${JSON.stringify(byFault)}, ` +
    `fallback trials ${runs.reduce((s, r) => s + (r.summary.llm?.fallbacks ?? 0), 0)}, dropped cells ${runs.reduce((s, r) => s + (r.summary.llm?.droppedCells ?? 0), 0)}`);

  assert.ok(totals.calls >= 1000, `${totals.calls} LLM calls`);
  // The campaign proves little unless every kind of fault happened, including calls that failed for good.
  for (const fault of ['429', '429-retry-after', '500', 'hang', 'truncated-body', 'truncated-json', 'prose', 'wrong-op', 'duplicates', 'clean']) {
    assert.ok((byFault[fault] ?? 0) >= 5, `only ${byFault[fault] ?? 0} attempts with ${fault}`);
  }
  assert.ok(totals.failedCalls >= 20 && totals.parseFailures >= 100 && totals.injectedDuplicates >= 20, JSON.stringify(totals));
  assert.ok(runs.some((r) => (r.summary.llm?.fallbacks ?? 0) > 0), 'some studies had to fall back');
});
