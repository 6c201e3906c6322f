import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CommandOutput } from '../../src/cli/commandOutput';
import { compareCommand, entryLlmText, timeToTargetText } from '../../src/cli/compareCommand';
import type { StudyDelay, StudyEvent } from '../../src/core/events/studyEvents';
import { emptyYield } from '../../src/core/llambo/proposalYield';
import { summarizeDistribution } from '../../src/core/study/compareStats';
import { comparisonOfStudies, comparisonRunOf } from '../../src/core/study/comparisonOfStudies';
import { columnText, formatMetric, intervalText, TIME_TO_TARGET_KEY } from '../../src/core/study/comparisonMetrics';
import { comparisonMarkdown } from '../../src/core/study/comparisonReport';
import { summarizeComparison, type ComparisonRunInput, type ComparisonSummary } from '../../src/core/study/comparisonSummary';
import type { LlmStudyTotals } from '../../src/core/study/llmTally';
import { timeToTarget } from '../../src/core/study/timeToTarget';
import { FakeLlmServer } from '../support/fakeLlmServer';
import { noiseReplier, serverResponder } from '../support/llmResponders';

const OPTIMUM = 0.05;

function llm(requests: number, costUsd: number, fallbacks: number, newConfigs: number, proposed: number, accepted: number): LlmStudyTotals {
  return {
    requests, promptTokens: 100 * requests, completionTokens: 10 * requests, costUsd, llmSeconds: 2 * requests, cacheHits: 0,
    parseFailures: requests % 2, droppedCells: 0, failedCalls: 0, fallbacks, newConfigs,
    proposalYield: { ...emptyYield(), proposed, accepted },
  };
}

const delay = (charged: number, idle: number, share: number): StudyDelay => ({
  mode: 'modelled', prefetch: true, llmSeconds: charged * 2, chargedSeconds: charged, idleWorkerSeconds: idle, idleShare: share,
});

function run(label: string, seed: number, time: number[], error: number[], extra: Partial<ComparisonRunInput> = {}): ComparisonRunInput {
  const last = error[error.length - 1] ?? 0.2;
  return {
    label, seed, incumbentAtMax: { time, error }, simulatedSeconds: 7200,
    headline: { trialId: 1, arch: 'a', finalError: last, regret: last - OPTIMUM, observedErrorAtMax: last, observedEpoch: 200, reachedMaxEpoch: true, bestAnyEpoch: null },
    ...extra,
  };
}

test('time to target: the first step at or below it; never reached is null', () => {
  const path = { time: [100, 900, 3600], error: [0.2, 0.07, 0.055] };
  assert.equal(timeToTarget(path, 0.2), 100, 'at the target counts');
  assert.equal(timeToTarget(path, 0.1), 900);
  assert.equal(timeToTarget(path, 0.06), 3600);
  assert.equal(timeToTarget(path, 0.05), null);
  assert.equal(timeToTarget({ time: [], error: [] }, 0.5), null);
});

