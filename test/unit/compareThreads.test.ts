import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { loadTable } from '../../src/core/benchmark/tableLoader';
import { defaultTablePath } from '../../src/core/benchmark/tablePaths';
import { comparisonOfRuns, parseCompareEntries, runComparison, type CompareOptions, type ComparisonResult } from '../../src/core/study/compareRunner';
import { IqmCiBatch, intervalsOf } from '../../src/core/study/iqmCiBatch';
import { autoCompareThreads, CompareThreads, runComparisonOnThreads } from '../../src/cli/compareThreads';

const path = defaultTablePath();
const skip = !existsSync(path) && `bundled table not found at ${path}`;

/** The comparison without its wall times, the only figures allowed to differ between runs. */
function withoutWallTimes(result: ComparisonResult): unknown {
  return JSON.parse(JSON.stringify(result, (key, value) => (key === 'wallMs' || key === 'totalWallMs' ? undefined : value)));
}

test('a comparison on worker threads gives the numbers of the sequential one, for any split', { skip }, async () => {
  const options: CompareOptions = {
    benchmark: loadTable(path),
    entries: parseCompareEntries('random,rea,random@asha', 'sync-hyperband'),
    seeds: [0, 1, 2, 3, 4],
    baseSpec: { workers: 4, hours: 1 },
  };
  const sequential = withoutWallTimes(await runComparison(options));
  const shared = loadTable(path, { shared: true });
  assert.ok(shared.shared, 'the bundled table has a cache to share');
  // The caller's table unshared (the threads then share one of their own) and shared; 1 to 3 threads besides this one.
  for (const [threads, benchmark] of [[1, options.benchmark], [2, shared], [3, options.benchmark]] as const) {
    const progress: string[] = [];
    const compareThreads = CompareThreads.start(threads);
    const threaded = await compareThreads.run({ ...options, benchmark, onProgress: (p) => progress.push(`${p.label}/${p.seed}`) });
    assert.deepEqual(withoutWallTimes(threaded), sequential, `${threads} threads`);
    assert.equal(progress.length, 15, 'one progress report per study');
    assert.equal(new Set(progress).size, 15);
    const times = compareThreads.times!;
    assert.equal(times.studies.length, threads + 1, 'this thread and each worker thread');
    assert.equal(times.studies.reduce((a, b) => a + b, 0), 15, 'each study ran once, in one of them');
    assert.ok(times.intervals > 0, 'the summary\'s intervals were computed as a batch');
  }
  shared.close();
});

test('the summary\'s intervals computed as a batch (IqmCiBatch) give the comparison of the plain summary', { skip }, async () => {
  const options: CompareOptions = {
    benchmark: loadTable(path), entries: parseCompareEntries('random,bohb', 'sync-hyperband'), seeds: [0, 1, 2, 3, 4, 5], baseSpec: { workers: 4, hours: 1 },
  };
  const plain = await runComparison(options);
  const batch = new IqmCiBatch();
  comparisonOfRuns(options, plain.runs, 0, batch.record);
  batch.answer(intervalsOf(batch.requests, 0, batch.requests.length));
  const batched = comparisonOfRuns(options, plain.runs, plain.wallMs, batch.lookup);
  assert.deepEqual(batched, plain);
  assert.ok(batched.summary.entries.every((e) => e.overTime.low.every(Number.isFinite)), 'every interval is a number');
});

test('a cancelled threaded comparison rejects with "comparison cancelled" (the CLI exits 130)', { skip }, async () => {
  const controller = new AbortController();
  const options: CompareOptions = {
    benchmark: loadTable(path), entries: parseCompareEntries('random,bohb', 'sync-hyperband'),
    seeds: Array.from({ length: 50 }, (_, i) => i), baseSpec: { workers: 4, hours: 5 }, signal: controller.signal,
    onProgress: () => controller.abort(),
  };
  await assert.rejects(runComparisonOnThreads(options, 2), /comparison cancelled/);
});

test('automatic thread count: one per core besides this thread, none on one core, for one job or with an LLM searcher', () => {
  assert.equal(autoCompareThreads(500, false, 2), 1);
  assert.equal(autoCompareThreads(500, false, 4), 3);
  assert.equal(autoCompareThreads(500, false, 64), 8);
  assert.equal(autoCompareThreads(3, false, 16), 2, 'no more threads than jobs, this one included');
  assert.equal(autoCompareThreads(500, false, 1), 0);
  assert.equal(autoCompareThreads(1, false, 4), 0);
  assert.equal(autoCompareThreads(500, true, 4), 0);
});
