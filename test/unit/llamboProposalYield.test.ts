import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CellHistory } from '../../src/core/llambo/cellHistory';
import { BatchSeen, CellRegistry } from '../../src/core/llambo/cellRegistry';
import { compactHistoryLine, historyLine } from '../../src/core/llambo/cellText';
import { curvePoints, renderSamplerHistory } from '../../src/core/llambo/historyRendering';
import { resolveLlamboOptions } from '../../src/core/llambo/llamboOptions';
import { LlamboPrompts } from '../../src/core/llambo/llamboPrompts';
import { LlmCallRecorder, type LlmCallEventDraft } from '../../src/core/llambo/llmCallRecorder';
import { loadPromptTemplates } from '../../src/core/llambo/promptTemplates';
import { collectProposals } from '../../src/core/llambo/proposalRounds';
import { describeYield, duplicateShare, REFUSAL_REASONS, yieldFromParsed } from '../../src/core/llambo/proposalYield';
import { inSlice, searchSlices } from '../../src/core/llambo/searchSlices';
import { llamboWarmStartCells } from '../../src/core/llambo/warmStart';
import { isDisconnected } from '../../src/core/nb201/cellGraph';
import { cellCode, cellFromCode, NUM_CELLS, OPS, type Cell } from '../../src/core/nb201/searchSpace';
import { SeededRandom } from '../../src/core/random/seededRandom';
import { LlamboSearcher } from '../../src/core/searchers/llamboSearcher';
import { LlmTally } from '../../src/core/study/llmTally';
import { fillRung, makeContext, syntheticError } from '../support/llamboHarness';
import { fakeChat, oracleReplier, type Replier } from '../support/llmResponders';

const GOOD = Array.from({ length: NUM_CELLS }, (_, c) => cellFromCode(c)).sort((a, b) => syntheticError(a, 200) - syntheticError(b, 200)).slice(0, 300);
const oracle = oracleReplier({ truth: syntheticError, goodCells: GOOD });
const opsJson = (cell: readonly (number | string)[]) => `[${cell.map((op) => `"${typeof op === 'number' ? OPS[op] : op}"`).join(', ')}]`;
const cellsReply = (cells: readonly (readonly (number | string)[])[]) => `{"cells": [${cells.map((c) => `{"edges": ${opsJson(c)}}`).join(', ')}]}`;
// Fake isomorphism: cells that differ only on edge 1->3 (slot 4) compute the same function.
const isoClassOf = (cell: Cell) => cellCode([...cell.slice(0, 4), 0, cell[5]]);

test('yield: every proposed cell is counted once, as accepted, unused or refused by its reason', async () => {
  const evaluated: Cell = [3, 3, 3, 3, 3, 3];
  const pending: Cell = [3, 1, 3, 1, 3, 3];
  const fresh: Cell = [2, 3, 3, 1, 2, 3];
  const twin: Cell = [2, 3, 3, 1, 4, 3];
  const second: Cell = [1, 3, 2, 3, 3, 1];
  const surplus: Cell = [1, 1, 3, 3, 2, 3];
  const reply = cellsReply([
    evaluated, pending, fresh, fresh, twin, [0, 0, 0, 0, 0, 0], ['conv_5x5', 'none', 'none', 'skip_connect', 'none', 'none'],
    ['nor_conv_3x3', 'nor_conv_3x3', 'nor_conv_3x3', 'nor_conv_3x3', 'nor_conv_3x3'], second, surplus,
  ]);
  const registry = new CellRegistry(isoClassOf, true);
  registry.addEvaluated(evaluated);
  registry.add(pending);
  const events: LlmCallEventDraft[] = [];
  const chat = fakeChat(() => reply);
  const recorder = new LlmCallRecorder(chat, (e) => events.push(e), undefined);
  const prompts = new LlamboPrompts(loadPromptTemplates({}), 'none');
  const result = await collectProposals(recorder, prompts, registry, new BatchSeen(), {
    initial: [{ component: 'sampler', template: 'sampler#0', messages: [{ role: 'user', content: 'Propose 10 cells' }], params: {}, asked: 10 }],
    fresh: () => assert.fail('no fresh request is needed'),
    target: 2, minimum: 2, repairRounds: 2, maxPerReply: 20, oversampling: 1.5, timingConcurrency: 0,
  });
  assert.deepEqual(result.accepted.map((p) => p.cell), [fresh, second]);
  assert.deepEqual(result.yield, {
    proposed: 10, accepted: 2, unused: 1,
    refused: { evaluated: 1, pending: 1, duplicate: 1, isomorphic: 1, invalidOp: 1, wrongEdgeCount: 1, disconnected: 1 },
  });
  assert.equal(chat.requests.length, 1, 'two usable cells were the minimum: no repair round');
  assert.deepEqual(yieldFromParsed(events[0].parsed), result.yield, 'the call event carries its yield');
  assert.equal(duplicateShare(result.yield), 0.4);
  assert.equal(describeYield(result.yield),
    '10 cells proposed: 2 accepted, 1 unused, 7 refused (evaluated 1, pending 1, duplicate 1, isomorphic 1, invalidOp 1, wrongEdgeCount 1, disconnected 1)');

  const tally = new LlmTally();
  tally.sink({ ...events[0], seq: 1, time: 0 });
  tally.sink({ ...events[0], seq: 2, time: 0 });
  assert.equal(tally.totals.proposalYield.proposed, 20, 'the study totals add the calls up');
  for (const reason of REFUSAL_REASONS) assert.equal(tally.totals.proposalYield.refused[reason], 2, reason);
});

