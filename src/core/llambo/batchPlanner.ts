/**
 * One batch of k new cells for a rung (DESIGN.md section 6, steps 2-6): target at level H, candidate
 * sampler, surrogate, expected improvement with a diversity penalty, then mutation/random fallbacks for
 * whatever the LLM could not supply. Every pick is registered at once, so the next batch avoids it.
 */
import type { SearcherNotice } from '../searchers/searcher';
import type { SeededRandom } from '../random/seededRandom';
import { expectedImprovement, pickDiverseBatch, type ScoredCandidate } from './acquisition';
import { sampleCandidates, type StageDeps } from './candidateSampler';
import type { CellHistory, LevelStats } from './cellHistory';
import { BatchSeen } from './cellRegistry';
import { fallbackPicks, randomPicks } from './fallbackCells';
import { renderPendingBlock } from './historyRendering';
import { promptBudgetOf } from './promptBudget';
import { cellFromCode } from '../nb201/searchSpace';
import type { LlamboOptions } from './llamboOptions';
import type { CellPick } from './llamboPick';
import { predictCandidates } from './surrogate';

export interface BatchResult {
  readonly picks: CellPick[];
  /** LLM seconds on the critical path of the batch. */
  readonly seconds: number;
  readonly notices: SearcherNotice[];
  readonly level?: number;
  readonly target?: number;
}

/** s' = best - alpha * range, never below the optimum region (nor above the best itself). */
export function targetError(stats: LevelStats, options: Pick<LlamboOptions, 'alpha' | 'targetFloor'>): number {
  return Math.max(stats.best - options.alpha * stats.range, Math.min(options.targetFloor, stats.best));
}

export async function planBatch(deps: StageDeps, history: CellHistory, k: number, rng: SeededRandom): Promise<BatchResult> {
  const { options, registry } = deps;
  const batch = new BatchSeen();
  const notices: SearcherNotice[] = [];
  const randomCount = Math.min(k, Math.round(options.randomFraction * k));
  const picks: CellPick[] = randomPicks(randomCount, registry, batch, rng.derive('random-share'), 'random');
  const llmCount = k - randomCount;
  const level = history.levelH(options.minResultsAtLevel);
  const stats = level === undefined ? undefined : history.levelStats(level);
  const target = stats ? targetError(stats, options) : undefined;
  let seconds = 0;

  if (llmCount > 0 && deps.recorder.disabledReason === undefined) {
    const records = [...history.records()];
    const poolSize = Math.max(options.minCandidates, Math.ceil(options.candidatesPerPick * llmCount));
    const pendingCodes = registry.recentUnobserved(Math.ceil(options.pendingTokenBudget / 20), (code) => history.hasCell(code));
    const pending = renderPendingBlock(pendingCodes.map(cellFromCode), registry.size - history.size, promptBudgetOf(options).lines(options.pendingTokenBudget));
    const sampled = await sampleCandidates(deps, { k: llmCount, poolSize, stats, target, records, pending, rng, batch });
    seconds += sampled.seconds;
    if (sampled.calls > 0 && sampled.failedCalls === sampled.calls) notices.push({ kind: 'info', message: 'every candidate-sampler request failed' });
    const candidates = sampled.accepted;
    let scored: ScoredCandidate[];
    let extra: Partial<CellPick>[] = candidates.map(() => ({}));
    if (stats && candidates.length > llmCount) {
      const surrogate = await predictCandidates(deps, { candidates: candidates.map((c) => c.cell), stats, records, rng });
      seconds += surrogate.seconds;
      if (surrogate.imputedCount > 0) {
        notices.push({ kind: 'info', message: `surrogate: ${surrogate.imputedCount} of ${candidates.length} candidates imputed (too few predictions)`, detail: { failedCalls: surrogate.failedCalls, calls: surrogate.calls } });
      }
      scored = candidates.map((c, i) => {
        const p = surrogate.predictions[i];
        const score = p.pTop ?? expectedImprovement(p.mean, p.std, stats.best);
        return { cell: c.cell, score, mean: p.mean };
      });
      extra = surrogate.predictions.map((p, i) => ({
        ...(p.pTop === undefined ? { predictedMean: p.mean, predictedStd: p.std, ei: scored[i].score } : { pTop: p.pTop }),
        ...(p.imputed ? { imputed: true } : {}),
        scoreRank: 1 + scored.filter((other) => other.score > scored[i].score).length, candidates: scored.length,
        callIds: [candidates[i].callId, ...p.callIds],
      }));
    } else {
      // Nothing to rank by (no result yet) or nothing to choose from: keep the LLM's order, spread by diversity.
      scored = candidates.map((c, i) => ({ cell: c.cell, score: 1, mean: i }));
    }
    for (const index of pickDiverseBatch(scored, llmCount, options.diversityRadius)) {
      picks.push({ cell: candidates[index].cell, source: 'llambo', callIds: [candidates[index].callId], ...extra[index] });
    }
  }

  const missing = k - picks.length;
  if (missing > 0) {
    const parents = history.bestCells(8, level);
    const fills = fallbackPicks(missing, parents, registry, batch, rng.derive('fallback'));
    picks.push(...fills);
    const why = deps.recorder.disabledReason !== undefined ? `LLM not asked: ${deps.recorder.disabledReason}` : 'the LLM gave too few usable cells';
    notices.push({
      kind: 'fallback',
      message: `${missing} of ${k} cells from fallbacks (${countBy(fills, 'fallback-mutation')} mutations, ${countBy(fills, 'fallback-random')} random): ${why}`,
      detail: { k, missing, reason: why },
    });
  }
  for (const pick of picks) registry.add(pick.cell);
  return { picks, seconds, notices, ...(level !== undefined ? { level } : {}), ...(target !== undefined ? { target } : {}) };
}

function countBy(picks: readonly CellPick[], source: CellPick['source']): number {
  return picks.filter((p) => p.source === source).length;
}
