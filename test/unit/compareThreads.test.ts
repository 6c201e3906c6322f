import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { loadTable } from '../../src/core/benchmark/tableLoader';
import { defaultTablePath } from '../../src/core/benchmark/tablePaths';
import { parseCompareEntries, runComparison, type CompareOptions, type ComparisonResult } from '../../src/core/study/compareRunner';
import { autoCompareThreads, runComparisonOnThreads } from '../../src/cli/compareThreads';

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
  for (const threads of [1, 2, 3]) {
    const progress: string[] = [];
    const threaded = await runComparisonOnThreads({ ...options, onProgress: (p) => progress.push(`${p.label}/${p.seed}`) }, threads);
    assert.deepEqual(withoutWallTimes(threaded), sequential, `${threads} threads`);
    assert.equal(progress.length, 15, 'one progress report per study');
    assert.equal(new Set(progress).size, 15);
  }
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

test('automatic thread count: one per core, none on one core, for one job or with an LLM searcher', () => {
  assert.equal(autoCompareThreads(500, false, 2), 2);
  assert.equal(autoCompareThreads(500, false, 64), 8);
  assert.equal(autoCompareThreads(3, false, 16), 3);
  assert.equal(autoCompareThreads(500, false, 1), 0);
  assert.equal(autoCompareThreads(1, false, 4), 0);
  assert.equal(autoCompareThreads(500, true, 4), 0);
});
