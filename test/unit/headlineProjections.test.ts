/**
 * The headline (DESIGN.md section 10) in every projection that shows a result: the read model, the
 * host's fold behind the status bar and the studies view, the panel overview, report.md, the CLI text
 * and --json, and both comparisons. The study is the mobster case of issue 11: trial 316 is best at
 * epoch 129 with an error below the optimum, yet trains to a worse seed mean than trial 12, which is
 * the best at r_max; trial 316 must not be the headline and no regret may be negative.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { StudyEvent, StudyEventDraft } from '../../src/core/events/studyEvents';
import { toArchString } from '../../src/core/nb201/searchSpace';
import { PanelModelBuilder } from '../../src/core/panel/panelModelBuilder';
import { StudyReadModel } from '../../src/core/readModel/studyReadModel';
import type { ResultHeadline } from '../../src/core/readModel/studyResult';
import { runComparison, parseCompareEntries } from '../../src/core/study/compareRunner';
import { iqm } from '../../src/core/study/compareStats';
import { comparisonRunOf } from '../../src/core/study/comparisonOfStudies';
import { comparisonMarkdown } from '../../src/core/study/comparisonReport';
import { summarizeComparison } from '../../src/core/study/comparisonSummary';
import { studyReportMarkdown } from '../../src/core/study/studyReport';
import { runStudy } from '../../src/core/study/studyRunner';
import { parseStudySpec } from '../../src/core/study/studySpec';
import { comparisonText } from '../../src/cli/compareCommand';
import { studyJson, studyText } from '../../src/cli/studyReport';
import { StudyHeadlineFold } from '../../src/extension/studyHeadline';
import { describeHeadline, statusBarText, statusBarTooltip, studyTreeLabel } from '../../src/extension/studyHeadlineText';
import { makeFakeBenchmark } from '../support/fakeBenchmark';

const OPTIMUM = 0.0547;
const EARLY = [3, 3, 3, 1, 3, 2];
const RETURNED = [1, 2, 3, 3, 0, 1];

/** Trial 316: 4.65% at epoch 129 (below the optimum), 5.90% at r_max, seed mean 5.83%. Trial 12: 5.40% at r_max, seed mean 5.61%. */
function mobsterStudy(): StudyEvent[] {
  const start = (trialId: number, ops: number[], finalErrorMean: number): StudyEventDraft =>
    ({ type: 'trialStarted', time: 0, trialId, arch: toArchString(ops), ops, finalErrorMean, bracket: 0, untilEpoch: 200, seed: 1 });
  const result = (trialId: number, epoch: number, error: number): StudyEventDraft =>
    ({ type: 'result', time: epoch * 10 + trialId, trialId, epoch, error, seed: 1, elapsed: epoch, runtime: 10 });
  const drafts: StudyEventDraft[] = [
    {
      type: 'studyStarted', time: 0, studyId: 'mobster-s0',
      spec: { rMax: 200, searcher: 'mobster', scheduler: 'sync-hyperband', seed: 0, budgetSeconds: 7200 },
      table: { label: 'nb201 test table', kind: 'bundled', provenanceNote: 'epochs 1-199 model-generated' }, optimumError: OPTIMUM,
    },
    start(316, EARLY, 0.0583), start(12, RETURNED, 0.0561),
    result(316, 129, 0.0465), result(12, 150, 0.0570), result(316, 200, 0.0590), result(12, 200, 0.0540),
  ];
  return drafts.map((draft, seq) => ({ seq, ...draft }) as StudyEvent);
}

const events = mobsterStudy();
const arch = toArchString(RETURNED);

function assertMobsterHeadline(h: ResultHeadline | null | undefined, where: string): void {
  assert.ok(h, `${where}: has a headline`);
  assert.equal(h.trialId, 12, `${where}: the best at r_max, not the best at any epoch`);
  assert.equal(h.arch, arch);
  assert.equal(h.finalError, 0.0561, `${where}: the seed mean at the last epoch`);
  assert.ok(h.regret !== null && h.regret >= 0 && Math.abs(h.regret - (0.0561 - OPTIMUM)) < 1e-12, `${where}: regret ${h.regret}`);
  assert.equal(h.observedErrorAtMax, 0.0540, `${where}: the observed single-seed error at r_max`);
  assert.equal(h.observedEpoch, 200);
  assert.equal(h.reachedMaxEpoch, true);
  assert.deepEqual(h.bestAnyEpoch, { trialId: 316, arch: toArchString(EARLY), epoch: 129, error: 0.0465 }, `${where}: secondary figure`);
}

test('the read model and the host fold take the headline from trialStarted, without a table', () => {
  assertMobsterHeadline(StudyReadModel.of(events).result.headline, 'read model');
  assertMobsterHeadline(new StudyHeadlineFold('mobster-s0').addAll(events).result, 'host fold');
  const older = events.map((e) => (e.type === 'trialStarted' ? { ...e, finalErrorMean: undefined } : e));
  assert.equal(StudyReadModel.of(older).result.headline?.finalError, null, 'an older log without the field and no table: unknown');
  assertMobsterHeadline(StudyReadModel.of(older, { finalErrorOf: (ops) => (ops.join() === RETURNED.join() ? 0.0561 : 0.0583) }).result.headline, 'older log + table');
});