test('time to target per entry: IQM over the seeds that reached it, the others counted as not reached', () => {
  // Target 0.06 (default: optimum 0.05 + 1 pp). a: seeds reach it at 1000, 3000, 2000 and one never does.
  const runs = [
    run('a', 0, [500, 1000], [0.09, 0.06]), run('a', 1, [3000], [0.059]), run('a', 2, [100, 2000], [0.1, 0.055]), run('a', 3, [100], [0.08]),
    run('b', 0, [100], [0.3]), run('b', 1, [100], [0.2]), run('b', 2, [100], [0.2]), run('b', 3, [100], [0.2]),
  ];
  const summary = summarizeComparison(runs, { optimumError: OPTIMUM, gridPoints: 3 });
  assert.ok(Math.abs(summary.targetError - 0.06) < 1e-12, `${summary.targetError}`);
  const column = summary.columns.find((c) => c.key === TIME_TO_TARGET_KEY)!;
  assert.deepEqual(column, { key: TIME_TO_TARGET_KEY, label: 'time to ≤ 6.00%', unit: 'hours', missingMeans: 'not reached' });
  const [a, b] = summary.entries;
  assert.deepEqual(a.perSeed.map((p) => p.values[TIME_TO_TARGET_KEY]), [1000, 3000, 2000, null]);
  // Three values: floor(3/4) = 0 trimmed, IQM = mean 2000; one seed not reached.
  assert.equal(a.metrics[TIME_TO_TARGET_KEY].iqm, 2000);
  assert.deepEqual([a.metrics[TIME_TO_TARGET_KEY].n, a.metrics[TIME_TO_TARGET_KEY].missing], [3, 1]);
  assert.match(columnText(column, a.metrics[TIME_TO_TARGET_KEY]), /^0\.56 h \[[\d.]+ h, [\d.]+ h\] \(3 of 4 seeds; 1 not reached\)$/);
  assert.equal(columnText(column, b.metrics[TIME_TO_TARGET_KEY]), '— (4 of 4 seeds not reached)');
  // A given target moves the column; the text says it and each entry's count.
  const loose = summarizeComparison(runs, { optimumError: OPTIMUM, targetError: 0.2, gridPoints: 3 });
  assert.deepEqual(loose.entries[1].perSeed.map((p) => p.values[TIME_TO_TARGET_KEY]), [null, 100, 100, 100]);
  const text = timeToTargetText(loose);
  assert.match(text[0], /^Time to reach 20\.00% or better/);
  assert.equal(text[2], `  ${'b'.padEnd(18)} ${intervalText('hours', loose.entries[1].metrics[TIME_TO_TARGET_KEY], 'not reached')}`);
  assert.match(text[2], /\(3 of 4 seeds; 1 not reached\)$/);
});

test('LLM and delay columns by hand: per study, IQM over seeds; baselines have none', () => {
  const runs = [
    run('llambo', 0, [10], [0.07], { llm: llm(4, 0.02, 1, 10, 8, 6), delay: delay(40, 120, 0.01) }),
    run('llambo', 1, [10], [0.08], { llm: llm(6, 0.04, 0, 10, 0, 0), delay: delay(60, 200, 0.02) }),
    run('random', 0, [10], [0.09]), run('random', 1, [10], [0.1]),
  ];
  const summary = summarizeComparison(runs, { optimumError: OPTIMUM, gridPoints: 2 });
  const [llambo, random] = summary.entries;
  const values = (key: string) => llambo.perSeed.map((p) => p.values[key]);
  assert.deepEqual(values('llmRequests'), [4, 6]);
  assert.deepEqual(values('promptTokens'), [400, 600]);
  assert.deepEqual(values('completionTokens'), [40, 60]);
  assert.deepEqual(values('llmUsd'), [0.02, 0.04]);
  assert.deepEqual(values('llmSeconds'), [8, 12]);
  assert.deepEqual(values('parseFailures'), [0, 0]);
  assert.deepEqual(values('fallbackShare'), [0.1, 0]);
  assert.deepEqual(values('proposalYield'), [0.75, null], 'no cells proposed: no yield');
  assert.deepEqual(values('chargedSeconds'), [40, 60]);
  assert.deepEqual(values('idleWorkerSeconds'), [120, 200]);
  assert.deepEqual(values('idleShare'), [0.01, 0.02]);
  assert.deepEqual(llambo.metrics.llmUsd, summarizeDistribution([0.02, 0.04]));
  assert.equal(llambo.metrics.llmRequests.iqm, 5);
  assert.equal(llambo.metrics.idleWorkerSeconds.iqm, 160);
  assert.ok(Object.keys(random.metrics).filter((k) => summary.columns.find((c) => c.key === k)?.group).every((k) => random.metrics[k].n === 0));
  assert.deepEqual(summary.columns.filter((c) => c.group === 'delay').map((c) => c.unit), ['seconds', 'seconds', 'share']);

  // The CLI text prints each column's IQM as the summary has it, only for the entry with an LLM.
  const lines = entryLlmText(summary, []);
  const row = lines.find((l) => l.startsWith('llambo '))!;
  assert.deepEqual(row.trim().split(/\s{2,}|\s(?=\S)/).slice(1).join(' '),
    ['5.0', '500.0', '50.0', '$0.0300', '10.0 s', '0.0', '5.0%', '75.0%', '50.0 s', '160.0 s', '1.5%'].join(' '));
  assert.ok(!lines.some((l) => l.startsWith('random ')), 'a baseline has no LLM line');
  assert.equal(formatMetric('share', llambo.metrics.idleShare.iqm), '1.5%');

  // The report's second table has the same texts.
  const markdown = comparisonMarkdown(summary, { title: 't', setup: 's' });
  const llmSection = markdown.split('## LLM and its delay, per study')[1].split('![')[0];
  const llmRow = llmSection.split('\n').find((l) => l.startsWith('| llambo |'))!;
  const llmColumns = summary.columns.filter((c) => c.group);
  assert.equal(llmRow, `| llambo | ${llmColumns.map((c) => columnText(c, llambo.metrics[c.key])).join(' | ')} |`);
  assert.ok(!llmSection.includes('| random |'), 'a baseline has no row in the LLM table');
  assert.equal(entryLlmText(summarizeComparison(runs.slice(2), { optimumError: OPTIMUM }), []).length, 0, 'no LLM entry: no LLM table');
});

