import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { loadTable } from '../../src/core/benchmark/tableLoader';
import { studyEventSchema } from '../../src/core/events/studyEventSchema';
import { cellFromCode, NUM_CELLS } from '../../src/core/nb201/searchSpace';
import { LlamboSearcher } from '../../src/core/searchers/llamboSearcher';
import type { SuggestRequest } from '../../src/core/searchers/searcher';
import { runStudy } from '../../src/core/study/studyRunner';
import { makeContext, syntheticError } from '../support/llamboHarness';
import { benchmarkOracle, collectEvents, UNUSED_ENDPOINT } from '../support/llamboStudyHarness';
import { fakeChat, oracleReplier } from '../support/llmResponders';

/** Test double: proposes from every seventh cell, predicts the synthetic truth. Not an LLM. */
const replier = oracleReplier({ truth: syntheticError, goodCells: Array.from({ length: Math.floor(NUM_CELLS / 7) }, (_, i) => cellFromCode(i * 7)), defaultLevel: 200 });

/** LLAMBO with 2 warm-start cells, 10 modelled s per request, brackets whose first rung takes 3 configs. */
function prefetchingSearcher(prefetch: boolean) {
  const searcher = new LlamboSearcher({ chat: fakeChat(replier), nInit: 2, secondsPerCall: 10, prefetch });
  const { context, notices } = makeContext({ seed: 4 });
  searcher.configure({ ...context, firstRungOf: () => ({ level: 1, slots: 3 }) });
  const ask = async (trialId: number, bracket: number, slotsRemaining: number, time: number) => {
    const request: SuggestRequest = { trialId, bracket, level: 1, slotsRemaining, time };
    const suggestion = await searcher.suggest(request);
    searcher.onPending(trialId, suggestion.cell);
    return suggestion;
  };
  return { searcher, ask, notices };
}

test('prefetch: the next batch is made ahead and charged only for the part a worker still waits', async () => {
  const { ask, notices } = prefetchingSearcher(true);
  // Trial 0 at t=0: the warm start (one request, 10 s) is charged; the rest of bracket 0's rung (1 cell) is
  // prefetched from t=10 and ready at 10 + its own LLM seconds.
  const first = await ask(0, 0, 3, 0);
  assert.equal(first.decisionSeconds, 10);
  const rest = first.spentSeconds! - 10;
  assert.ok(rest >= 10 && rest % 10 === 0, `the prefetched batch took ${rest} s`);
  const second = await ask(1, 0, 2, 10); // the second warm-start cell: nothing to wait for, nothing new made
  assert.deepEqual([second.decisionSeconds, second.spentSeconds, second.info?.source], [0, 0, 'warmstart']);
  // Trial 2 asks at t=15, before the prefetched batch is ready at 10 + rest: it waits the difference.
  const third = await ask(2, 0, 1, 15);
  assert.equal(third.decisionSeconds, 10 + rest - 15);
  assert.equal(third.info?.source, 'llambo');
  // Handing it out started bracket 1's batch (3 cells) at 15 + wait; asked long after, it costs nothing.
  const nextBracket = third.spentSeconds!;
  assert.ok(nextBracket >= 10, `bracket 1's batch took ${nextBracket} s`);
  const fourth = await ask(3, 1, 3, 1000);
  assert.deepEqual([fourth.decisionSeconds, fourth.info?.source], [0, 'llambo']);
  assert.ok(notices.every((n) => n.kind !== 'fallback'), JSON.stringify(notices));
});

test('prefetch: a batch made for a bracket that does not ask next goes back to the pool', async () => {
  const { ask, searcher, notices } = prefetchingSearcher(true);
  // A one-slot rung: bracket 1's batch is prefetched at once, less the warm-start cell left over (it serves any bracket).
  await ask(0, 0, 1, 0);
  const prefetched = (searcher.state() as { prefetched?: { bracket: number; picks: unknown[] } }).prefetched;
  assert.deepEqual([prefetched?.bracket, prefetched?.picks.length], [1, 2]);
  const leftover = await ask(1, 2, 3, 500);
  assert.deepEqual([leftover.decisionSeconds, leftover.info?.source], [0, 'warmstart']);
  const other = await ask(2, 2, 2, 510);
  assert.ok(other.decisionSeconds! >= 10, 'bracket 2 waits for a batch of its own');
  assert.ok(notices.some((n) => /2 prefetched picks of batch \d+ dropped: bracket 2 asks, not 1/.test(n.message)), JSON.stringify(notices));
});

test('prefetch state survives a pause and resume', async () => {
  const a = prefetchingSearcher(true);
  await a.ask(0, 0, 3, 0);
  const b = prefetchingSearcher(true);
  b.searcher.restore(JSON.parse(JSON.stringify(a.searcher.state())));
  const [fromA, fromB] = [await a.ask(1, 0, 2, 10), await b.ask(1, 0, 2, 10)];
  assert.deepEqual(fromB, fromA);
  const [thirdA, thirdB] = [await a.ask(2, 0, 1, 15), await b.ask(2, 0, 1, 15)];
  assert.deepEqual([thirdB.cell, thirdB.decisionSeconds], [thirdA.cell, thirdA.decisionSeconds]);
});

test('without prefetch every batch is made when asked and charged in full', async () => {
  const { ask } = prefetchingSearcher(false);
  const first = await ask(0, 0, 3, 0);
  assert.deepEqual([first.decisionSeconds, first.spentSeconds], [10, 10]);
  await ask(1, 0, 2, 10);
  const third = await ask(2, 0, 1, 15);
  assert.ok(third.decisionSeconds! >= 10 && third.decisionSeconds === third.spentSeconds);
});

/**
 * Prefetch off reproduces the numbers from before prefetch existed: the fingerprint of every trial start and
 * result of this 1 h modelled study was recorded on the commit before prefetch (4033ded), with this same code.
 */
test('prefetch off: a modelled LLAMBO study gives exactly the trial starts and results it gave before prefetch existed', async () => {
  const benchmark = loadTable();
  const oracle = benchmarkOracle(benchmark, 2500);
  const { events, sink } = collectEvents();
  const summary = await runStudy({
    searcher: 'llambo', hours: 1, workers: 4, seed: 3, studyId: 'golden', llm: UNUSED_ENDPOINT,
    decisionTime: { mode: 'modelled', secondsPerLlmCall: 10, prefetch: false },
  }, { benchmark, sinks: [sink], llm: { chat: fakeChat(oracleReplier(oracle)) } });
  const lines = events.filter((e) => e.type === 'trialStarted' || e.type === 'result').map((e) => JSON.stringify(e)).join('\n');
  assert.deepEqual([summary.simulatedSeconds, summary.trialsStarted, summary.resultsReported, summary.llm?.requests], [3601.026990890503, 253, 590, 185]);
  assert.equal(createHash('sha256').update(lines).digest('hex'), '1e8fdeebfc9f374cf8891efa2c12f9b9568818956d0490fe6fcb65754644106d');
  assert.equal(summary.delay?.prefetch, false);
  assert.equal(summary.delay?.chargedSeconds, summary.delay?.llmSeconds, 'nothing hidden without prefetch');
  const finished = events.find((e) => e.type === 'studyFinished');
  assert.deepEqual(finished?.type === 'studyFinished' ? finished.delay : null, summary.delay);
  assert.deepEqual(studyEventSchema().parse(JSON.parse(JSON.stringify(finished))), finished, 'the log reader accepts the delay fields');
});
