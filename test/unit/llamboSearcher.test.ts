import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { LlmCallEventDraft } from '../../src/core/llambo/llmCallRecorder';
import { REFUSAL_TEXT, yieldFromParsed } from '../../src/core/llambo/proposalYield';
import { LlamboSearcher } from '../../src/core/searchers/llamboSearcher';
import { LlmClient } from '../../src/core/llm/llmClient';
import { cellCode, cellFromCode, NUM_CELLS, type Cell } from '../../src/core/nb201/searchSpace';
import { SeededRandom } from '../../src/core/random/seededRandom';
import { FakeLlmServer } from '../support/fakeLlmServer';
import { fillRung, makeContext, syntheticError } from '../support/llamboHarness';
import { fakeChat, oracleReplier, serverResponder, type Replier } from '../support/llmResponders';

const ALL_CELLS = Array.from({ length: NUM_CELLS }, (_, code) => cellFromCode(code));
const GOOD_CELLS = ALL_CELLS.slice().sort((a, b) => syntheticError(a, 200) - syntheticError(b, 200)).slice(0, 400);
const oracle = oracleReplier({ truth: syntheticError, goodCells: GOOD_CELLS });

test('warm start, then one batch for a rung of 81: fewer than one request per new cell, all distinct, time charged once', async () => {
  const chat = fakeChat(oracle, { latencySeconds: 1.5 });
  const events: LlmCallEventDraft[] = [];
  // A window wide enough that the cap of 40 candidates per surrogate request, not the window, sets the chunks.
  const searcher = new LlamboSearcher({ chat, onLlmCall: (e) => events.push(e), contextWindow: 128_000, model: 'gpt-4o-mini' });
  const { context, notices } = makeContext();
  searcher.configure(context);
  const { suggestions } = await fillRung(searcher, { bracket: 0, level: 1, k: 89, firstTrialId: 0, reportLevels: [1] });

  assert.deepEqual(suggestions.slice(0, 8).map((s) => s.info?.source), Array(8).fill('warmstart'));
  assert.deepEqual(new Set(suggestions.slice(8).map((s) => s.info?.source)), new Set(['llambo']));
  assert.ok(suggestions.every((s) => !s.fallback));
  assert.equal(new Set(suggestions.map((s) => cellCode(s.cell))).size, 89, 'every cell is new');

  const batchRequests = chat.requests.length - 1;
  assert.ok(batchRequests <= 81, `${batchRequests} requests for 81 cells`);
  const byComponent = (c: string) => events.filter((e) => e.component === c);
  assert.equal(byComponent('warmstart').length, 1);
  assert.equal(byComponent('sampler').length, 14, 'M = 162 cells x 1.5 oversampling = 243 asked in replies of at most 20, over 2 templates');
  const pool = [...byComponent('sampler'), ...byComponent('repair')].reduce((a, e) => a + (e.parsed as { accepted: number }).accepted, 0);
  assert.ok(pool >= 81 && pool <= 162, `candidate pool ${pool}`);
  assert.equal(byComponent('surrogate').length, 2 * 3 * Math.ceil(pool / 40), 'chunks of <= 40 candidates x 2 templates x 3 samples');
  assert.equal(events.length, chat.requests.length, 'every request is an event');
  // Repair rounds are sequential stages: a round-r follow-up carries 2 + 2r messages.
  const repairRounds = new Set(byComponent('repair').map((e) => e.messages.length)).size;
  const batchSeconds = 1.5 * (1 + repairRounds + 1);
  assert.deepEqual(suggestions.map((s) => s.decisionSeconds), [1.5, ...Array(7).fill(0), batchSeconds, ...Array(80).fill(0)],
    'warm start 1.5 s; batch = sampler, repair and surrogate stages of 1.5 s each, charged on its first suggestion');
  const first = suggestions[8].info as Record<string, unknown>;
  assert.equal(first.level, 1);
  assert.ok(typeof first.predictedMean === 'number' && typeof first.predictedStd === 'number' && typeof first.ei === 'number');
  const ids = new Set(events.map((e) => e.callId));
  const callIds = first.callIds as string[];
  assert.ok(callIds.length >= 2 && callIds.every((id) => ids.has(id)), 'suggestions link to the calls that proposed and scored them');

  const sampler = events.find((e) => e.component === 'sampler');
  assert.ok(sampler);
  const prompt = sampler.messages[1].content;
  assert.match(prompt, /The goal is a low error after 200 epochs of training\. The evidence at hand is the error at epoch 1, the highest epoch reached by enough cells \(8 cells\)/);
  assert.match(prompt, /reach an error of 0\.\d{4} at epoch 1, better than the best so far/);
  assert.equal(prompt.split('\n').filter((l) => /^(\w+ ){6}\| 1: 0\.\d{4}$/.test(l)).length, 8, 'the 8 warm-start results are the history, one compact line each');
  const meanError = (cells: readonly Cell[]) => cells.reduce((a, c) => a + syntheticError(c, 200), 0) / cells.length;
  const random = new SeededRandom(5);
  const randomCells = Array.from({ length: 200 }, () => ALL_CELLS[random.int(NUM_CELLS)]);
  assert.ok(meanError(suggestions.slice(8).map((s) => s.cell)) < meanError(randomCells) - 0.02, 'an oracle LLM steers picks to good cells');
  assert.deepEqual(notices.filter((n) => n.kind === 'fallback'), []);
});

