import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compareCommand } from '../../src/cli/compareCommand';
import type { CommandOutput } from '../../src/cli/commandOutput';
import type { StudyEvent } from '../../src/core/events/studyEvents';
import { StudyResultFold, type ResultHeadline } from '../../src/core/readModel/studyResult';
import { bootstrapIqmCi, summarizeDistribution } from '../../src/core/study/compareStats';
import { comparisonRunOf } from '../../src/core/study/comparisonOfStudies';
import { comparisonMarkdown, comparisonReportFiles, COMPARISON_IQM_CHART_FILE, COMPARISON_RANK_CHART_FILE } from '../../src/core/study/comparisonReport';
import {
  evenGrid, incumbentAt, rankByIqm, summarizeComparison, type ComparisonRunInput, type ComparisonSummary,
} from '../../src/core/study/comparisonSummary';

const OPTIMUM = 0.05;

/** A run whose incumbent at r_max steps to `error[i]` at `time[i]`, ending with a headline at its last value. */
function run(label: string, seed: number, time: number[], error: number[], end = 100): ComparisonRunInput {
  const last = error[error.length - 1];
  const headline: ResultHeadline | null = last === undefined ? null : {
    trialId: 1, arch: 'a', finalError: last, regret: Math.max(0, last - OPTIMUM), observedErrorAtMax: last + 0.001,
    observedEpoch: 200, reachedMaxEpoch: true, bestAnyEpoch: { trialId: 1, arch: 'a', epoch: 50, error: last - 0.002 },
  };
  return { label, seed, headline, incumbentAtMax: { time, error }, simulatedSeconds: end };
}

const close = (a: number, b: number, message: string) => assert.ok(Math.abs(a - b) < 1e-12, `${message}: ${a} vs ${b}`);

test('incumbentAt holds the last step at or before t and is null before the first', () => {
  const path = { time: [10, 20, 20, 40], error: [0.3, 0.2, 0.15, 0.1] };
  assert.equal(incumbentAt(path, 0), null);
  assert.equal(incumbentAt(path, 9.99), null);
  assert.equal(incumbentAt(path, 10), 0.3);
  assert.equal(incumbentAt(path, 20), 0.15, 'two steps at one time: the later one holds');
  assert.equal(incumbentAt(path, 39), 0.15);
  assert.equal(incumbentAt(path, 1000), 0.1);
  assert.deepEqual(evenGrid(100, 5), [0, 25, 50, 75, 100]);
  assert.deepEqual(evenGrid(0, 5), [0]);
});

test('IQM over time, its band and the average rank, by hand on two entries and two seeds', () => {
  // Grid 0, 50, 100. a: seed 0 steps to 0.2 at 10 and 0.1 at 60; seed 1 to 0.3 at 40. b: seed 0 0.15 at 20; seed 1 0.35 at 70.
  const runs = [
    run('a', 0, [10, 60], [0.2, 0.1]), run('a', 1, [40], [0.3]),
    run('b', 0, [20], [0.15]), run('b', 1, [70], [0.35]),
  ];
  const summary = summarizeComparison(runs, { optimumError: OPTIMUM, gridPoints: 3 });
  assert.deepEqual(summary.timeGrid, [0, 50, 100]);
  const [a, b] = summary.entries;
  // a has both seeds from t = 40 on: at 50 the values are 0.2 and 0.3, at 100 0.1 and 0.3 (n = 2: the IQM is the mean).
  assert.deepEqual(a.overTime.time, [50, 100]);
  close(a.overTime.iqm[0], 0.25, 'a at 50');
  close(a.overTime.iqm[1], 0.2, 'a at 100');
  assert.deepEqual([a.overTime.low[1], a.overTime.high[1]], bootstrapIqmCi([0.1, 0.3], { seed: 'a@2' }), 'the band is the seeded bootstrap of the IQM');
  assert.ok(a.overTime.low[1] <= 0.2 && 0.2 <= a.overTime.high[1]);
  // b's seed 1 has no incumbent at r_max until 70: its line starts at 100.
  assert.deepEqual(b.overTime.time, [100]);
  close(b.overTime.iqm[0], 0.25, 'b at 100');
  // Ranks. t=0: nobody has one, both tie at 1.5 on both seeds. t=50: seed 0 a 0.2 vs b 0.15 -> b first;
  // seed 1 a 0.3 vs b none -> a first. t=100: seed 0 a 0.1 < b 0.15; seed 1 a 0.3 < b 0.35: a first on both.
  assert.deepEqual(a.averageRank, [1.5, 1.5, 1]);
  assert.deepEqual(b.averageRank, [1.5, 1.5, 2]);
  assert.equal(summary.fewSeeds, true);
  assert.match(summary.fewSeedsNote ?? '', /Only 2 seeds per searcher: with fewer than 5/);
  // Final figures: a's seeds end at 0.1 and 0.3 (IQM 0.2), b's at 0.15 and 0.35 (IQM 0.25).
  assert.deepEqual(a.metrics.finalError, summarizeDistribution([0.1, 0.3]));
  assert.deepEqual(a.metrics.regret, summarizeDistribution([0.1 - OPTIMUM, 0.3 - OPTIMUM]));
  assert.deepEqual(a.perSeed.map((p) => [p.seed, p.values.finalError]), [[0, 0.1], [1, 0.3]]);
  assert.deepEqual([a.rank, b.rank], [1, 2]);
});

