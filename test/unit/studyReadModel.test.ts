import { test } from 'node:test';
import assert from 'node:assert/strict';
import { toArchString } from '../../src/core/nb201/searchSpace';
import type { StudyEvent, StudyEventDraft } from '../../src/core/events/studyEvents';
import type { LoggedResult } from '../../src/core/readModel/resultLog';
import { StudyReadModel } from '../../src/core/readModel/studyReadModel';
import { studyChartFiles } from '../../src/core/study/studyCharts';
import { studyReportMarkdown } from '../../src/core/study/studyReport';
import { runStudy } from '../../src/core/study/studyRunner';
import { makeFakeBenchmark } from '../support/fakeBenchmark';
import { fakeChat, noiseReplier } from '../support/llmResponders';
import { UNUSED_ENDPOINT } from '../support/llamboStudyHarness';

const benchmark = makeFakeBenchmark();
const finalErrorOf = (ops: readonly number[]) => benchmark.finalErrorMean(benchmark.indexOf(ops));

async function llamboEvents(): Promise<StudyEvent[]> {
  const events: StudyEvent[] = [];
  await runStudy(
    { searcher: 'llambo', hours: 1, workers: 4, seed: 3, studyId: 'fold', llm: UNUSED_ENDPOINT, searcherOptions: { rejectDisconnected: false } },
    { benchmark, sinks: [(e) => events.push(e)], llm: { chat: fakeChat(noiseReplier) } },
  );
  return events;
}

/** Everything a view or export reads from the model, as plain data. */
function projections(model: StudyReadModel, released: readonly LoggedResult[]) {
  const { trials, ledger, llmCalls, incumbent } = model;
  return {
    rows: trials.rows(),
    curves: trials.ids().map((id) => trials.curve(id)),
    predictions: trials.ids().map((id) => {
      const p = trials.prediction(id);
      return p && { ...p, levelErrors: [...p.levelErrors] };
    }),
    counts: { size: trials.size, epochs: trials.epochsTrained, fallbacks: trials.fallbacks, results: model.results, events: model.events },
    ledger: ledger.ledger(),
    marks: ledger.marks.slice(0),
    llmCalls: llmCalls.summaries(),
    llmText: llmCalls.summaries().map((s) => llmCalls.text(s.callId)),
    tally: model.llmTally.totals,
    components: [...model.llmComponents.byComponent.entries(), model.llmComponents.total],
    incumbent: incumbent.steps,
    result: model.result.current,
    released: [...released],
    study: model.study,
    ended: model.ended,
    simulatedSeconds: model.simulatedSeconds,
    charts: studyChartFiles(model),
    report: studyReportMarkdown(model, '2026-01-01T00:00:00.000Z', ['report.md']),
  };
}

test('folding a prefix, reading every projection, then folding the rest equals folding all events at once', async () => {
  const events = await llamboEvents();
  assert.ok(events.some((e) => e.type === 'llmCall') && events.some((e) => e.type === 'rungCompleted'), 'the study exercises every part');
  // Each model gets its own list of released results (the Syne Tune rows), copied as they are released.
  const withResults = (released: LoggedResult[]) => ({ finalErrorOf, onResult: (r: LoggedResult) => released.push({ ...r }) });
  const wholeReleased: LoggedResult[] = [];
  const whole = projections(StudyReadModel.of(events, withResults(wholeReleased)), wholeReleased);
  assert.ok(whole.released.length > 0, 'results were released while folding');
  assert.ok(whole.rows.length > 20 && whole.llmCalls.length > 0 && whole.result.returned !== null);
  for (const cut of [0, 1, Math.floor(events.length / 3), events.length - 1]) {
    const released: LoggedResult[] = [];
    const model = new StudyReadModel(withResults(released)).addAll(events.slice(0, cut));
    const early = projections(model, released);
    model.addAll(events.slice(cut));
    assert.deepEqual(projections(model, released), whole, `split at event ${cut} of ${events.length}`);
    if (cut > 0 && cut < events.length - 1) assert.notDeepEqual(early.rows, whole.rows, 'the prefix really was partial');
  }
});

const OPS = { a: [3, 3, 3, 1, 3, 2], b: [1, 2, 3, 4, 0, 1], c: [2, 2, 2, 2, 2, 2] };

function numbered(drafts: StudyEventDraft[]): StudyEvent[] {
  return drafts.map((draft, seq) => ({ seq, ...draft }) as StudyEvent);
}

function headlineStudy(reachMax: boolean): StudyEvent[] {
  const start = (trialId: number, ops: number[], untilEpoch: number): StudyEventDraft =>
    ({ type: 'trialStarted', time: 0, trialId, arch: toArchString(ops), ops, bracket: 0, untilEpoch, seed: 0 });
  const result = (trialId: number, epoch: number, error: number | null): StudyEventDraft =>
    ({ type: 'result', time: epoch, trialId, epoch, error, seed: 0, elapsed: epoch, runtime: 1 });
  return numbered([
    { type: 'studyStarted', time: 0, studyId: 'h', spec: { rMax: 9 }, table: { label: 't', kind: 'k', provenanceNote: 'n' }, optimumError: 0.06 },
    start(0, OPS.a, 3), start(1, OPS.b, 3), start(2, OPS.c, 3),
    result(0, 1, 0.05), result(0, 2, 0.4), result(0, 3, 0.35),
    result(1, 1, 0.5), result(1, 2, 0.3), result(1, 3, 0.3),
    result(2, 1, 0.6), result(2, 2, null), result(2, 3, null),
    { type: 'trialResumed', time: 3, trialId: 1, bracket: 0, fromEpoch: 3, untilEpoch: 9 },
    result(1, 4, 0.2),
    ...(reachMax ? [result(1, 9, 0.25)] : []),
  ]);
}

test('the headline returns the best trial at r_max, else at the highest rung reached, with a non-negative regret', () => {
  const atMax = StudyReadModel.of(headlineStudy(true), { finalErrorOf: () => 0.07 }).result.current;
  assert.equal(atMax.returned?.trialId, 1);
  assert.equal(atMax.returned?.epoch, 9);
  assert.equal(atMax.returned?.reachedMaxEpoch, true);
  assert.equal(atMax.returned?.observedError, 0.25);
  assert.equal(atMax.seedMeanError, 0.07);
  assert.ok(Math.abs((atMax.regret as number) - 0.01) < 1e-12);
  assert.deepEqual(atMax.bestAtAnyEpoch, { trialId: 0, arch: toArchString(OPS.a), epoch: 1, error: 0.05 }, 'secondary: any epoch');

  // Without r_max: epoch 4 is not a rung level, so the choice is made at rung 3 (trial 1 at 0.3 beats trial 0 at 0.35; trial 2 failed).
  const atRung = StudyReadModel.of(headlineStudy(false), { finalErrorOf: () => 0.01 }).result.current;
  assert.equal(atRung.returned?.trialId, 1);
  assert.equal(atRung.returned?.epoch, 3);
  assert.equal(atRung.returned?.reachedMaxEpoch, false);
  assert.equal(atRung.regret, 0, 'a seed mean below the optimum (a lookup error) never gives a negative regret');

  const noLookup = StudyReadModel.of(headlineStudy(true)).result.current;
  assert.equal(noLookup.seedMeanError, null);
  assert.equal(noLookup.regret, null);
});
