import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadTable } from '../../src/core/benchmark/tableLoader';
import { defaultPromptsDir } from '../../src/core/llambo/promptTemplates';
import type { LlmCallEvent, StudyEvent } from '../../src/core/events/studyEvents';
import { runStudy } from '../../src/core/study/studyRunner';
import type { StudySpecInput } from '../../src/core/study/studySpec';
import { FakeLlmServer, type FakeLlmHandle } from '../support/fakeLlmServer';
import { benchmarkOracle, collectEvents, eventLines, trialStarts } from '../support/llamboStudyHarness';
import { oracleReplier, serverResponder } from '../support/llmResponders';

/**
 * Issue 3 reply cache at study level, through the real LlmClient and the fake HTTP server: a recorded
 * study replays in replay-strict mode with byte-identical events and no HTTP request; a changed prompt
 * template is a cache miss that stops the study with an error naming the request.
 */

const benchmark = loadTable();
const oracle = benchmarkOracle(benchmark);
const API_KEY = 'sk-test-cache-secret-0123456789';

/** Measured decision time: the recorded latency of every reply moves the simulated clock, so a replay must reproduce it. */
function cacheSpec(server: FakeLlmHandle, cachePath: string, cacheMode: 'record' | 'replay-strict', extra: Partial<StudySpecInput> = {}): StudySpecInput {
  return {
    searcher: 'llambo', hours: 1.5, seed: 11, studyId: 'cache-replay',
    decisionTime: { mode: 'measured' },
    llm: { baseUrl: server.baseUrl, model: 'fake-llm', cachePath, cacheMode },
    ...extra,
  };
}

async function run(spec: StudySpecInput) {
  const { events, sink } = collectEvents();
  const summary = await runStudy(spec, { benchmark, sinks: [sink], llm: { apiKey: API_KEY } });
  return { events, summary };
}

/** The two fields that say where a reply came from: the spec's cache mode and each call's cacheHit. */
function withoutProvenance(events: readonly StudyEvent[]): StudyEvent[] {
  return events.map((e) => {
    if (e.type === 'studyStarted') {
      const spec = e.spec as { llm: Record<string, unknown> };
      return { ...e, spec: { ...spec, llm: { ...spec.llm, cacheMode: '-' } } };
    }
    return e.type === 'llmCall' ? { ...e, cacheHit: undefined } : e;
  });
}

const llmCalls = (events: readonly StudyEvent[]) => events.filter((e): e is LlmCallEvent => e.type === 'llmCall');

