import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyPanelDelta } from '../../src/core/panel/panelDelta';
import { PanelModelBuilder } from '../../src/core/panel/panelModelBuilder';
import type { PanelModel } from '../../src/core/panel/panelModel';
import { changedEdges } from '../../src/core/panel/cellPaths';
import { spearman } from '../../src/core/panel/rankCorrelation';
import { toArchString } from '../../src/core/nb201/searchSpace';
import type { StudyEvent, StudyEventDraft } from '../../src/core/events/studyEvents';
import { runStudy } from '../../src/core/study/studyRunner';
import { makeFakeBenchmark } from '../support/fakeBenchmark';

const benchmark = makeFakeBenchmark();

/** A trial's status after its last pause, resume or stop event. */
function statusAfter(event: StudyEvent | undefined): string {
  if (event === undefined || event.type === 'trialResumed') return 'running';
  if (event.type === 'trialPaused') return 'paused';
  if (event.type !== 'trialStopped') throw new Error(`not a lifecycle event: ${event.type}`);
  return event.reason === 'completed' ? 'completed' : event.reason === 'failed' ? 'failed' : 'stopped';
}

async function studyEvents(spec: Record<string, unknown>): Promise<StudyEvent[]> {
  const events: StudyEvent[] = [];
  await runStudy({ hours: 3, seed: 4, studyId: 'panel', ...spec }, { benchmark, sinks: [(e) => events.push(e)] });
  return events;
}

function numbered(drafts: StudyEventDraft[]): StudyEvent[] {
  return drafts.map((draft, seq) => ({ seq, ...draft }) as StudyEvent);
}

/** JSON round trip: what crosses postMessage, and a plain value to compare. */
const plain = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

test('a snapshot of part of a study plus deltas equals one snapshot of the whole study', async () => {
  const events = await studyEvents({ searcher: 'random' });
  const whole = new PanelModelBuilder();
  whole.add(events);
  const expected = plain(whole.snapshot());

  const live = new PanelModelBuilder();
  live.add(events.slice(0, 100));
  let model: PanelModel = plain(live.snapshot());
  let deltas = 0;
  for (let i = 100; i < events.length; i += 37) {
    live.add(events.slice(i, i + 37));
    const delta = live.takeDelta();
    if (delta) { model = applyPanelDelta(model, plain(delta)); deltas++; }
  }
  assert.equal(live.takeDelta(), undefined, 'nothing new, no delta');
  const statusOnly = live.takeDelta(true);
  assert.ok(statusOnly && statusOnly.trials.length === 0 && statusOnly.marks.trialIds.length === 0 && statusOnly.ledger === undefined,
    'a forced delta carries the overview only');
  assert.ok(deltas > 20);
  assert.deepEqual(plain(model), expected);
  assert.ok(expected.trials.length > 50 && expected.llmCalls.length === 0);
});

