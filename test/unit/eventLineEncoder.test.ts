import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Benchmark } from '../../src/core/benchmark/benchmark';
import { loadTable } from '../../src/core/benchmark/tableLoader';
import { defaultTablePath } from '../../src/core/benchmark/tablePaths';
import type { StudyEvent, StudyEventDraft, StudyEventType } from '../../src/core/events/studyEvents';
import { EventLineEncoder } from '../../src/core/study/eventLineEncoder';
import { EventLogWriter } from '../../src/core/study/eventLog';
import { runStudy } from '../../src/core/study/studyRunner';
import type { StudySpecInput } from '../../src/core/study/studySpec';
import { makeFakeBenchmark } from '../support/fakeBenchmark';
import { benchmarkOracle, UNUSED_ENDPOINT } from '../support/llamboStudyHarness';
import { fakeChat, oracleReplier } from '../support/llmResponders';

/** The types a study emits per result and per trial: written by hand, never by JSON.stringify. */
const HAND_WRITTEN: readonly StudyEventType[] = [
  'result', 'trialPaused', 'trialStopped', 'trialStarted', 'trialResumed', 'progress', 'incumbentChanged', 'rungCompleted',
];
/** A few per study, or carrying free text: the writer leaves them to JSON.stringify. */
const LEFT_TO_JSON_STRINGIFY: readonly StudyEventType[] = [
  'studyStarted', 'bracketOpened', 'studyFinished', 'studyError', 'fallback', 'searcherInfo', 'llmCall',
];

const tablePath = defaultTablePath();
const realTable = existsSync(tablePath) ? loadTable(tablePath) : undefined;

/** The encoder's line for the event, or undefined when it leaves the event to JSON.stringify. */
function encoded(encoder: EventLineEncoder, event: StudyEvent, room = 1 << 16): string | undefined {
  const bytes = Buffer.alloc(room + 32, 0xff);
  const end = encoder.write(event, bytes, 16, 16 + room);
  return end < 0 ? undefined : bytes.toString('utf8', 16, end);
}

function encodedNumbered(encoder: EventLineEncoder, event: StudyEvent): string | undefined {
  const { seq, ...draft } = event;
  const bytes = Buffer.alloc(1 << 16, 0xff);
  const end = encoder.writeNumbered(seq, draft as StudyEventDraft, bytes, 3, bytes.length);
  return end < 0 ? undefined : bytes.toString('utf8', 3, end);
}

/** What the log holds for the event: the encoder's line, or JSON.stringify's when it refuses. */
function lineOf(encoder: EventLineEncoder, event: StudyEvent): string {
  return encoded(encoder, event) ?? JSON.stringify(event) + '\n';
}

function capture(events: StudyEvent[]) {
  return (event: StudyEvent) => { events.push(event); };
}

async function studyEvents(spec: StudySpecInput, benchmark: Benchmark, chatReplies?: 'oracle' | 'nonsense'): Promise<StudyEvent[]> {
  const events: StudyEvent[] = [];
  const chat = chatReplies === 'oracle' ? fakeChat(oracleReplier(benchmarkOracle(benchmark))) : chatReplies ? fakeChat(() => 'Sorry, no cells.') : undefined;
  await runStudy(spec, { benchmark, sinks: [capture(events)], ...(chat ? { llm: { chat } } : {}) });
  return events;
}

test('every event of real studies is written as JSON.stringify writes it; the per-result and per-trial types by hand', async () => {
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
  for (const [name, spec, benchmark, replies] of studies) {
    const encoder = new EventLineEncoder();
    const numbered = new EventLineEncoder();
    for (const event of await studyEvents({ ...spec, studyId: 'encoder-test' }, benchmark, replies)) {
      seen.set(event.type, (seen.get(event.type) ?? 0) + 1);
      const expected = JSON.stringify(event) + '\n';
      const line = encoded(encoder, event);
      const numberedLine = encodedNumbered(numbered, event);
      if (HAND_WRITTEN.includes(event.type)) {
        // A change of an event's shape (a key added, renamed or moved) fails here: update the encoder with it.
        assert.equal(line, expected, `${name}: ${event.type} event ${event.seq} is written by hand, as JSON.stringify writes it`);
        assert.equal(numberedLine, expected, `${name}: the same from its seq and draft`);
      } else {
        assert.ok(LEFT_TO_JSON_STRINGIFY.includes(event.type), `${name}: a new event type ${event.type}: write it by hand or list it as left to JSON.stringify`);
        assert.equal(line, undefined, `${name}: ${event.type} is left to JSON.stringify`);
        assert.equal(numberedLine, undefined);
      }
    }
  }
  for (const type of HAND_WRITTEN) assert.ok((seen.get(type) ?? 0) > 0, `the studies emitted no ${type} event`);
  assert.ok((seen.get('result') ?? 0) > 5000, `${seen.get('result')} results`);
});