/** Warm-start double: the first third of its first reply re-proposes excluded (evaluated) cells; everything else is new. */
function lossyWarmStart(evaluated: readonly Cell[]): Replier {
  let next = 0;
  return (view, request) => {
    const lost = request.messages.length === 2 ? Math.ceil(view.count / 3) : 0;
    const cells = [...evaluated.slice(0, lost), ...Array.from({ length: view.count - lost }, () => GOOD[100 + next++])];
    return cellsReply(cells);
  };
}

test('oversampling covers expected losses: no repair round; without it the same losses cost one', async () => {
  const evaluated = GOOD.slice(0, 10);
  const run = async (oversampling: number) => {
    const events: LlmCallEventDraft[] = [];
    const result = await llamboWarmStartCells({
      chat: fakeChat(lossyWarmStart(evaluated)), isoClassOf: cellCode, rng: new SeededRandom(1), count: 8,
      options: { oversampling }, onLlmCall: (e) => events.push(e), exclude: evaluated,
    });
    assert.equal(result.picks.length, 8);
    assert.ok(result.picks.every((p) => p.source === 'warmstart'), 'no random top-up');
    return events;
  };
  const covered = await run(1.5);
  assert.deepEqual(covered.map((e) => e.component), ['warmstart'], 'asked 12, lost 4: enough without a repair round');
  assert.equal(yieldFromParsed(covered[0].parsed)?.refused.evaluated, 4);
  const uncovered = await run(1);
  assert.deepEqual(uncovered.map((e) => e.component), ['warmstart', 'repair'], 'asked 8, lost 3: one repair round');
  const repairTurn = uncovered[1].messages[uncovered[1].messages.length - 1].content;
  assert.match(repairTurn, /Propose 3 more distinct cells\./, 'the repair asks for the 3 missing cells');
  assert.match(repairTurn, /"Isomorphic" means the same network as a cell already used/);
  assert.match(repairTurn, /: already evaluated$/m);
});

test('the repair turn says "1 more distinct cell" in the singular', async () => {
  const evaluated = GOOD.slice(0, 2);
  const events: LlmCallEventDraft[] = [];
  let calls = 0;
  const replier: Replier = () => (calls++ === 0 ? cellsReply([evaluated[0], GOOD[50]]) : cellsReply([GOOD[51]]));
  await llamboWarmStartCells({
    chat: fakeChat(replier), isoClassOf: cellCode, rng: new SeededRandom(1), count: 2,
    options: { oversampling: 1 }, onLlmCall: (e) => events.push(e), exclude: evaluated,
  });
  const repair = events.find((e) => e.component === 'repair');
  assert.ok(repair);
  // One cell missing: needed = min(1, 2 * 1) = 1 with oversampling 1.
  assert.match(repair.messages[repair.messages.length - 1].content, /Propose 1 more distinct cell\. /);
});