test('trial rows agree with the study trial table; totals count epochs trained once', async () => {
  const events = await studyEvents({ searcher: 'random' });
  const builder = new PanelModelBuilder({ isoClassOf: (ops) => ops[0] * 10 + ops[5] });
  builder.add(events);
  const model = builder.snapshot();
  // Expected rows straight from the raw events, independently of the fold.
  const rows = [...new Set(events.flatMap((e) => (e.type === 'trialStarted' ? [e.trialId] : [])))].sort((a, b) => a - b).map((trialId) => {
    const results = events.filter((e) => e.type === 'result' && e.trialId === trialId) as Extract<StudyEvent, { type: 'result' }>[];
    const last = results.reduce<(typeof results)[number] | undefined>((top, r) => (top === undefined || r.epoch > top.epoch ? r : top), undefined);
    const errors = results.flatMap((r) => (r.error === null ? [] : [r.error]));
    return {
      trialId, epochsReached: last?.epoch ?? 0, lastError: last?.error ?? null, bestError: errors.length ? Math.min(...errors) : null,
      resumes: events.filter((e) => e.type === 'trialResumed' && e.trialId === trialId).length,
      status: statusAfter(events.filter((e) => (e.type === 'trialPaused' || e.type === 'trialResumed' || e.type === 'trialStopped') && e.trialId === trialId).at(-1)),
    };
  });
  assert.equal(model.trials.length, rows.length);
  // The simulator stamps each trial with the table's class; the isoClassOf option is only a fallback for older logs.
  const isoOfTrial = new Map(events.flatMap((e) => (e.type === 'trialStarted' ? [[e.trialId, e.isoClass] as const] : [])));
  let epochs = 0;
  rows.forEach((row, i) => {
    const view = model.trials[i];
    assert.equal(view.id, row.trialId);
    assert.equal(view.epochs, row.epochsReached);
    assert.equal(view.error, row.lastError);
    assert.equal(view.bestError, row.bestError);
    assert.equal(view.status, row.status);
    assert.equal(view.rung, row.resumes, 'one rung up per promotion');
    assert.equal(view.iso, isoOfTrial.get(view.id));
    assert.equal(typeof view.iso, 'number');
    assert.equal(view.source, 'random');
    epochs += row.epochsReached;
  });
  assert.equal(model.overview.epochs, epochs);
  const legacy = new PanelModelBuilder({ isoClassOf: (ops) => ops[0] * 10 + ops[5] });
  legacy.add(events.map((e) => (e.type === 'trialStarted' ? { ...e, isoClass: undefined } : e)));
  for (const view of legacy.snapshot().trials) assert.equal(view.iso, view.ops[0] * 10 + view.ops[5], 'older logs fall back to isoClassOf');
  assert.equal(model.overview.trials, rows.length);
  assert.equal(model.overview.results, events.filter((e) => e.type === 'result').length);
  assert.equal(model.overview.searcher, 'random');
  assert.equal(model.overview.finished, true);
  assert.ok(model.overview.table?.label);
});

test('learning curves are decimated but keep rung levels and the latest epoch, with the reported errors', async () => {
  const events = await studyEvents({ searcher: 'random', hours: 12 });
  const builder = new PanelModelBuilder();
  builder.add(events);
  const model = builder.snapshot();
  const reported = new Map<string, number | null>();
  for (const e of events) if (e.type === 'result') reported.set(`${e.trialId}@${e.epoch}`, e.error);
  const levels = new Set(model.ledger.flatMap((b) => b.rungs.map((r) => r.level)));
  const long = model.curves.filter((c) => c.epochs[c.epochs.length - 1] === 200);
  assert.ok(long.length > 0, 'some trials trained to 200 epochs');
  for (const curve of model.curves) {
    const trial = model.trials.find((t) => t.id === curve.id);
    assert.equal(curve.epochs[curve.epochs.length - 1], trial?.epochs);
    curve.epochs.forEach((epoch, i) => assert.equal(curve.errors[i], reported.get(`${curve.id}@${epoch}`)));
    for (const level of levels) if (level <= (trial?.epochs ?? 0)) assert.ok(curve.epochs.includes(level), `trial ${curve.id} keeps rung level ${level}`);
  }
  for (const curve of long) assert.ok(curve.epochs.length <= 40, `${curve.epochs.length} points for 200 epochs`);
});

test('the rung ledger and marks follow the brackets: complete rungs are full and promote the next rung\'s slots', async () => {
  const events = await studyEvents({ searcher: 'random', hours: 12 });
  const builder = new PanelModelBuilder();
  builder.add(events);
  const { ledger, marks } = builder.snapshot();
  const opened = events.filter((e) => e.type === 'bracketOpened');
  assert.equal(ledger.length, opened.length);
  let promotedTotal = 0;
  for (const bracket of ledger) {
    bracket.rungs.forEach((rung, k) => {
      assert.equal(rung.pending, 0, 'the study has ended: nothing pending');
      assert.ok(rung.filled <= rung.slots);
      if (rung.complete) {
        assert.equal(rung.filled, rung.slots);
        const next = bracket.rungs[k + 1];
        assert.equal(rung.promoted, next ? next.slots : 0);
        promotedTotal += rung.promoted ?? 0;
      } else {
        assert.equal(rung.promoted, null);
      }
    });
  }
  assert.ok(ledger.some((b) => b.rungs.every((r) => r.complete)), 'at least one bracket ran through');
  assert.equal(marks.kinds.filter((k) => k === 'promoted').length, promotedTotal);
  const completed = events.filter((e) => e.type === 'rungCompleted');
  assert.equal(marks.trialIds.length, completed.reduce((a, e) => a + e.ranking.length, 0));
});

