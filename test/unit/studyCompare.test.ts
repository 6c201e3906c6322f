import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadTable } from '../../src/core/benchmark/tableLoader';
import { parseCompareEntries, runComparison } from '../../src/core/study/compareRunner';
import { iqm, median } from '../../src/core/study/compareStats';
import { runStudy } from '../../src/core/study/studyRunner';

const benchmark = loadTable();

test('a comparison runs every entry on the same seeds and aggregates exactly those runs', async () => {
  const entries = parseCompareEntries('random,rea,random@asha', 'sync-hyperband');
  const seeds = [0, 1, 2, 3, 4];
  const progress: number[] = [];
  const result = await runComparison({
    benchmark, entries, seeds, baseSpec: { workers: 4, hours: 5 }, onProgress: (p) => progress.push(p.done),
  });
  assert.deepEqual(progress, Array.from({ length: 15 }, (_, i) => i + 1));
  assert.equal(result.runs.length, 15);
  assert.equal(result.table, benchmark.info.label);
  assert.equal(result.spec.workers, 4);
  assert.equal(result.spec.budgetSeconds, 18000);
  assert.equal(result.spec.scheduler, 'sync-hyperband');
  for (const row of result.rows) {
    const runs = result.runs.filter((r) => r.label === row.label);
    assert.deepEqual(runs.map((r) => r.seed), seeds);
    const atMax = runs.map((r) => r.bestErrorAtMax!);
    assert.ok(atMax.every((v) => v !== null), `${row.label}: every 5 h run reaches epoch 200`);
    assert.equal(row.bestErrorAtMax.iqm, iqm(atMax));
    assert.equal(row.bestErrorAtMax.median, median(atMax));
    assert.ok(Math.abs(row.regret.iqm! - (iqm(atMax) - benchmark.optimumError)) < 1e-12);
    assert.ok(row.regret.q1! >= 0, 'regret is never negative against the table optimum');
    assert.equal(row.meanTrials, runs.reduce((s, r) => s + r.trialsStarted, 0) / runs.length);
  }
  // The run of one (searcher, scheduler, seed) is the study the CLI would run with that spec.
  const single = await runStudy({ searcher: 'random', scheduler: 'asha', seed: 3, workers: 4, hours: 5 }, { benchmark });
  const same = result.runs.find((r) => r.label === 'random@asha' && r.seed === 3)!;
  assert.equal(same.trialsStarted, single.trialsStarted);
  assert.equal(same.bestErrorAtMax, single.bestErrorAtMax);
  assert.equal(same.incumbentArch, single.incumbentArch);
});

test('comparisons are deterministic and honour cancellation', async () => {
  const options = { benchmark, entries: parseCompareEntries('bohb', 'sync-sh'), seeds: [7, 8], baseSpec: { hours: 2 } };
  const a = await runComparison(options);
  const b = await runComparison(options);
  assert.deepEqual(a.rows.map((r) => r.bestError), b.rows.map((r) => r.bestError));
  assert.deepEqual(a.runs.map((r) => r.incumbentArch), b.runs.map((r) => r.incumbentArch));
  const controller = new AbortController();
  controller.abort();
  await assert.rejects(runComparison({ ...options, signal: controller.signal }), /cancelled/);
});