test('search slices: pairwise disjoint, never only disconnected cells, history-ranked, none for a single request', () => {
  assert.deepEqual(searchSlices(1, [], undefined, new SeededRandom(1)), []);
  for (const count of [2, 5, 6, 24, 36, 100]) {
    const slices = searchSlices(count, [], undefined, new SeededRandom(count));
    assert.equal(slices.length, count);
    const edges = JSON.stringify(slices[0].edges);
    assert.ok(slices.every((s) => JSON.stringify(s.edges) === edges), 'one set of fixed edges per batch');
    assert.equal(new Set(slices.map((s) => s.ops.join())).size, count, 'distinct op combinations: no cell is in two slices');
    for (const slice of slices) {
      const members = Array.from({ length: NUM_CELLS }, (_, c) => cellFromCode(c)).filter((c) => inSlice(c, slice));
      assert.ok(members.some((c) => !isDisconnected(c)), `slice ${JSON.stringify(slice)} has connected cells`);
    }
  }
  // With history, the slice holding the best cells comes first.
  const history = new CellHistory([1, 3], 200);
  for (let code = 0; code < NUM_CELLS; code += 37) history.add(code, cellFromCode(code), 1, syntheticError(cellFromCode(code), 1));
  const [best] = searchSlices(3, [...history.records()], 1, new SeededRandom(2));
  assert.ok(best.ops.every((op) => op === OPS.indexOf('nor_conv_3x3')), `conv3x3 is what the synthetic truth rewards: ${JSON.stringify(best)}`);
});

test('concurrent sampler requests of one batch each get their own part of the search space', async () => {
  const events: LlmCallEventDraft[] = [];
  const searcher = new LlamboSearcher({ chat: fakeChat(oracle), onLlmCall: (e) => events.push(e) });
  searcher.configure(makeContext().context);
  await fillRung(searcher, { bracket: 0, level: 1, k: 89, firstTrialId: 0, reportLevels: [1] });
  const samplers = events.filter((e) => e.component === 'sampler');
  assert.ok(samplers.length >= 10);
  const focus = samplers.map((e) => /Propose only cells with (.*)\.$/m.exec(e.messages[1].content)?.[1]);
  assert.ok(focus.every((f) => f !== undefined), 'every request names its part');
  assert.equal(new Set(focus).size, samplers.length, 'no two requests ask the same question');
  const edgesOf = (f: string) => [...f.matchAll(/(\d->\d) = /g)].map((m) => m[1]).join();
  assert.equal(new Set(focus.map((f) => edgesOf(f as string))).size, 1, 'the same edges are fixed, to different ops: the parts are disjoint');
});

test('the sampler prompt lists every evaluated cell when they fit, else the best and their nearest, saying how many are hidden', async () => {
  const run = async (contextWindow: number) => {
    const events: LlmCallEventDraft[] = [];
    const searcher = new LlamboSearcher({ chat: fakeChat(oracle), onLlmCall: (e) => events.push(e), contextWindow });
    searcher.configure(makeContext().context);
    const first = await fillRung(searcher, { bracket: 0, level: 1, k: 89, firstTrialId: 0, reportLevels: [1, 3] });
    const before = events.length;
    await fillRung(searcher, { bracket: 1, level: 3, k: 30, firstTrialId: first.nextTrialId, reportLevels: [3] });
    const sampler = events.slice(before).find((e) => e.component === 'sampler');
    assert.ok(sampler);
    return sampler.messages[1].content;
  };
  const roomy = await run(16_384);
  assert.match(roomy, /Cells evaluated so far \(89 of 89\)/);
  assert.equal(roomy.split('\n').filter((l) => /^(\w+ ){6}\| 1: /.test(l)).length, 89);
  assert.ok(!/not shown/.test(roomy));
  assert.match(roomy, /The goal is a low error after 200 epochs of training\. The evidence at hand is the error at epoch 3/);
  const tight = await run(3_600);
  const shown = Number(/Cells evaluated so far \((\d+) of 89\)/.exec(tight)?.[1]);
  assert.ok(shown > 0 && shown < 89, `${shown} shown`);
  assert.match(tight, new RegExp(`\\(${89 - shown} more evaluated cells, farther from the best ones, are not shown\\.\\)`));
  assert.ok(!/Do not propose cells listed above/.test(tight), 'no instruction that only covers the shown cells');
});

