import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadTable } from '../../src/core/benchmark/tableLoader';
import type { StudyEvent } from '../../src/core/events/studyEvents';
import { WARM_STARTED_SEARCHERS } from '../../src/core/searchers/warmStartNames';
import { parseCompareEntries, runComparison } from '../../src/core/study/compareRunner';
import { makeStudyId } from '../../src/core/study/studyId';
import { runStudy } from '../../src/core/study/studyRunner';
import { parseStudySpec, StudySpecError, type SearcherName } from '../../src/core/study/studySpec';
import { WarmStartReplyMemo } from '../../src/core/study/warmStartReplyMemo';
import { FAKE_SERVER_MODEL, FakeLlmServer } from '../support/fakeLlmServer';
import { collectEvents, trialStarts } from '../support/llamboStudyHarness';
import { noiseReplier, serverResponder } from '../support/llmResponders';

const benchmark = loadTable();
const ENDPOINT = { baseUrl: 'http://127.0.0.1:9/v1', model: 'fake-llm' };

function issuesOf(input: unknown): readonly string[] {
  try {
    parseStudySpec(input);
    return [];
  } catch (error) {
    if (error instanceof StudySpecError) return error.issues;
    throw error;
  }
}

test('every baseline has a NAME+warm searcher that needs an LLM endpoint; dehb+warm brings DEHB\'s scheduler', () => {
  assert.deepEqual([...WARM_STARTED_SEARCHERS], ['random+warm', 'bohb+warm', 'rea+warm', 'local+warm', 'mobster+warm', 'dehb+warm']);
  for (const searcher of [...WARM_STARTED_SEARCHERS, 'bohb-llambo']) {
    assert.match(issuesOf({ searcher }).join('\n'), new RegExp(`spec.llm: required by searcher "${searcher.replace('+', '\\+')}"`));
    assert.equal(parseStudySpec({ searcher, llm: ENDPOINT }).searcher, searcher);
  }
  assert.equal(parseStudySpec({ searcher: 'dehb+warm', llm: ENDPOINT }).scheduler, 'dehb');
  assert.equal(parseStudySpec({ searcher: 'rea+warm', llm: ENDPOINT }).scheduler, 'sync-hyperband');
  assert.deepEqual(issuesOf({ searcher: 'dehb+warm', scheduler: 'asha', llm: ENDPOINT }),
    ['spec.scheduler: searcher "dehb+warm" runs only under scheduler "dehb"; leave spec.scheduler out (got "asha")']);
  assert.match(issuesOf({ searcher: 'rea', scheduler: 'dehb' }).join('\n'), /scheduler "dehb" takes its configs from searcher "dehb" or "dehb\+warm"/);
  // Study ids name folders: no "+" in them.
  assert.match(makeStudyId({ searcher: 'rea+warm', scheduler: 'asha', seed: 2 }, new Date(2025, 0, 2, 3, 4, 5)), /^rea-warm-asha-s2-20250102-030405$/);
});

test('compare entries: name[+warm][:profile][@scheduler]; a bad entry says what is allowed', () => {
  const entries = parseCompareEntries('rea,rea+warm,rea+warm@asha,dehb+warm,bohb-llambo', 'sync-hyperband');
  assert.deepEqual(entries.map((e) => [e.label, e.searcher, e.scheduler]), [
    ['rea', 'rea', 'sync-hyperband'], ['rea+warm', 'rea+warm', 'sync-hyperband'], ['rea+warm@asha', 'rea+warm', 'asha'],
    ['dehb+warm', 'dehb+warm', 'dehb'], ['bohb-llambo', 'bohb-llambo', 'sync-hyperband'],
  ]);
  assert.throws(() => parseCompareEntries('rea+cold', 'sync-hyperband'), /"rea\+cold" is not one of .*dehb\+warm \(optionally :profile, then @scheduler, e\.g\. rea\+warm@asha or llambo:gpt4omini@asha\)/);
  assert.throws(() => parseCompareEntries('llambo+warm', 'sync-hyperband'), /"llambo\+warm" is not one of/);
});