const time = 183.4213043212891;
const result: StudyEvent = { seq: 12, type: 'result', time, trialId: 3, epoch: 2, error: 0.4117, seed: 1, elapsed: 30.54237937927246, runtime: 15.27118968963623 };
const ARCH = '|nor_conv_3x3~0|+|none~0|skip_connect~1|+|nor_conv_1x1~0|skip_connect~1|none~2|';
const started: StudyEvent = {
  seq: 13, type: 'trialStarted', time, trialId: 7, arch: ARCH, ops: [3, 0, 1, 2, 1, 0], isoClass: 190, finalErrorMean: 0.11106699705123901,
  bracket: 0, untilEpoch: 1, seed: 2, info: { source: 'random' },
};
const rung: StudyEvent = {
  seq: 14, type: 'rungCompleted', time, bracket: 1, rung: 0, level: 3,
  ranking: [{ trialId: 4, error: 0.3391 }, { trialId: 9, error: null }, { trialId: 2, error: NaN }], promoted: [4],
};
const incumbent: StudyEvent = { seq: 15, type: 'incumbentChanged', time, trialId: 5, epoch: 200, error: 0.0563, arch: ARCH };

test('numbers: NaN and the infinities are null, -0 is 0, as JSON.stringify writes them (and still by hand)', () => {
  const encoder = new EventLineEncoder();
  const cases: StudyEvent[] = [
    { ...result, error: NaN }, { ...result, error: null }, { ...result, elapsed: Infinity, runtime: -Infinity }, { ...result, time: -0, error: -0 },
    { ...result, time: 1e21, elapsed: 1e-7, runtime: 5e-324 }, { ...result, seq: 2 ** 31, trialId: -(2 ** 31), epoch: -3, seed: 2 ** 53 },
    { ...result, error: 0.30000000000000004, elapsed: 1.0000000000000002, runtime: 9.999999999999998 },
    { seq: 1, type: 'progress', time, fraction: NaN, trialsStarted: 1, resultsReported: 0, bestError: Infinity },
    // The second has the first's time: copied digits.
    { seq: 2, type: 'trialPaused', time: 0.1, trialId: 0, epoch: 1 }, { seq: 3, type: 'trialPaused', time: 0.1, trialId: 0, epoch: 1 },
    { seq: 4, type: 'trialStopped', time, trialId: 1, epoch: 200, reason: 'completed' },
    { seq: 5, type: 'trialResumed', time: -0, trialId: 1, bracket: 2, fromEpoch: 3, untilEpoch: 9 },
    { ...started, finalErrorMean: NaN, isoClass: -0 }, rung, { ...rung, ranking: [], promoted: [] }, incumbent,
  ];
  for (const event of cases) assert.equal(encoded(encoder, event), JSON.stringify(event) + '\n', JSON.stringify(event));
});

test('strings with quotes, backslashes, control characters, non-ASCII and lone surrogates are escaped as JSON.stringify does', () => {
  const encoder = new EventLineEncoder();
  for (const arch of ['"quoted" \\ back', 'tab\there\nnewline\u0000\u001f\u007f', 'ünïcödé — €', '𝔘𝔫𝔦', 'lone \ud800 high', 'lone \udc00 low', '\u2028\u2029', '']) {
    const events: StudyEvent[] = [
      { ...started, arch } as StudyEvent,
      { ...incumbent, arch } as StudyEvent,
      { ...started, info: { source: arch, [arch]: [arch, 1.5, null] } } as StudyEvent,
    ];
    for (const event of events) assert.equal(encoded(encoder, event), JSON.stringify(event) + '\n', arch);
  }
});