test('the status bar and the studies view show the seed mean and regret, the any-epoch figure only as secondary', () => {
  const h = new StudyHeadlineFold('mobster-s0').addAll(events);
  assert.match(statusBarText(h), /· 5\.61% \(regret 0\.14 pp\) ·/);
  assert.doesNotMatch(statusBarText(h), /4\.65/);
  assert.equal(studyTreeLabel(h), 'mobster s0 · 5.61%', 'the tree label leads with the seed mean');
  assert.match(describeHeadline(h), /^regret 0\.14 pp · /);
  assert.doesNotMatch(studyTreeLabel(h) + describeHeadline(h), /4\.65|−/);
  const tooltip = statusBarTooltip(h);
  assert.match(tooltip, /Returned: trial 12 /);
  assert.match(tooltip, /Observed, one seed, at epoch 200: 5\.40%/);
  assert.match(tooltip, /Secondary, best at any epoch: 4\.65% \(trial 316, epoch 129\)/);
});

test('the panel overview carries the same headline in its snapshot and deltas', () => {
  const builder = new PanelModelBuilder();
  builder.add(events.slice(0, 4));
  assert.equal(builder.snapshot().overview.result?.trialId, 316, 'before any r_max result the best at the highest epoch reached leads');
  builder.add(events.slice(4));
  assertMobsterHeadline(builder.takeDelta()?.overview.result, 'panel delta');
  assertMobsterHeadline(builder.snapshot().overview.result, 'panel snapshot');
});

test('report.md leads with the seed mean and names the metric', () => {
  const report = studyReportMarkdown(StudyReadModel.of(events), '2026-12-01T00:00:00Z', ['report.md']);
  assert.match(report, /Returned architecture: trial 12, /);
  assert.match(report, /\*\*Error at the table's last epoch, seed mean: 5\.61% \(regret 0\.14 pp\)\*\*/);
  assert.match(report, /Secondary \(best error at any epoch.*4\.65%, trial 316 at epoch 129/);
  assert.match(report, /1 − CIFAR-10 test accuracy after e epochs \(Syne Tune's metric_valid_error\)/);
});

test('the CLI study text and --json carry the headline beside the old fields', async () => {
  const benchmark = makeFakeBenchmark();
  const seen: StudyEvent[] = [];
  const spec = parseStudySpec({ searcher: 'random', hours: 2, seed: 3, studyId: 'cli' });
  const summary = await runStudy(spec, { benchmark, sinks: [(e) => seen.push(e)] });
  assert.deepEqual(summary.headline, StudyReadModel.of(seen).result.headline, 'runStudy folds the same read model');
  const ctx = { spec, loadMs: 0, tablePath: 'fake', tableKind: 'fake' };
  const mobster = { ...summary, optimumError: OPTIMUM, headline: StudyReadModel.of(events).result.headline };
  const json = studyJson(mobster, ctx);
  assertMobsterHeadline(json.headline as ResultHeadline, '--json');
  assert.equal(json.bestError, summary.bestError, 'old fields stay');
  const text = studyText(mobster, ctx).join('\n');
  assert.match(text, /returned +trial 12 /);
  assert.match(text, /error \(seed mean\) +0\.0561 at the table's last epoch +\(regret 0\.0014 vs optimum 0\.0547\)/);
  assert.match(text, /best any epoch +0\.0465 +\(secondary: trial 316 at epoch 129\)/);
});

test('Compare searchers ranks by the headline, not by the best error at any epoch', () => {
  const mobster = comparisonRunOf({ label: 'mobster', events });
  const other: ResultHeadline = {
    ...(mobster.headline as ResultHeadline), trialId: 3, finalError: 0.0555, regret: 0.0008, bestAnyEpoch: { trialId: 3, arch, epoch: 200, error: 0.0520 },
  };
  const random = { ...mobster, label: 'random', headline: other };
  const summary = summarizeComparison([mobster, random], { optimumError: OPTIMUM });
  const markdown = comparisonMarkdown(summary, { title: 'Searcher comparison', setup: 'one seed' });
  const rows = markdown.split('\n').filter((line) => /^\| \d/.test(line));
  assert.deepEqual(rows.map((r) => r.split('|')[2].trim()), ['random', 'mobster'], 'lower seed mean first, though mobster has the lower any-epoch error');
  assert.match(rows[1], /\| 5\.61% \[5\.61%, 5\.61%\] \| 0\.14 pp \[0\.14 pp, 0\.14 pp\] \|.*\| 4\.65% \[4\.65%, 4\.65%\] \|/);
});

test('CLI compare: IQM over the per-seed headline, rows ranked by it', async () => {
  const benchmark = makeFakeBenchmark();
  const result = await runComparison({
    benchmark, entries: parseCompareEntries('random,rea,local', 'sync-hyperband'), seeds: [0, 1, 2, 3], baseSpec: { workers: 2, hours: 1 },
  });
  for (const row of result.rows) {
    const finals = result.runs.filter((r) => r.label === row.label).map((r) => r.headline?.finalError as number);
    assert.equal(row.headline.finalError.iqm, iqm(finals), row.label);
    assert.ok((row.headline.regret.q1 ?? -1) >= 0, `${row.label}: no negative regret`);
  }
  const byRank = [...result.rows].sort((a, b) => a.rank - b.rank);
  assert.deepEqual(byRank.map((r) => r.rank), [1, 2, 3]);
  for (let i = 1; i < byRank.length; i++) assert.ok(byRank[i - 1].headline.finalError.iqm! <= byRank[i].headline.finalError.iqm!);
  const lines = comparisonText(result, 0).filter((line) => /^ \d /.test(line));
  assert.deepEqual(lines.map((l) => l.trim().split(/\s+/)[1]), byRank.map((r) => r.label), 'the text lists them by rank');
});