test('the rung ledger counts pending trials while a rung fills', () => {
  const ops = [3, 3, 3, 3, 3, 3];
  const builder = new PanelModelBuilder();
  builder.add(numbered([
    { type: 'bracketOpened', time: 0, bracket: 0, bracketType: 2, rungs: [{ level: 9, slots: 3 }, { level: 27, slots: 1 }] },
    ...[0, 1, 2].map((trialId) => ({ type: 'trialStarted', time: 0, trialId, arch: toArchString(ops), ops, bracket: 0, untilEpoch: 9, seed: 0 }) as StudyEventDraft),
    { type: 'result', time: 90, trialId: 0, epoch: 9, error: 0.3, seed: 0, elapsed: 90, runtime: 10 },
  ]));
  const { ledger, trials } = builder.snapshot();
  assert.deepEqual(ledger[0].rungs[0], { level: 9, slots: 3, filled: 1, pending: 2, promoted: null, complete: false });
  assert.deepEqual(trials.map((t) => t.bracketType), [2, 2, 2]);
});

test('the incumbent path lists each new incumbent with the edges it changed', async () => {
  const events = await studyEvents({ searcher: 'random', hours: 12 });
  const builder = new PanelModelBuilder();
  builder.add(events);
  const { incumbentPath, overview } = builder.snapshot();
  const changes = events.filter((e) => e.type === 'incumbentChanged');
  assert.equal(incumbentPath.length, changes.length);
  incumbentPath.forEach((step, i) => {
    assert.equal(toArchString(step.ops), step.arch);
    assert.deepEqual(step.changedEdges, i === 0 ? [] : changedEdges(incumbentPath[i - 1].ops, step.ops));
    if (i > 0) assert.ok(step.error < incumbentPath[i - 1].error);
  });
  const series = overview.series[0];
  assert.deepEqual(series.value.slice(0, changes.length), changes.map((e) => e.error));
  assert.equal(series.time[series.time.length - 1], overview.simulatedSeconds, 'the line runs to the current time');
});

test('rung correlation pairs consecutive levels; calibration compares predictions at the level asked', () => {
  const ops = [3, 3, 3, 3, 3, 3];
  const start = (trialId: number, info?: Record<string, unknown>): StudyEventDraft =>
    ({ type: 'trialStarted', time: 0, trialId, arch: toArchString(ops), ops, bracket: 0, untilEpoch: 1, seed: 0, ...(info ? { info } : {}) });
  const result = (trialId: number, epoch: number, error: number | null): StudyEventDraft =>
    ({ type: 'result', time: epoch, trialId, epoch, error, seed: 0, elapsed: epoch, runtime: 1 });
  const resume = (trialId: number, untilEpoch: number): StudyEventDraft => ({ type: 'trialResumed', time: 1, trialId, bracket: 0, fromEpoch: 1, untilEpoch });
  const low = [0.5, 0.4, 0.6, 0.3, 0.45];
  const high = [0.35, 0.3, 0.5, 0.31, 0.2];
  const predicted = [0.48, 0.5, 0.55, 0.2, 0.47];
  const drafts: StudyEventDraft[] = [];
  low.forEach((error, id) => {
    drafts.push(start(id, { predictedMean: predicted[id], predictedStd: 0.05, level: 1, callIds: ['c1'] }), result(id, 1, error));
  });
  low.forEach((_, id) => drafts.push(resume(id, 3), result(id, 2, 0.9), result(id, 3, high[id])));
  drafts.push(start(9), result(9, 1, null), resume(9, 3), result(9, 3, 0.5));
  const builder = new PanelModelBuilder();
  builder.add(numbered(drafts));
  const { correlation, calibration } = builder.snapshot();
  assert.equal(correlation.length, 1);
  assert.deepEqual([correlation[0].low, correlation[0].high, correlation[0].n], [1, 3, 5], 'the failed trial is left out');
  assert.equal(correlation[0].spearman, spearman(low, high));
  assert.deepEqual(correlation[0].x, low);
  assert.equal(calibration.n, 5);
  assert.equal(calibration.spearman, spearman(predicted, low));
  const gaps = predicted.map((p, i) => Math.abs(low[i] - p));
  assert.equal(calibration.within1Std, gaps.filter((g) => g <= 0.05).length / 5);
  assert.equal(calibration.within2Std, gaps.filter((g) => g <= 0.1).length / 5);
  assert.ok(Math.abs((calibration.meanAbsError ?? 0) - gaps.reduce((a, b) => a + b) / 5) < 1e-12);
});