test('an event of any other shape is refused and left to JSON.stringify, so the log never differs', () => {
  const encoder = new EventLineEncoder();
  const inherited = Object.assign(Object.create({ inheritedKey: 1 }) as object, result) as StudyEvent;
  class ResultWithToJson { constructor(readonly seq: number) {} toJSON() { return { replaced: this.seq }; } }
  const withToJson = Object.assign(new ResultWithToJson(3), { type: 'result' }) as unknown as StudyEvent;
  const refused: [string, StudyEvent][] = [
    ['an extra key', { ...result, extra: 1 } as StudyEvent],
    ['a missing key', (({ seed: _seed, ...rest }) => rest)(result as Extract<StudyEvent, { type: 'result' }>) as StudyEvent],
    ['keys in another order', { type: 'result', seq: 1, time: 2, trialId: 3, epoch: 1, error: 0.5, seed: 0, elapsed: 2, runtime: 2 } as StudyEvent],
    ['an undefined value (JSON.stringify drops the key)', { ...result, error: undefined } as unknown as StudyEvent],
    ['a number given as a string', { ...result, epoch: '2' } as unknown as StudyEvent],
    ['a boxed number', { ...result, time: Object(3) } as unknown as StudyEvent],
    ['an unknown stop reason', { seq: 1, type: 'trialStopped', time, trialId: 1, epoch: 2, reason: 'bored' } as unknown as StudyEvent],
    ['an optional key without its value', { ...started, fallback: undefined } as unknown as StudyEvent],
    ['optional keys out of order', (({ info, ...rest }) => ({ ...rest, info, fallback: true }))(started as Extract<StudyEvent, { type: 'trialStarted' }>) as StudyEvent],
    ['older logs without isoClass', (({ isoClass: _iso, ...rest }) => rest)(started as Extract<StudyEvent, { type: 'trialStarted' }>) as StudyEvent],
    ['info with its own toJSON', { ...started, info: new Date(0) } as unknown as StudyEvent],
    ['ops that is not an array or object', { ...started, ops: 'abc' } as unknown as StudyEvent],
    ['a ranking entry with an extra key', { ...rung, ranking: [{ trialId: 1, error: 0.5, rank: 1 }] } as unknown as StudyEvent],
    ['a ranking entry that is not an object', { ...rung, ranking: [3] } as unknown as StudyEvent],
    ['an inherited enumerable key', inherited],
    ['its own toJSON', withToJson],
    ['a type written by JSON.stringify', { seq: 1, type: 'studyError', time, message: 'x' }],
  ];
  for (const [what, event] of refused) {
    assert.equal(encoded(encoder, event), undefined, what);
    assert.equal(lineOf(encoder, event), JSON.stringify(event) + '\n', what);
  }
  // JSON.stringify throws for a bigint, and so does the writer: the encoder does not write one either.
  assert.equal(encoded(encoder, { ...result, seed: 1n } as unknown as StudyEvent), undefined);
  // Written by hand with its optional keys, in order, or without them.
  const { info: _info, ...withoutInfo } = started as Extract<StudyEvent, { type: 'trialStarted' }>;
  for (const event of [{ ...withoutInfo, fallback: true, info: { source: 'fallback-random' } }, { ...withoutInfo, fallback: false }, withoutInfo] as StudyEvent[]) {
    assert.equal(encoded(encoder, event), JSON.stringify(event) + '\n');
  }
  // Nested values keep JSON.stringify's own rules (a Date inside info is its toJSON, undefined in an array is null).
  const nested = { ...started, info: { at: new Date(0), list: [undefined, () => 1], skipped: undefined } } as unknown as StudyEvent;
  assert.equal(encoded(encoder, nested), JSON.stringify(nested) + '\n');
});

test('a line that may not fit in the room left is refused, not cut', () => {
  const encoder = new EventLineEncoder();
  assert.equal(encoded(encoder, result, 1023), undefined);
  assert.equal(encoded(encoder, result, 1024), JSON.stringify(result) + '\n');
  const longArch = { ...started, arch: 'x'.repeat(100_000) } as StudyEvent;
  assert.equal(encoded(encoder, longArch, 1 << 16), undefined);
  assert.ok(encoded(encoder, longArch, 1 << 20) === JSON.stringify(longArch) + '\n', 'written when there is room');
  const longRanking = { ...rung, ranking: Array.from({ length: 5000 }, (_, trialId) => ({ trialId, error: 0.1 + trialId / 1e5 })) } as StudyEvent;
  assert.equal(encoded(encoder, longRanking, 1 << 16), undefined);
  assert.ok(encoded(encoder, longRanking, 1 << 20) === JSON.stringify(longRanking) + '\n', 'written when there is room');
});

test('the log of a study holds JSON.stringify of each of its events, whether the writer got events or numbered drafts', async () => {
  const benchmark = realTable ?? makeFakeBenchmark({ epochSeconds: 7.3 });
  const spec: StudySpecInput = { searcher: 'random', workers: 4, hours: 5, seed: 3, studyId: 'log-bytes' };
  const events: StudyEvent[] = [];
  await runStudy(spec, { benchmark, sinks: [capture(events)] });
  const expected = events.map((event) => JSON.stringify(event) + '\n').join('');
  const root = mkdtempSync(join(tmpdir(), 'event-line-encoder-'));
  try {
    const alone = new EventLogWriter(join(root, 'alone'));
    let numberedCalls = 0;
    const numbered = alone.sink.numbered!;
    // The log as the only sink: the stream hands it seq and draft, and builds no event.
    const counting = Object.assign((event: StudyEvent) => alone.sink(event), {
      numbered: (seq: number, draft: StudyEventDraft) => { numberedCalls++; numbered(seq, draft); },
    });
    await runStudy(spec, { benchmark, sinks: [counting] });
    alone.close();
    assert.equal(numberedCalls, events.length, 'every event reached the log as a numbered draft');
    assert.equal(readFileSync(alone.eventsPath, 'utf8'), expected);
    // Beside a sink that needs event objects: the log gets the events.
    const beside = new EventLogWriter(join(root, 'beside'));
    const again: StudyEvent[] = [];
    await runStudy(spec, { benchmark, sinks: [beside.sink, capture(again)] });
    beside.close();
    assert.equal(readFileSync(beside.eventsPath, 'utf8'), expected);
    assert.deepEqual(again, events);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