test('a logged study carries its LLM tally and the delay of its studyFinished event into the comparison', () => {
  const started = (searcher: string, seed: number) => ({
    type: 'studyStarted', seq: 0, time: 0, studyId: 's', spec: { rMax: 200, seed, searcher },
    table: { label: 't', kind: 'bundled-model-calibrated', provenanceNote: 'p' }, optimumError: OPTIMUM,
  });
  const finished = (extra: object) => ({
    type: 'studyFinished', seq: 9, time: 3600, reason: 'budget', trialsStarted: 1, resultsReported: 1, bestError: 0.07, bestErrorAtMax: 0.07, incumbentArch: 'x', ...extra,
  });
  const llamboEvents = [
    started('llambo', 2),
    { type: 'llmCall', seq: 1, time: 0, purpose: 'warmstart', usage: { promptTokens: 300, completionTokens: 30 }, costUsd: 0.5, latencySeconds: 10 },
    { type: 'trialStarted', seq: 2, time: 10, trialId: 0, arch: 'x', ops: [0, 0, 0, 0, 0, 0], untilEpoch: 200, finalErrorMean: 0.055 },
    { type: 'result', seq: 3, time: 600, trialId: 0, epoch: 200, error: 0.071 },
    finished({ delay: delay(10, 30, 30 / (4 * 3600)) }),
  ] as unknown as StudyEvent[];
  const randomEvents = [
    started('random', 2),
    { type: 'trialStarted', seq: 1, time: 0, trialId: 0, arch: 'y', ops: [1, 0, 0, 0, 0, 0], untilEpoch: 200, finalErrorMean: 0.09 },
    { type: 'result', seq: 2, time: 600, trialId: 0, epoch: 200, error: 0.09 },
    finished({}),
  ] as unknown as StudyEvent[];
  const folded = comparisonRunOf({ label: 'llambo', events: llamboEvents });
  assert.deepEqual(folded.delay, delay(10, 30, 30 / (4 * 3600)));
  assert.deepEqual([folded.llm?.requests, folded.llm?.promptTokens, folded.llm?.costUsd, folded.llm?.llmSeconds, folded.llm?.newConfigs], [1, 300, 0.5, 10, 1]);
  const baseline = comparisonRunOf({ label: 'random', events: randomEvents });
  assert.equal(baseline.llm, undefined, 'a baseline\'s zero requests are no LLM figure');
  assert.equal(baseline.delay, undefined);
  const summary = comparisonOfStudies([{ label: 'llambo', events: llamboEvents }, { label: 'random', events: randomEvents }]);
  const [llambo, random] = summary.entries;
  assert.deepEqual([llambo.perSeed[0].values.idleWorkerSeconds, llambo.perSeed[0].values.chargedSeconds, llambo.perSeed[0].values.llmUsd], [30, 10, 0.5]);
  assert.equal(random.perSeed[0].values.idleWorkerSeconds, null);
  assert.equal(llambo.perSeed[0].values[TIME_TO_TARGET_KEY], 600, 'its seed mean 0.055 <= optimum + 1 pp at its first result at r_max');
});