test('record, then replay-strict: byte-identical events, zero HTTP requests, the same summary; no key in cache or events', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'llambo-cache-'));
  const server = await new FakeLlmServer(serverResponder(oracleReplier(oracle))).start();
  try {
    const cachePath = join(dir, 'replies.jsonl');
    const recorded = await run(cacheSpec(server, cachePath, 'record'));
    const sent = server.requests.length;
    const calls = llmCalls(recorded.events);
    assert.ok(sent > 50 && recorded.summary.trialsStarted > 100, `${sent} requests, ${recorded.summary.trialsStarted} trials`);
    assert.equal(recorded.summary.llm?.httpRequests, sent);
    assert.equal(calls.length, sent, 'one llmCall event per request');
    assert.ok(calls.every((c) => c.cacheHit === false));
    assert.ok(calls.reduce((s, c) => s + (c.latencySeconds ?? 0), 0) > 0, 'measured latencies moved the clock');
    const cacheText = readFileSync(cachePath, 'utf8');
    assert.equal(cacheText.trimEnd().split('\n').length, sent, 'one cache line per reply');

    const replayA = await run(cacheSpec(server, cachePath, 'replay-strict'));
    const replayB = await run(cacheSpec(server, cachePath, 'replay-strict'));
    assert.equal(server.requests.length, sent, 'replays sent no HTTP request');
    assert.equal(replayA.summary.llm?.httpRequests, 0);
    assert.equal(eventLines(replayB.events), eventLines(replayA.events), 'two replays are byte-identical');
    assert.ok(llmCalls(replayA.events).every((c) => c.cacheHit === true));
    // Against the recording, only the provenance differs: every trial, result, time, prompt, reply, usage and latency is the same.
    assert.equal(eventLines(withoutProvenance(replayA.events)), eventLines(withoutProvenance(recorded.events)));
    const { wallMs: _a, llm: llmA, ...replaySummary } = replayA.summary;
    const { wallMs: _r, llm: llmR, ...recordSummary } = recorded.summary;
    assert.deepEqual(replaySummary, recordSummary);
    assert.deepEqual({ ...llmA, cacheHits: 0, httpRequests: sent }, llmR, 'LLM totals: the same, except cache hits and HTTP requests');
    assert.equal(llmA?.cacheHits, calls.length);

    assert.equal(server.requests[0].headers.authorization, `Bearer ${API_KEY}`, 'the key did reach the server');
    for (const [what, text] of [['cache', cacheText], ['record events', eventLines(recorded.events)], ['replay events', eventLines(replayA.events)]]) {
      assert.ok(!text.includes(API_KEY) && !text.includes('0123456789'), `the API key leaked into the ${what}`);
    }
  } finally {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a changed prompt template is a replay-strict miss: the study stops with a studyError naming the request, nothing is sent', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'llambo-cache-miss-'));
  const server = await new FakeLlmServer(serverResponder(oracleReplier(oracle))).start();
  try {
    const cachePath = join(dir, 'replies.jsonl');
    const recorded = await run(cacheSpec(server, cachePath, 'record'));
    const sent = server.requests.length;
    const keys = new Set(readFileSync(cachePath, 'utf8').trimEnd().split('\n').map((line) => (JSON.parse(line) as { key: string }).key));

    // The user edits one sentence of the sampler prompt in their overrides folder.
    const overrides = join(dir, 'prompts');
    mkdirSync(overrides);
    const shipped = readFileSync(join(defaultPromptsDir(), 'sampler.md'), 'utf8');
    const edited = shipped.replace('such proposals are not used.', 'such proposals, and their isomorphic twins, are not used.');
    assert.notEqual(edited, shipped, 'the sentence to edit is in the shipped template');
    writeFileSync(join(overrides, 'sampler.md'), edited);

    const { events, sink } = collectEvents();
    const spec = cacheSpec(server, cachePath, 'replay-strict', { searcherOptions: { promptOverridesDir: overrides } });
    const failure = await runStudy(spec, { benchmark, sinks: [sink], llm: { apiKey: API_KEY } }).then(
      () => assert.fail('the replay must not complete'),
      (error: unknown) => error as Error,
    );
    assert.equal(failure.name, 'ReplyCacheMiss');
    assert.equal(server.requests.length, sent, 'a replay-strict miss sends nothing');

    // The stream shows the replayed prefix, the llmCall that missed (naming its request), then the studyError.
    const calls = llmCalls(events);
    const missed = calls.filter((c) => c.error !== undefined);
    assert.ok(missed.length >= 1, 'the miss is an llmCall event');
    const first = missed[0];
    assert.equal(first.component, 'sampler');
    assert.match(first.error ?? '', /^ReplyCacheMiss: Reply cache miss \(replay-strict\) for sampler\/sampler#\d, key [0-9a-f]{64}/);
    const key = /key ([0-9a-f]{64})/.exec(first.error ?? '')![1];
    assert.ok(!keys.has(key), 'the named key is indeed not in the cache');
    assert.ok(first.messages.some((m) => m.content.includes('and their isomorphic twins')), 'the event shows the edited prompt');
    assert.ok(calls.slice(0, calls.indexOf(first)).every((c) => c.cacheHit === true && c.error === undefined), 'everything before the miss replayed');
    assert.ok(calls.slice(calls.indexOf(first)).every((c) => c.cacheHit === true || c.error !== undefined));
    const last = events[events.length - 1];
    assert.ok(last.type === 'studyError', `last event is ${last.type}`);
    assert.match(last.message, /Reply cache miss \(replay-strict\) for sampler\/sampler#\d, key [0-9a-f]{64}: "/);
    assert.equal(last.message, failure.message);
    assert.ok(!events.some((e) => e.type === 'studyFinished' || e.type === 'fallback'), 'no silent fallback, no finish');
    assert.ok(!trialStarts(events).some((e) => e.fallback), 'no fallback trial');
    // The study stopped where the replay diverged, well before the recording ended.
    assert.ok(trialStarts(events).length < recorded.summary.trialsStarted);
    // Up to the miss, the replay is the recording (after studyStarted, whose spec differs).
    assert.ok(trialStarts(events.slice(0, first.seq)).length >= 8, 'the replayed warm-start cells were trained before the miss');
    assert.equal(eventLines(withoutProvenance(events.slice(1, first.seq))), eventLines(withoutProvenance(recorded.events.slice(1, first.seq))));
  } finally {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('bohb-llambo replays byte-identically and stops on a replay-strict miss of its warm start too', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'llambo-cache-bohb-'));
  const server = await new FakeLlmServer(serverResponder(oracleReplier(oracle))).start();
  try {
    const cachePath = join(dir, 'replies.jsonl');
    // Decision time ignored: in 'measured' mode BOHB's own suggestions charge their wall time, which no cache can replay.
    const spec = (cacheMode: 'record' | 'replay-strict', extra: Partial<StudySpecInput> = {}) =>
      cacheSpec(server, cachePath, cacheMode, { searcher: 'bohb-llambo', studyId: 'cache-bohb', decisionTime: { mode: 'ignore' }, ...extra });
    const recorded = await run(spec('record'));
    const sent = server.requests.length;
    assert.ok(sent >= 1 && llmCalls(recorded.events).every((c) => c.component === 'warmstart' || c.component === 'repair'));
    assert.equal(eventLines((await run(spec('replay-strict'))).events), eventLines((await run(spec('replay-strict'))).events));

    // bohb-llambo does not read searcherOptions.promptOverridesDir (see the report); asking for 6 warm-start cells changes the request instead.
    const { events, sink } = collectEvents();
    await assert.rejects(
      runStudy(spec('replay-strict', { searcherOptions: { nInit: 6 } }), { benchmark, sinks: [sink] }),
      { name: 'ReplyCacheMiss', message: /for warmstart\/warmstart, key [0-9a-f]{64}: "/ },
    );
    assert.equal(server.requests.length, sent);
    assert.match(llmCalls(events)[0].error ?? '', /^ReplyCacheMiss: /);
    assert.deepEqual(events.map((e) => e.type), ['studyStarted', 'bracketOpened', 'llmCall', 'studyError'], 'no trial ran on a divergent replay');
  } finally {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
