import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Benchmark } from '../../src/core/benchmark/benchmark';
import { loadTable } from '../../src/core/benchmark/tableLoader';
import { defaultTablePath } from '../../src/core/benchmark/tablePaths';
import type { EventSink, StudyEvent, StudyEventDraft, StudyEventType } from '../../src/core/events/studyEvents';
import { EventLogWriter } from '../../src/core/study/eventLog';
import { runStudy, type RunStudyOptions } from '../../src/core/study/studyRunner';
import type { StudySpecInput } from '../../src/core/study/studySpec';
import { makeFakeBenchmark } from '../support/fakeBenchmark';
import { benchmarkOracle, UNUSED_ENDPOINT } from '../support/llamboStudyHarness';
import { fakeChat, oracleReplier } from '../support/llmResponders';

const tablePath = defaultTablePath();
const realTable = existsSync(tablePath) ? loadTable(tablePath) : undefined;

function capture(events: StudyEvent[]): EventSink {
  return (event: StudyEvent) => { events.push(event); };
}

function llmOptions(benchmark: Benchmark, replies?: 'oracle' | 'nonsense'): Partial<RunStudyOptions> {
  if (replies === undefined) return {};
  return { llm: { chat: replies === 'oracle' ? fakeChat(oracleReplier(benchmarkOracle(benchmark))) : fakeChat(() => 'Sorry, no cells.') } };
}

/** The log's lines as JSON.stringify writes each event, the events as a sink got them. */
function expectedLines(events: readonly StudyEvent[]): string {
  return events.map((event) => JSON.stringify(event) + '\n').join('');
}