test('duplicates and isomorphic twins of evaluated, pending or batch cells are dropped with reasons', async () => {
  // Fake isomorphism: cells that differ only on edge 1->3 (slot 4) compute the same function.
  const isoClassOf = (cell: Cell) => cellCode([...cell.slice(0, 4), 0, cell[5]]);
  const twinOf = (cell: Cell) => [...cell.slice(0, 4), (cell[4] + 1) % 5, cell[5]];
  const rng = new SeededRandom(3);
  const replier: Replier = (view, request) => {
    if (view.kind !== 'cells' || view.level === undefined) return oracle(view, request);
    const history = [...view.mentioned].slice(0, 3).map(cellFromCode);
    const fresh = Array.from({ length: Math.max(2, view.count - history.length - 2) }, () => cellFromCode(rng.int(NUM_CELLS)));
    const cells = [...history.map(twinOf), fresh[0], fresh[0], twinOf(fresh[0]), ...fresh.slice(1)];
    return `{"cells": [${cells.map((c) => `{"edges": [${c.map((op) => `"${['none', 'skip_connect', 'nor_conv_1x1', 'nor_conv_3x3', 'avg_pool_3x3'][op]}"`).join(', ')}]}`).join(', ')}]}`;
  };
  const events: LlmCallEventDraft[] = [];
  const searcher = new LlamboSearcher({ chat: fakeChat(replier), onLlmCall: (e) => events.push(e), rejectDisconnected: false });
  const { context } = makeContext({ isoClassOf });
  searcher.configure(context);
  const { suggestions } = await fillRung(searcher, { bracket: 0, level: 1, k: 40, firstTrialId: 0, reportLevels: [1] });
  const classes = suggestions.map((s) => isoClassOf(s.cell));
  assert.equal(new Set(classes).size, suggestions.length, 'no two handed-out cells are isomorphic');
  const failures = events.filter((e) => e.component === 'sampler').flatMap((e) => e.parseFailures ?? []);
  assert.ok(failures.some((f) => f.endsWith(REFUSAL_TEXT.isomorphic)), failures.join('\n'));
  assert.ok(failures.some((f) => f.endsWith(REFUSAL_TEXT.duplicate)));
  const refused = events.filter((e) => e.component === 'sampler').map((e) => yieldFromParsed(e.parsed)!.refused);
  assert.ok(refused.some((r) => r.isomorphic > 0) && refused.some((r) => r.duplicate > 0), 'counted by reason');
});

test('vanilla LLAMBO under FIFO: a single level, one cell per batch, level H = 200 once 4 trials finished', async () => {
  const chat = fakeChat(oracle);
  const searcher = new LlamboSearcher({ chat, nInit: 4 });
  const { context } = makeContext({ rungLevels: [200] });
  searcher.configure(context);
  const handed: Record<string, unknown>[] = [];
  for (let trialId = 0; trialId < 8; trialId++) {
    const s = await searcher.suggest({ trialId, bracket: 0, level: 200, slotsRemaining: 1, time: 0 });
    searcher.onPending(trialId, s.cell);
    for (const epoch of [1, 50, 200]) searcher.onResult({ trialId, cell: s.cell, epoch, error: syntheticError(s.cell, epoch) });
    handed.push(s.info as Record<string, unknown>);
  }
  assert.deepEqual(handed.map((i) => i.source), ['warmstart', 'warmstart', 'warmstart', 'warmstart', 'llambo', 'llambo', 'llambo', 'llambo']);
  assert.ok(handed.slice(4).every((i) => i.level === 200));
  // 1 warm start + 4 batches x (2 sampler + 1 chunk x 2 templates x 3 samples).
  assert.equal(chat.requests.length, 1 + 4 * 8);
});

