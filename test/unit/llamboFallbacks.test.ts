import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { LlmCallEventDraft } from '../../src/core/llambo/llmCallRecorder';
import { llamboWarmStartCells } from '../../src/core/llambo/warmStart';
import { LlmBudgetExhausted, LlmCancelled, LlmRequestFailed } from '../../src/core/llm/llmErrors';
import { cellCode, cellFromCode, NUM_CELLS } from '../../src/core/nb201/searchSpace';
import { isDisconnected } from '../../src/core/nb201/cellGraph';
import { SeededRandom } from '../../src/core/random/seededRandom';
import { LlamboSearcher } from '../../src/core/searchers/llamboSearcher';
import { fillRung, makeContext, syntheticError } from '../support/llamboHarness';
import { fakeChat, noiseReplier, oracleReplier } from '../support/llmResponders';

const GOOD = Array.from({ length: NUM_CELLS }, (_, c) => cellFromCode(c)).sort((a, b) => syntheticError(a, 200) - syntheticError(b, 200)).slice(0, 300);
const oracle = oracleReplier({ truth: syntheticError, goodCells: GOOD });

test('budget exhausted: the batch falls back to mutations of the best cells, says so, and stops calling the LLM', async () => {
  let exhausted = false;
  const chat = fakeChat(oracle, { failWith: (i) => (exhausted || i >= 1 ? ((exhausted = true), new LlmBudgetExhausted('requests', 1, 1)) : undefined) });
  const events: LlmCallEventDraft[] = [];
  const searcher = new LlamboSearcher({ chat, onLlmCall: (e) => events.push(e) });
  const { context, notices } = makeContext();
  searcher.configure(context);
  const first = await fillRung(searcher, { bracket: 0, level: 1, k: 18, firstTrialId: 0, reportLevels: [1] });
  assert.deepEqual(first.suggestions.slice(0, 8).map((s) => s.info?.source), Array(8).fill('warmstart'));
  const batch = first.suggestions.slice(8);
  assert.ok(batch.every((s) => s.fallback === true), 'every batch pick is marked fallback');
  assert.ok(batch.every((s) => s.info?.source === 'fallback-mutation'), 'mutations of the best cells come first');
  const callsAfterExhaustion = chat.requests.length;
  assert.equal(callsAfterExhaustion, 1 + 2, 'the two concurrent sampler requests were the last sent');
  assert.ok(events.slice(1).every((e) => e.reply === null && /LlmBudgetExhausted/.test(e.error ?? '')), 'failed calls are events with their error');
  const fallbackNotice = notices.find((n) => n.kind === 'fallback');
  assert.ok(fallbackNotice && /10 of 10 cells from fallbacks/.test(fallbackNotice.message) && /budget exhausted/.test(fallbackNotice.message), fallbackNotice?.message);

  const second = await fillRung(searcher, { bracket: 1, level: 3, k: 12, firstTrialId: first.nextTrialId, reportLevels: [3] });
  assert.equal(chat.requests.length, callsAfterExhaustion, 'no request after the budget is gone');
  assert.ok(second.suggestions.every((s) => s.fallback === true));
  const all = [...first.suggestions, ...second.suggestions];
  assert.equal(new Set(all.map((s) => cellCode(s.cell))).size, all.length, 'fallbacks never repeat a cell');
  assert.ok(all.every((s) => !isDisconnected(s.cell)));
});

test('a failed warm start gives random initial cells (the shared initial design), marked and announced', async () => {
  const chat = fakeChat(oracle, { failWith: (i) => (i < 3 ? new LlmRequestFailed('http', 500, 5, 'HTTP 500') : undefined) });
  const searcher = new LlamboSearcher({ chat });
  const { context, notices } = makeContext({ seed: 11 });
  searcher.configure(context);
  const { suggestions } = await fillRung(searcher, { bracket: 0, level: 1, k: 20, firstTrialId: 0, reportLevels: [1] });
  assert.deepEqual(suggestions.slice(0, 8).map((s) => [s.fallback, s.info?.source]), Array(8).fill([true, 'fallback-random']));
  assert.equal(chat.requests.length > 3, true, 'a transient failure does not switch the LLM off');
  assert.ok(suggestions.slice(8).some((s) => s.info?.source === 'llambo'));
  assert.ok(notices.some((n) => n.kind === 'fallback' && /8 warm-start cells drawn at random: every warm-start request failed/.test(n.message)));
  const firstRandom = makeContext({ seed: 11 }).context.initialDesignRng;
  assert.equal(cellCode(suggestions[0].cell), firstRandom.int(NUM_CELLS), 'the random top-up uses the initial-design stream');
});