test('CLI compare with modelled latency: --json carries each run\'s delay, and its summary and text are the numbers of its own runs', async () => {
  const server = await new FakeLlmServer(serverResponder(noiseReplier)).start();
  const cacheDir = mkdtempSync(join(tmpdir(), 'compare-llm-columns-'));
  const capture = () => {
    const lines: string[] = [];
    const out: CommandOutput = { stdout: (l) => lines.push(l), stderr: () => undefined, progressStream: process.stderr };
    return { lines, out };
  };
  try {
    const args = ['--searchers', 'llambo,random', '--seeds', '2', '--hours', '3', '--llm-base-url', server.baseUrl, '--model', 'fake-model',
      '--llm-latency-mode', 'modelled', '--llm-seconds-per-call', '10', '--target-error', '0.07', '--llm-cache', join(cacheDir, 'replies.jsonl')];
    const env = { LLAMBO_NAS_CACHE: cacheDir };
    const json = capture();
    assert.equal(await compareCommand([...args, '--json', '--llm-cache-mode', 'record'], json.out, undefined, env), 0);
    const result = JSON.parse(json.lines.join('\n')) as { summary: ComparisonSummary; runs: (ComparisonRunInput & { delay?: StudyDelay })[]; optimumError: number };
    assert.equal(result.summary.targetError, 0.07);
    const llamboRuns = result.runs.filter((r) => r.label === 'llambo');
    assert.ok(llamboRuns.every((r) => r.delay?.mode === 'modelled' && r.delay.chargedSeconds > 0 && r.llm !== undefined), 'every LLAMBO run has its delay and LLM figures');
    assert.ok(result.runs.filter((r) => r.label === 'random').every((r) => r.delay === undefined && r.llm === undefined));
    const recomputed = summarizeComparison(result.runs, { optimumError: result.optimumError, table: result.summary.table, labels: ['llambo', 'random'], targetError: 0.07 });
    assert.deepEqual(result.summary, JSON.parse(JSON.stringify(recomputed)), 'the JSON summary is the summary of its runs');
    const llambo = result.summary.entries[0];
    assert.deepEqual(llambo.perSeed.map((p) => p.values.idleWorkerSeconds), llamboRuns.map((r) => r.delay!.idleWorkerSeconds));

    const text = capture();
    // The same studies replayed from the cache (modelled latency: the clock does not depend on the reply's timing).
    assert.equal(await compareCommand([...args, '--llm-cache-mode', 'replay-strict'], text.out, undefined, env), 0);
    const row = text.lines.find((l) => l.startsWith('llambo ') && l.includes('$'))!;
    const llmColumns = result.summary.columns.filter((c) => c.group);
    assert.deepEqual(row.slice(18).trim().split(/ {2,}| (?=[$\d—])/).filter(Boolean).map((s) => s.trim()),
      llmColumns.map((c) => formatMetric(c.unit, llambo.metrics[c.key].iqm)), 'the text prints the summary\'s IQM of every LLM and delay column');
    const target = text.lines[text.lines.findIndex((l) => l.startsWith('Time to reach 7.00% or better')) + 1];
    assert.equal(target, `  ${'llambo'.padEnd(18)} ${columnText(result.summary.columns.find((c) => c.key === TIME_TO_TARGET_KEY)!, llambo.metrics[TIME_TO_TARGET_KEY])}`);
  } finally {
    await server.close();
    rmSync(cacheDir, { recursive: true, force: true });
  }
});