test('events and picks do not depend on which concurrent reply arrives first', async () => {
  const run = async (delay: (i: number) => number) => {
    const events: LlmCallEventDraft[] = [];
    const searcher = new LlamboSearcher({ chat: fakeChat(oracle, { delayMs: delay }), onLlmCall: (e) => events.push(e) });
    const { context } = makeContext({ seed: 9 });
    searcher.configure(context);
    const { suggestions } = await fillRung(searcher, { bracket: 0, level: 1, k: 30, firstTrialId: 0, reportLevels: [1] });
    return JSON.stringify({ events, suggestions });
  };
  const a = await run((i) => (i * 7) % 5);
  const b = await run((i) => 4 - ((i * 3) % 5));
  assert.equal(a, b);
});

test('state survives a JSON round trip and the restored searcher continues identically', async () => {
  const make = () => {
    const searcher = new LlamboSearcher({ chat: fakeChat(oracle) });
    searcher.configure(makeContext({ seed: 4 }).context);
    return searcher;
  };
  const original = make();
  const head = await fillRung(original, { bracket: 0, level: 1, k: 20, firstTrialId: 0, reportLevels: [1] });
  const restored = make();
  restored.restore(JSON.parse(JSON.stringify(original.state())));
  const tailA = await fillRung(original, { bracket: 0, level: 1, k: 25, firstTrialId: head.nextTrialId, reportLevels: [1] });
  const tailB = await fillRung(restored, { bracket: 0, level: 1, k: 25, firstTrialId: head.nextTrialId, reportLevels: [1] });
  assert.deepEqual(tailB.suggestions, tailA.suggestions);
});

test('generative surrogate: p(top) is read from token log-probabilities', async () => {
  const base = fakeChat(oracle);
  const chat = async (request: Parameters<typeof base>[0]) => {
    const result = await base(request);
    if (!request.logprobs) return result;
    // One token per character; each label digit carries p = 0.8 for what it says.
    const text = result.texts[0];
    const tokens = [...text].map((ch, i) => {
      const isLabel = (ch === '0' || ch === '1') && text.slice(Math.max(0, i - 7), i).includes('"top": ');
      if (!isLabel) return { token: ch, logprob: 0, topLogprobs: [] };
      const other = ch === '1' ? '0' : '1';
      return { token: ch, logprob: Math.log(0.8), topLogprobs: [{ token: ch, logprob: Math.log(0.8) }, { token: other, logprob: Math.log(0.2) }] };
    });
    return { ...result, logprobs: [tokens] };
  };
  const events: LlmCallEventDraft[] = [];
  const searcher = new LlamboSearcher({ chat, surrogate: 'generative', onLlmCall: (e) => events.push(e) });
  searcher.configure(makeContext().context);
  const { suggestions } = await fillRung(searcher, { bracket: 0, level: 1, k: 20, firstTrialId: 0, reportLevels: [1] });
  const pTops = suggestions.slice(8).map((s) => s.info?.pTop as number);
  assert.ok(pTops.every((p) => p >= 0.2 - 1e-9 && p <= 0.8 + 1e-9), pTops.join(','));
  assert.ok(pTops.some((p) => Math.abs(p - 0.8) < 1e-9), 'cells the oracle labels top get p = 0.8');
  const surrogateCall = events.find((e) => e.component === 'surrogate');
  assert.ok(surrogateCall && surrogateCall.template.startsWith('surrogate-generative'));
  assert.match(surrogateCall.messages[1].content, /among the best 25% of the evaluated cells \(error at most 0\.\d{4}\)/);
});

test('through the real LLM client and the fake OpenAI-compatible server', async () => {
  const server = await new FakeLlmServer(serverResponder(oracle)).start();
  try {
    const client = new LlmClient({ baseUrl: server.baseUrl, model: 'fake-model', endpointKind: 'custom' });
    const events: LlmCallEventDraft[] = [];
    const searcher = new LlamboSearcher({ chat: (r) => client.chat(r), onLlmCall: (e) => events.push(e) });
    searcher.configure(makeContext().context);
    const { suggestions } = await fillRung(searcher, { bracket: 0, level: 1, k: 30, firstTrialId: 0, reportLevels: [1] });
    assert.equal(suggestions.filter((s) => s.fallback).length, 0);
    assert.equal(server.requests.length, events.length);
    assert.ok(events.every((e) => e.usage && e.error === undefined));
    assert.ok(server.requests.every((r) => r.body.messages[0].role === 'system' && typeof r.body.seed === 'number'));
  } finally {
    await server.close();
  }
});