test('replies without usable cells: at most 2 repair rounds, then fallbacks; suggest never throws', async () => {
  const chat = fakeChat(() => 'Sorry, I can only help with cooking.');
  const events: LlmCallEventDraft[] = [];
  const searcher = new LlamboSearcher({ chat, onLlmCall: (e) => events.push(e) });
  const { context, notices } = makeContext();
  searcher.configure(context);
  const { suggestions } = await fillRung(searcher, { bracket: 0, level: 1, k: 14, firstTrialId: 0, reportLevels: [1] });
  assert.equal(suggestions.length, 14);
  assert.ok(suggestions.every((s) => s.fallback === true));
  // Warm start: 1 + 2 repair follow-ups. Batch of 6 (M = 12): 2 sampler requests + 2 rounds of repairs.
  const warm = events.filter((e) => e.component === 'warmstart' || (e.component === 'repair' && e.template === 'repair' && e.messages[1].content.includes('No cell has been evaluated yet')));
  assert.equal(warm.length, 3);
  assert.equal(events.filter((e) => e.component === 'sampler').length, 2);
  assert.ok(events.filter((e) => e.component === 'repair').every((e) => e.messages.length === 4 || e.messages.length === 6));
  assert.ok(events.every((e) => (e.parseFailures ?? []).includes('no cells found in the reply')));
  assert.equal(events.filter((e) => e.component === 'surrogate').length, 0, 'nothing to score');
  assert.equal(notices.filter((n) => n.kind === 'fallback').length, 2);
});

test('surrogate failures: candidates are imputed and flagged, picks still come from the sampler', async () => {
  const chat = fakeChat(oracle, { failWith: (_, view) => (view.kind === 'predictions' ? new LlmRequestFailed('timeout', undefined, 5, 'timed out') : undefined) });
  const searcher = new LlamboSearcher({ chat });
  const { context, notices } = makeContext();
  searcher.configure(context);
  const { suggestions } = await fillRung(searcher, { bracket: 0, level: 1, k: 28, firstTrialId: 0, reportLevels: [1] });
  const batch = suggestions.slice(8);
  assert.ok(batch.every((s) => s.info?.source === 'llambo' && s.info?.imputed === true && !s.fallback));
  assert.ok(notices.some((n) => /surrogate: \d+ of \d+ candidates imputed/.test(n.message)));
});

test('cancellation is the one error suggest() passes on', async () => {
  const searcher = new LlamboSearcher({ chat: fakeChat(oracle, { failWith: () => new LlmCancelled(1) }) });
  searcher.configure(makeContext().context);
  await assert.rejects(searcher.suggest({ trialId: 0, bracket: 0, level: 1, slotsRemaining: 5, time: 0 }), (e: unknown) => e instanceof LlmCancelled);
});

test('a fault mix (failures, prose, wrong ops, duplicates, noise) never breaks the searcher', async () => {
  const rng = new SeededRandom(21);
  const chat = fakeChat((view, request) => {
    const roll = rng.next();
    if (roll < 0.1) return '';
    if (roll < 0.2) return 'Here you go: {"cells": [{"edges": ["conv5x5", "none", "none", "none", "none", "none"]}]}';
    if (roll < 0.3) return '{"predictions": [{"id": "c1", "error": NaN}]}';
    return roll < 0.6 ? noiseReplier(view, request) : oracle(view, request);
  }, { failWith: () => (rng.next() < 0.15 ? new LlmRequestFailed('http', 503, 5, 'HTTP 503') : undefined) });
  const searcher = new LlamboSearcher({ chat });
  const { context } = makeContext({ seed: 2 });
  searcher.configure(context);
  let trialId = 0;
  const seen = new Set<number>();
  for (const [bracket, level, k] of [[0, 1, 60], [1, 3, 25], [2, 9, 12], [3, 27, 6]] as const) {
    const fill = await fillRung(searcher, { bracket, level, k, firstTrialId: trialId, reportLevels: [level] });
    trialId = fill.nextTrialId;
    for (const s of fill.suggestions) {
      assert.equal(s.cell.length, 6);
      assert.ok(!seen.has(cellCode(s.cell)), 'no repeats');
      seen.add(cellCode(s.cell));
    }
  }
  assert.equal(seen.size, 103);
});

test('llamboWarmStartCells gives another searcher (e.g. BOHB) N distinct LLM cells and their call events', async () => {
  const events: LlmCallEventDraft[] = [];
  const exclude = GOOD.slice(0, 5);
  const result = await llamboWarmStartCells({
    chat: fakeChat(oracle), isoClassOf: cellCode, rng: new SeededRandom(1), count: 10, exclude, onLlmCall: (e) => events.push(e),
  });
  assert.equal(result.picks.length, 10);
  const callIds = new Set(events.map((e) => e.callId));
  assert.ok(result.picks.every((p) => p.source === 'warmstart' && callIds.has(p.callIds[0])));
  assert.ok(result.picks.every((p) => !exclude.some((c) => cellCode(c) === cellCode(p.cell))));
  assert.equal(events[0].component, 'warmstart');
  assert.ok(result.seconds > 0);
  const failed = await llamboWarmStartCells({ chat: fakeChat(oracle, { failWith: () => new LlmBudgetExhausted('usd', 1, 1) }), isoClassOf: cellCode, rng: new SeededRandom(1), count: 4 });
  assert.equal(failed.picks.length, 4);
  assert.ok(failed.picks.every((p) => p.source === 'fallback-random'));
  assert.match(failed.fallbackReason ?? '', /4 warm-start cells drawn at random: .*budget exhausted/);
});
