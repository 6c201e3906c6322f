import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadTable } from '../../src/core/benchmark/tableLoader';
import { describePrefetch, measurePrefetch, PREFETCH_TARGET_FACTOR } from '../support/prefetchTrial';

/**
 * Issue 12 section 2 (not a claim about any LLM): over 10 seeds of 5 h / 4-worker LLAMBO studies with the
 * oracle double and 10 modelled seconds per request at concurrency 4, prefetch leaves workers idle at least
 * 5x less (rank-sum of 5 x idle with prefetch against idle without), and the staler history it plans with
 * costs no significant error (one-sided rank-sum of "without prefetch is better", on the best error at
 * r_max and on the headline). Simulated and seeded: the statistics are the same on every run.
 */
const ALPHA = 0.05;

test('prefetch: at least 5x fewer idle worker-seconds over 10 seeds, and no significant loss in error', async () => {
  const m = await measurePrefetch(loadTable(), Array.from({ length: 10 }, (_, i) => i));
  for (const line of describePrefetch(m)) console.log(line);
  for (const [on, off] of m.on.map((r, i) => [r, m.off[i]] as const)) {
    assert.ok(on.chargedSeconds < on.llmSeconds, `seed ${on.seed}: prefetch hid nothing (${on.chargedSeconds} of ${on.llmSeconds} s charged)`);
    assert.equal(off.chargedSeconds, off.llmSeconds, `seed ${off.seed}: without prefetch every LLM second is charged`);
  }
  assert.ok(m.idleFactor >= PREFETCH_TARGET_FACTOR, `only ${m.idleFactor.toFixed(2)}x fewer idle worker-seconds in total`);
  assert.ok(m.idleTest.p < ALPHA, `${PREFETCH_TARGET_FACTOR} x idle with prefetch is not significantly below idle without: p = ${m.idleTest.p}`);
  assert.ok(m.bestErrorLossTest.p > ALPHA, `prefetch loses on best error at r_max: p = ${m.bestErrorLossTest.p}`);
  assert.ok(m.headlineLossTest.p > ALPHA, `prefetch loses on the headline error: p = ${m.headlineLossTest.p}`);
});