test('the log of real studies holds JSON.stringify of each event, from numbered drafts as from events', async () => {
  const fake = makeFakeBenchmark({ epochSeconds: 7.3 });
  const studies: [string, StudySpecInput, Benchmark, ('oracle' | 'nonsense')?][] = [
    ['random, sync Hyperband', { searcher: 'random', hours: 1.5, seed: 1 }, fake],
    ['BOHB, ASHA', { searcher: 'bohb', scheduler: 'asha', hours: 1.5, seed: 2 }, fake],
    ['REA, FIFO', { searcher: 'rea', scheduler: 'fifo', hours: 1.5, seed: 3 }, fake],
    ['local search, sync SH, Syne Tune clock', { searcher: 'local', scheduler: 'sync-sh', hours: 1.5, seed: 4, clock: 'synetune' }, fake],
    ['DEHB', { searcher: 'dehb', hours: 2, seed: 5 }, fake],
    ['LLAMBO', { searcher: 'llambo', hours: 0.2, seed: 6, llm: UNUSED_ENDPOINT, decisionTime: { mode: 'modelled', secondsPerLlmCall: 3 } }, fake, 'oracle'],
    ['LLAMBO falling back', { searcher: 'llambo', hours: 0.1, seed: 7, llm: UNUSED_ENDPOINT }, fake, 'nonsense'],
    ...(realTable ? [
      ['random, sync Hyperband, real table (the bench study)', { searcher: 'random', workers: 4, hours: 5, seed: 0 }, realTable],
      ['BOHB, ASHA, real table', { searcher: 'bohb', scheduler: 'asha', hours: 3, seed: 8 }, realTable],
    ] satisfies [string, StudySpecInput, Benchmark][] : []),
  ];
  const seen = new Map<StudyEventType, number>();
  const root = mkdtempSync(join(tmpdir(), 'event-log-lines-'));
  try {
    for (const [index, [name, input, benchmark, replies]] of studies.entries()) {
      const spec = { ...input, studyId: 'log-lines' };
      const events: StudyEvent[] = [];
      await runStudy(spec, { benchmark, sinks: [capture(events)], ...llmOptions(benchmark, replies) });
      for (const event of events) seen.set(event.type, (seen.get(event.type) ?? 0) + 1);
      // The log as the only sink: the stream hands it seq and draft, and builds no event.
      const alone = new EventLogWriter(join(root, `alone-${index}`));
      let numberedCalls = 0;
      const numbered = alone.sink.numbered!;
      const counting = Object.assign((event: StudyEvent) => alone.sink(event), {
        numbered: (seq: number, draft: StudyEventDraft) => { numberedCalls++; numbered(seq, draft); },
      });
      await runStudy(spec, { benchmark, sinks: [counting], ...llmOptions(benchmark, replies) });
      alone.close();
      // A study without an LLM hands its only sink drafts; one with an LLM builds events for its own tally.
      if (replies === undefined) assert.equal(numberedCalls, events.length, `${name}: every event reached the log as a numbered draft`);
      assert.equal(readFileSync(alone.eventsPath, 'utf8'), expectedLines(events), name);
    }
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
  for (const type of ['studyStarted', 'result', 'trialStarted', 'rungCompleted', 'llmCall', 'fallback', 'studyFinished'] satisfies StudyEventType[]) {
    assert.ok((seen.get(type) ?? 0) > 0, `the studies emitted no ${type} event`);
  }
  assert.ok((seen.get('result') ?? 0) > 5000, `${seen.get('result')} results`);
});

test('beside a sink that needs event objects, the log gets the events and writes the same lines', async () => {
  const benchmark = realTable ?? makeFakeBenchmark({ epochSeconds: 7.3 });
  const spec: StudySpecInput = { searcher: 'random', workers: 4, hours: 5, seed: 3, studyId: 'log-bytes' };
  const events: StudyEvent[] = [];
  await runStudy(spec, { benchmark, sinks: [capture(events)] });
  const root = mkdtempSync(join(tmpdir(), 'event-log-lines-'));
  try {
    const beside = new EventLogWriter(join(root, 'beside'));
    const again: StudyEvent[] = [];
    await runStudy(spec, { benchmark, sinks: [beside.sink, capture(again)] });
    beside.close();
    assert.equal(readFileSync(beside.eventsPath, 'utf8'), expectedLines(events));
    assert.deepEqual(again, events);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

const time = 183.4213043212891;
const result = { type: 'result', time, trialId: 3, epoch: 2, error: 0.4117, seed: 1, elapsed: 30.54237937927246, runtime: 15.27118968963623 };

test('a numbered draft is written as JSON.stringify({ seq, ...draft }), also where the two cannot simply be spliced', () => {
  class DraftWithToJson { readonly type = 'result'; toJSON() { return { replaced: true }; } }
  const inherited = Object.assign(Object.create({ inheritedKey: 1 }) as object, result);
  const drafts: [string, number, object][] = [
    ['a plain draft', 7, result],
    ['an undefined first value (JSON.stringify drops the key)', 8, { note: undefined, ...result }],
    ['a draft with its own toJSON', 9, { ...result, toJSON: () => ({ own: 1 }) }],
    ['a class instance with a toJSON (the spread drops it)', 10, new DraftWithToJson()],
    ['a draft carrying a seq of its own (the spread lets it win)', 11, { ...result, seq: 99 }],
    ['an inherited enumerable key (neither writes it)', 12, inherited],
    ['a seq that is not a plain integer', 2 ** 53, result],
    ['NaN as seq', NaN, result],
    ['strings to escape', 13, { type: 'fallback', time, reason: '"quoted" \\ tab\t ünï \ud800 \u2028' }],
    ['nested values with their own rules', 14, { type: 'searcherInfo', time, info: { at: new Date(0), list: [undefined, () => 1], skipped: undefined } }],
  ];
  const root = mkdtempSync(join(tmpdir(), 'event-log-lines-'));
  try {
    const log = new EventLogWriter(join(root, 'drafts'));
    // Whole events go in as written (JSON.stringify), drafts are spliced: both in one log, in order.
    log.append({ seq: 6, ...result } as StudyEvent);
    for (const [, seq, draft] of drafts) log.appendNumbered(seq, draft as StudyEventDraft);
    log.close();
    const lines = readFileSync(log.eventsPath, 'utf8').split('\n');
    assert.equal(lines.length, drafts.length + 2);
    assert.equal(lines[0], JSON.stringify({ seq: 6, ...result }));
    drafts.forEach(([what, seq, draft], i) => assert.equal(lines[i + 1], JSON.stringify({ seq, ...draft }), what));
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('a draft that is not JSON (a bigint) ends the log after the lines before it, with the event named', () => {
  const root = mkdtempSync(join(tmpdir(), 'event-log-lines-'));
  try {
    const log = new EventLogWriter(join(root, 'bigint'));
    log.appendNumbered(0, result as unknown as StudyEventDraft);
    log.appendNumbered(1, { ...result, seed: 1n } as unknown as StudyEventDraft);
    log.appendNumbered(2, result as unknown as StudyEventDraft);
    assert.throws(() => log.close(), /cannot write event 1 \(result\).*BigInt/);
    assert.equal(readFileSync(log.eventsPath, 'utf8'), JSON.stringify({ seq: 0, ...result }) + '\n');
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