test('ranks split unevenly when one entry leads on every seed; IQM trims a quarter at each end', () => {
  const seeds = [0, 1, 2, 3, 4, 5, 6, 7];
  const finals = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 10];
  const runs = [
    ...seeds.map((s) => run('good', s, [0], [finals[s]])),
    ...seeds.map((s) => run('bad', s, [0], [finals[s] + 1])),
  ];
  const summary = summarizeComparison(runs, { optimumError: OPTIMUM, gridPoints: 2, labels: ['bad', 'good'] });
  const [bad, good] = summary.entries;
  assert.equal(bad.label, 'bad', 'entries keep the given label order');
  assert.deepEqual(good.averageRank, [1, 1]);
  assert.deepEqual(bad.averageRank, [2, 2]);
  // n = 8: drop 2 at each end, mean of 0.3, 0.4, 0.5, 0.6 = 0.45 (the outlier 10 does not count).
  close(good.overTime.iqm[1], 0.45, 'IQM of 8 seeds');
  assert.deepEqual([good.rank, bad.rank], [1, 2]);
  assert.equal(summary.fewSeeds, false);
  assert.equal(summary.fewSeedsNote, null);
  assert.equal(summary.curveNote, null);
  const late = summarizeComparison([run('a', 0, [10], [0.1]), run('b', 0, [], [])], { optimumError: OPTIMUM, gridPoints: 2 });
  assert.match(late.curveNote ?? '', /^No line over time for b: /);
  assert.deepEqual(rankByIqm([0.3, null, 0.1, 0.3]), [2, 4, 1, 3]);
});

test('a study log folds into the incumbent-at-r_max path: a step per new best at r_max, valued at its seed mean', () => {
  const events = [
    { type: 'studyStarted', seq: 0, time: 0, studyId: 's', spec: { rMax: 200, seed: 3 }, table: { label: 't', kind: 'bundled-model-calibrated', provenanceNote: 'p' }, optimumError: OPTIMUM },
    { type: 'trialStarted', seq: 1, time: 0, trialId: 0, arch: 'x', ops: [0, 0, 0, 0, 0, 0], untilEpoch: 200, finalErrorMean: 0.09 },
    { type: 'trialStarted', seq: 2, time: 0, trialId: 1, arch: 'y', ops: [1, 0, 0, 0, 0, 0], untilEpoch: 200, finalErrorMean: 0.07 },
    { type: 'result', seq: 3, time: 5, trialId: 0, epoch: 12, error: 0.01 },
    { type: 'result', seq: 4, time: 50, trialId: 0, epoch: 200, error: 0.085 },
    { type: 'result', seq: 5, time: 60, trialId: 1, epoch: 200, error: 0.09 },
    { type: 'result', seq: 6, time: 80, trialId: 1, epoch: 200, error: 0.08 },
  ] as unknown as StudyEvent[];
  const fold = new StudyResultFold();
  for (const e of events) fold.add(e);
  // The epoch-12 result is not at r_max; trial 1's 0.09 does not beat 0.085; its 0.08 does.
  assert.deepEqual(fold.incumbentAtMax, { time: [50, 80], error: [0.09, 0.07] });
  const folded = comparisonRunOf({ label: 'rea', events });
  assert.equal(folded.seed, 3);
  assert.equal(folded.simulatedSeconds, 80);
  assert.equal(folded.headline?.finalError, 0.07, 'the path ends at the headline');
});