test('selection when the cells do not fit: the best cells, then the others by Hamming distance to them', () => {
  const history = new CellHistory([1], 200);
  const rng = new SeededRandom(4);
  for (let t = 0; t < 300; t++) {
    const cell = cellFromCode(rng.int(NUM_CELLS));
    history.add(t, cell, 1, syntheticError(cell, 1) + 0.001 * rng.next());
  }
  const records = [...history.records()];
  // A measure of the test's own (a quarter token per character): the selection, not the tokenizer, is under test.
  const block = renderSamplerHistory(records, 1, [1], { tokens: 1000, count: (text) => (text.length + 1) / 4 }, undefined);
  assert.ok(block.shownCount < block.totalCount && block.shownCount > 20);
  const shown = new Set(block.text.split('\n'));
  const lineOf = (r: (typeof records)[number]) => compactHistoryLine(r.cell, curvePoints(r, new Set([1])), r.failed);
  const ranked = records.slice().sort((a, b) => (a.curve.get(1)![0] - b.curve.get(1)![0]));
  assert.ok(shown.has(lineOf(ranked[0])) && shown.has(lineOf(ranked[1])), 'the best cells are shown');
  // The top cells: the longest prefix of the ranking within a quarter of the budget (chars/4 tokens).
  let used = 0;
  const top = ranked.filter((r) => (used += (lineOf(r).length + 1) / 4) <= 250).map((r) => r.cell);
  assert.ok(top.length > 3 && top.every((c) => shown.has(lineOf(ranked.find((r) => r.cell === c)!))));
  const distance = (c: Cell) => Math.min(...top.map((t) => t.filter((op, e) => op !== c[e]).length));
  const others = ranked.filter((r) => !top.includes(r.cell));
  const farthestShown = Math.max(...others.filter((r) => shown.has(lineOf(r))).map((r) => distance(r.cell)));
  const hidden = others.filter((r) => !shown.has(lineOf(r)));
  assert.ok(hidden.every((r) => distance(r.cell) >= farthestShown - 1), 'no hidden cell is clearly closer to the best than a shown one');
  assert.ok(others.filter((r) => distance(r.cell) < farthestShown - 1).every((r) => shown.has(lineOf(r))));
  const oldChars = records.reduce((a, r) => a + historyLine(r.cell, curvePoints(r, new Set([1])), r.failed).length + 1, 0);
  const newChars = records.reduce((a, r) => a + lineOf(r).length + 1, 0);
  assert.ok(newChars < 0.5 * oldChars, `compact lines: ${newChars} chars vs ${oldChars}`);
});

test('target framing: "better than the best so far" only when the target is below the best', async () => {
  const prompt = async (targetFloor: number) => {
    const events: LlmCallEventDraft[] = [];
    const searcher = new LlamboSearcher({ chat: fakeChat(oracle), onLlmCall: (e) => events.push(e), targetFloor });
    searcher.configure(makeContext().context);
    await fillRung(searcher, { bracket: 0, level: 1, k: 20, firstTrialId: 0, reportLevels: [1] });
    return events.find((e) => e.component === 'sampler')!.messages[1].content;
  };
  assert.match(await prompt(0.055), /at epoch 1, better than the best so far\./);
  // A floor above every error pins the target to the best itself.
  const pinned = await prompt(1);
  assert.match(pinned, /at epoch 1, as good as the best so far\./);
  assert.ok(!pinned.includes('better than the best'));
});

test('oversampling is a documented setting with a checked range', () => {
  assert.equal(resolveLlamboOptions().oversampling, 1.5);
  assert.throws(() => resolveLlamboOptions({ oversampling: 0.8 }), /llambo\.oversampling must be between 1 and 4 \(cells asked per cell needed\), got 0\.8/);
});