/** The first `count` cells a study started, as arch strings, and their pick sources. */
function firstCells(events: readonly StudyEvent[], count: number): { archs: string[]; sources: string[] } {
  const starts = trialStarts(events).slice(0, count);
  return { archs: starts.map((e) => e.arch), sources: starts.map((e) => String(e.info?.source)) };
}

test('warm-started methods on one seed share one warm start: the same first cells, the LLM asked once (counted at the server)', async () => {
  const server = await new FakeLlmServer(serverResponder(noiseReplier)).start();
  try {
    const llm = { baseUrl: server.baseUrl, model: FAKE_SERVER_MODEL };
    const spec = (searcher: SearcherName, seed: number) => ({ searcher, seed, hours: 0.5, llm, searcherOptions: { nInit: 6 } });

    // Without a shared memo each study asks for its own warm start.
    await runStudy(spec('rea+warm', 0), { benchmark });
    const one = server.requests.length;
    assert.ok(one >= 1);
    await runStudy(spec('local+warm', 0), { benchmark });
    assert.equal(server.requests.length, 2 * one, 'two studies without a memo ask twice');

    // With one: every method gets the same warm-start cells, from one set of requests per seed.
    const memo = new WarmStartReplyMemo();
    const before = server.requests.length;
    const cellsBySeed = new Map<number, string[]>();
    for (const seed of [0, 1]) {
      for (const searcher of WARM_STARTED_SEARCHERS) {
        const { events, sink } = collectEvents();
        const summary = await runStudy(spec(searcher, seed), { benchmark, sinks: [sink], warmStartReplies: memo });
        const { archs, sources } = firstCells(events, 6);
        assert.deepEqual(sources, new Array(6).fill('warmstart'), `${searcher} seed ${seed}: first picks`);
        assert.deepEqual(archs, cellsBySeed.get(seed) ?? archs, `${searcher} seed ${seed}: warm-start cells`);
        cellsBySeed.set(seed, archs);
        // Each study still records its warm-start calls; all but the first method's are shared hits.
        assert.equal(summary.llm?.requests, one, `${searcher} seed ${seed}: llmCall events`);
        assert.equal(summary.llm?.cacheHits, searcher === WARM_STARTED_SEARCHERS[0] ? 0 : one, `${searcher} seed ${seed}: shared hits`);
      }
    }
    assert.notDeepEqual(cellsBySeed.get(0), cellsBySeed.get(1), 'another seed, another warm start');
    assert.equal(server.requests.length - before, 2 * one, `${WARM_STARTED_SEARCHERS.length} methods x 2 seeds`);

    // A comparison does the same on its own: one warm start per seed however many entries start from it.
    const beforeCompare = server.requests.length;
    const comparison = await runComparison({
      benchmark, entries: parseCompareEntries('random+warm,rea+warm@asha,dehb+warm,bohb-llambo', 'sync-hyperband'),
      seeds: [0, 1, 2], baseSpec: { hours: 0.5, llm, searcherOptions: { nInit: 6 } },
    });
    assert.equal(comparison.runs.length, 12);
    assert.equal(server.requests.length - beforeCompare, 3 * one, '4 entries x 3 seeds');
  } finally {
    await server.close();
  }
});

test('dehb+warm evolves from the warm-start cells: DE children take them as parents', async () => {
  const { events, sink } = collectEvents();
  const server = await new FakeLlmServer(serverResponder(noiseReplier)).start();
  try {
    await runStudy({ searcher: 'dehb+warm', seed: 3, hours: 5, llm: { baseUrl: server.baseUrl, model: FAKE_SERVER_MODEL }, searcherOptions: { nInit: 8 } },
      { benchmark, sinks: [sink] });
  } finally {
    await server.close();
  }
  const warmTrials = new Set(trialStarts(events).filter((e) => e.info?.source === 'warmstart').map((e) => e.trialId));
  assert.equal(warmTrials.size, 8);
  const children = trialStarts(events).filter((e) => e.info?.source === 'evolution');
  assert.ok(children.length > 0, 'DEHB evolved');
  const fromWarm = children.filter((e) => [...(e.info?.parents as number[]), e.info?.target as number].some((t) => warmTrials.has(t)));
  assert.ok(fromWarm.length > 0, `${children.length} DE children, none from a warm-start cell`);
});
