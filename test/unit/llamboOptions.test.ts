import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_LLAMBO_OPTIONS, llamboOptionsFrom, resolveLlamboOptions } from '../../src/core/llambo/llamboOptions';
import type { LlmCallEventDraft } from '../../src/core/llambo/llmCallRecorder';
import { cellFromCode, NUM_CELLS } from '../../src/core/nb201/searchSpace';
import { createLlamboSearcher, LlamboSearcher, type LlamboSearcherContext } from '../../src/core/searchers/llamboSearcher';
import { fillRung, makeContext, syntheticError } from '../support/llamboHarness';
import { fakeChat, oracleReplier } from '../support/llmResponders';

const GOOD = Array.from({ length: NUM_CELLS }, (_, c) => cellFromCode(c)).sort((a, b) => syntheticError(a, 200) - syntheticError(b, 200)).slice(0, 3000);
const oracle = oracleReplier({ truth: syntheticError, goodCells: GOOD });

test('options: defaults as designed; bad values and types are refused with the setting named', () => {
  const o = resolveLlamboOptions();
  assert.deepEqual([
    o.nInit, o.templates, o.surrogateSamples, o.alpha, o.maxCellsPerReply, o.maxCandidatesPerRequest, o.repairRounds, o.randomFraction, o.surrogate, o.contextLevel,
  ],
    [8, 2, 3, 0.1, 20, 40, 2, 0, 'discriminative', 'full']);
  assert.throws(() => resolveLlamboOptions({ templates: 0 }), /llambo\.templates must be an integer >= 1/);
  assert.throws(() => resolveLlamboOptions({ randomFraction: 1.5 }), /llambo\.randomFraction must be in \[0, 1\]/);
  assert.throws(() => resolveLlamboOptions({ contextLevel: 'most' as never }), /contextLevel/);
  assert.deepEqual(llamboOptionsFrom({ nInit: 4, llm: { model: 'x' }, topNPercent: 3 }), { nInit: 4 }, 'unknown keys (other searchers, llm) are ignored');
  assert.throws(() => llamboOptionsFrom({ rejectDisconnected: 'yes' }), /llambo\.rejectDisconnected must be a boolean/);
  assert.throws(() => llamboOptionsFrom({ jsonMode: true }), /llambo\.jsonMode is no longer a setting: .*llm\.responseFormat/);
  assert.throws(() => llamboOptionsFrom({ historyTokenBudget: 3000 }), /llambo\.historyTokenBudget is no longer a setting: .*contextWindow/);
  assert.throws(() => resolveLlamboOptions({ contextWindow: 100 }), /llambo\.contextWindow must be an integer >= 256/);
  assert.throws(() => llamboOptionsFrom({ gamma: 1 }), /gamma/);
  assert.equal(DEFAULT_LLAMBO_OPTIONS.nInit, 8);
});

test('randomFraction: that share of each batch is uniform random, not from the LLM and not a fallback', async () => {
  const searcher = createLlamboSearcher({ randomFraction: 0.25 }, { chat: fakeChat(oracle) });
  searcher.configure(makeContext().context);
  const { suggestions } = await fillRung(searcher, { bracket: 0, level: 1, k: 28, firstTrialId: 0, reportLevels: [1] });
  const sources = suggestions.slice(8).map((s) => s.info?.source);
  assert.equal(sources.filter((s) => s === 'random').length, 5);
  assert.equal(sources.filter((s) => s === 'llambo').length, 15);
  assert.ok(suggestions.every((s) => !s.fallback));
});

test('samples as choices: one request with n = S per template and chunk', async () => {
  const chat = fakeChat(oracle);
  const searcher = new LlamboSearcher({ chat, samplesAsChoices: true });
  searcher.configure(makeContext().context);
  await fillRung(searcher, { bracket: 0, level: 1, k: 18, firstTrialId: 0, reportLevels: [1] });
  const surrogate = chat.requests.filter((r) => r.tag?.component === 'surrogate');
  assert.equal(surrogate.length, 2, '20 candidates = 1 chunk, x 2 templates');
  assert.ok(surrogate.every((r) => r.n === 3));
});

test('LLM call events reach a context-provided emitLlmCall when no onLlmCall is given', async () => {
  const events: LlmCallEventDraft[] = [];
  const searcher = new LlamboSearcher({ chat: fakeChat(oracle), nInit: 3 });
  const { context } = makeContext();
  const withEvents: LlamboSearcherContext = { ...context, emitLlmCall: (e) => events.push(e) };
  searcher.configure(withEvents);
  await fillRung(searcher, { bracket: 0, level: 1, k: 3, firstTrialId: 0 });
  assert.equal(events.length, 1);
  assert.equal(events[0].type, 'llmCall');
  assert.equal(events[0].component, 'warmstart');
  assert.ok(events[0].messages.length === 2 && typeof events[0].reply === 'string');
  assert.deepEqual((events[0].parsed as { accepted: number }).accepted, 3);
});

test('generative surrogate without log-probabilities uses hard labels and says so', async () => {
  const events: LlmCallEventDraft[] = [];
  const searcher = new LlamboSearcher({ chat: fakeChat(oracle), surrogate: 'generative', onLlmCall: (e) => events.push(e) });
  searcher.configure(makeContext().context);
  const { suggestions } = await fillRung(searcher, { bracket: 0, level: 1, k: 18, firstTrialId: 0, reportLevels: [1] });
  const pTops = suggestions.slice(8).map((s) => s.info?.pTop as number);
  assert.ok(pTops.every((p) => p >= 0 && p <= 1));
  const surrogate = events.filter((e) => e.component === 'surrogate');
  assert.ok(surrogate.length > 0);
  assert.ok(surrogate.every((e) => (e.parsed as { notes: string[] }).notes.includes('no token log-probabilities: hard 0/1 labels used')));
});