test('deltas carry only the trials that changed, and rung analysis at most every few deltas', async () => {
  const events = await studyEvents({ searcher: 'random' });
  const builder = new PanelModelBuilder({ analysisEveryDeltas: 3 });
  const cut = events.findIndex((e) => e.type === 'result' && e.epoch === 3);
  builder.add(events.slice(0, cut));
  builder.snapshot();
  const next = events.slice(cut, cut + 5);
  builder.add(next);
  const delta = builder.takeDelta();
  assert.ok(delta);
  const touched = new Set(next.flatMap((e) => ('trialId' in e && e.type !== 'incumbentChanged' ? [e.trialId] : [])));
  assert.deepEqual(new Set(delta.trials.map((t) => t.id)), touched);
  assert.equal(delta.correlation, undefined, 'analysis waits for the third delta');
  let withAnalysis = 0;
  for (let i = 1; i <= 3; i++) {
    builder.add(events.slice(cut + 5 * i, cut + 5 * (i + 1)));
    if (builder.takeDelta()?.correlation) withAnalysis++;
  }
  assert.equal(withAnalysis, 1);
});

test('the overview carries the delay figures of a finished study with charged decision time, none otherwise', async () => {
  const events = await studyEvents({ searcher: 'random' });
  const builder = new PanelModelBuilder();
  builder.add(events.filter((e) => e.type !== 'studyFinished'));
  assert.equal(builder.snapshot().overview.delay, null);
  const finished = events.find((e) => e.type === 'studyFinished');
  assert.ok(finished?.type === 'studyFinished' && finished.delay === undefined, 'a random study ignoring decision time reports no delay');
  const delay = { mode: 'modelled', prefetch: true, llmSeconds: 370, chargedSeconds: 52, idleWorkerSeconds: 190, idleShare: 0.00264 } as const;
  builder.add([{ ...finished, delay }]);
  assert.deepEqual(builder.snapshot().overview.delay, delay);
});

test("the overview's line holds the best result at once, before its incumbentChanged (a batch can end between them)", async () => {
  const events = await studyEvents({ searcher: 'random' });
  const firstResult = events.findIndex((e) => e.type === 'result');
  assert.equal(events[firstResult + 1].type, 'incumbentChanged', 'the simulation announces the first incumbent right after its result');
  const builder = new PanelModelBuilder();
  // What the worker's first batch brings: everything up to the first result, not its incumbentChanged.
  builder.add(events.slice(0, firstResult + 1));
  const first = events[firstResult];
  assert.ok(first.type === 'result' && first.error !== null);
  const line = builder.snapshot().overview.series;
  assert.deepEqual(line.map((s) => [s.time, s.value]), [[[first.time], [first.error]]], 'one line of one point: the first result');
  // Its incumbentChanged adds nothing new; the next improvement extends the line as before.
  builder.add([events[firstResult + 1]]);
  assert.deepEqual(builder.takeDelta()?.overview.series.map((s) => [s.time, s.value]), [[[first.time], [first.error]]]);
  builder.add(events.slice(firstResult + 2));
  const whole = new PanelModelBuilder();
  whole.add(events);
  assert.deepEqual(plain(builder.snapshot().overview.series), plain(whole.snapshot().overview.series));
});