test('CLI compare: its --json summary and its text are the numbers of the summary of its own runs', async () => {
  const capture = () => {
    const lines: string[] = [];
    const out: CommandOutput = { stdout: (l) => lines.push(l), stderr: () => undefined, progressStream: process.stderr };
    return { lines, out };
  };
  const args = ['--searchers', 'random,rea', '--seeds', '3', '--hours', '3'];
  const json = capture();
  assert.equal(await compareCommand([...args, '--json'], json.out), 0);
  const result = JSON.parse(json.lines.join('\n')) as { summary: ComparisonSummary; runs: ComparisonRunInput[]; optimumError: number; rows: { label: string; rank: number; headline: { finalError: unknown } }[] };
  const recomputed = summarizeComparison(result.runs, { optimumError: result.optimumError, table: result.summary.table, labels: ['random', 'rea'] });
  assert.deepEqual(result.summary, JSON.parse(JSON.stringify(recomputed)));
  for (const row of result.rows) {
    const entry = result.summary.entries.find((e) => e.label === row.label)!;
    assert.equal(entry.rank, row.rank, 'the existing rows rank as the summary does');
    assert.deepEqual(entry.metrics.finalError, row.headline.finalError, 'the existing headline field is the summary figure');
    assert.ok(entry.overTime.time.length > 0, `${row.label}: every seed reached epoch 200 within 3 h`);
  }
  assert.equal(result.summary.fewSeeds, true);
  const text = capture();
  assert.equal(await compareCommand(args, text.out), 0);
  const printed = text.lines.join('\n');
  assert.ok(printed.includes(`Note: ${result.summary.fewSeedsNote}`));
  for (const entry of result.summary.entries) {
    const line = text.lines.find((l) => l.slice(3).startsWith(entry.label.padEnd(18)))!;
    const { finalError, regret } = entry.metrics;
    for (const v of [finalError.iqm, finalError.ciLow, finalError.ciHigh, regret.iqm, regret.ciLow, regret.ciHigh]) {
      assert.ok(line.includes((v as number).toFixed(4)), `${entry.label}: ${v} is printed in ${line}`);
    }
    assert.ok(line.includes(entry.averageRank[entry.averageRank.length - 1].toFixed(2)), `${entry.label}: the average rank is printed`);
    for (const p of entry.perSeed) assert.ok(printed.includes(`s${p.seed} ${(p.values.finalError as number).toFixed(4)}`));
  }
  // The report shows the same summary: every entry's final IQM with its CI, and embeds both charts.
  const files = comparisonReportFiles(result.summary, { title: 'Searcher comparison', setup: '3 seeds' });
  const markdown = comparisonMarkdown(result.summary, { title: 'Searcher comparison', setup: '3 seeds' });
  assert.equal(files['comparison.md'], markdown);
  for (const entry of result.summary.entries) {
    const d = entry.metrics.finalError;
    assert.ok(markdown.includes(`${((d.iqm as number) * 100).toFixed(2)}% [${((d.ciLow as number) * 100).toFixed(2)}%, ${((d.ciHigh as number) * 100).toFixed(2)}%]`));
  }
  assert.match(markdown, /epochs 1–199 are model-generated/);
  assert.match(markdown, /\*\*Note:\*\* Only 3 seeds/);
  assert.match(files[COMPARISON_IQM_CHART_FILE], /^<svg[\s\S]*random[\s\S]*rea[\s\S]*<\/svg>$/);
  assert.match(files[COMPARISON_RANK_CHART_FILE], /^<svg[\s\S]*average rank[\s\S]*<\/svg>$/);
});
