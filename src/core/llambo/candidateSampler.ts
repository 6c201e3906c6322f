/**
 * Candidate sampler (DESIGN.md section 6, step 4): T prompt variants, each showing the history in its
 * own seeded order, ask for cells expected to reach the target error at level H. The pool of M cells,
 * times the oversampling factor, is split over the variants and into replies of at most
 * `maxCellsPerReply` cells; all requests of a round go out together, each told to cover its own part of
 * the search space (searchSlices). Before any result exists the warm-start prompt is used instead.
 */
import type { SeededRandom } from '../random/seededRandom';
import type { CellRecord, LevelStats } from './cellHistory';
import { cellWord, formatError } from './cellText';
import type { BatchSeen, CellRegistry } from './cellRegistry';
import { renderSamplerHistory, type HistoryBlock } from './historyRendering';
import type { LlamboOptions } from './llamboOptions';
import type { LlamboPrompts } from './llamboPrompts';
import type { CallSpec, LlmCallRecorder } from './llmCallRecorder';
import { promptBudgetOf, type TokenBudget } from './promptBudget';
import { CELLS_OUTPUT } from './replySchemas';
import { collectProposals, oversampled, type ProposalResult } from './proposalRounds';
import { searchSlices, sliceInstruction, type SearchSlice } from './searchSlices';
import { warmStartSpec } from './warmStart';

export interface StageDeps {
  readonly recorder: LlmCallRecorder;
  readonly prompts: LlamboPrompts;
  readonly registry: CellRegistry;
  readonly options: LlamboOptions;
  readonly rungLevels: readonly number[];
}

/** What the sampler conditions on; `stats` absent means no result yet. */
export interface SamplerInput {
  /** Cells the batch must hand out (refill rounds run while the pool is smaller). */
  readonly k: number;
  /** M: cells to ask for in total. */
  readonly poolSize: number;
  readonly stats?: LevelStats;
  readonly target?: number;
  readonly records: readonly CellRecord[];
  /** Rendered list of picked/pending cells ('' when none). */
  readonly pending: string;
  readonly rng: SeededRandom;
  readonly batch: BatchSeen;
}

/** Splits `total` into `parts` near-equal positive counts (fewer parts if total is small). */
export function splitEvenly(total: number, parts: number): number[] {
  const n = Math.max(1, Math.min(parts, total));
  return Array.from({ length: n }, (_, i) => Math.floor(total / n) + (i < total % n ? 1 : 0)).filter((c) => c > 0);
}

interface RequestPlan {
  readonly variant: number;
  readonly count: number;
  readonly rng: SeededRandom;
}

export async function sampleCandidates(deps: StageDeps, input: SamplerInput): Promise<ProposalResult> {
  const { options } = deps;
  const plans: RequestPlan[] = [];
  const asked = oversampled(input.poolSize, options.oversampling);
  splitEvenly(asked, options.templates).forEach((templateCount, t) => {
    splitEvenly(templateCount, Math.ceil(templateCount / options.maxCellsPerReply)).forEach((count, j) => {
      plans.push({ variant: t, count, rng: input.rng.derive(`sampler/${t}/${j}`) });
    });
  });
  // Slices for the first round plus one per fresh request the repair rounds may start, so those get their own part too.
  const refillSlots = options.repairRounds * Math.ceil(input.poolSize / options.maxCellsPerReply);
  const slices = searchSlices(plans.length + (plans.length > 1 ? refillSlots : 0), input.records, input.stats?.level, input.rng.derive('sampler/slices'));
  const specs = plans.map((plan, i) => requestSpec(deps, input, plan, slices[i], 'sampler'));
  let refills = 0;
  return collectProposals(deps.recorder, deps.prompts, deps.registry, input.batch, {
    initial: specs,
    fresh: (count) => {
      const slice = slices[plans.length + refills];
      const plan = { variant: 0, count, rng: input.rng.derive(`sampler/refill/${refills++}`) };
      return requestSpec(deps, input, plan, slice, 'repair');
    },
    target: input.poolSize,
    minimum: Math.min(input.k, input.poolSize),
    repairRounds: options.repairRounds,
    maxPerReply: options.maxCellsPerReply,
    oversampling: options.oversampling,
    timingConcurrency: options.timingConcurrency,
  });
}

function requestSpec(deps: StageDeps, input: SamplerInput, plan: RequestPlan, slice: SearchSlice | undefined, component: 'sampler' | 'repair'): CallSpec {
  const seed = plan.rng.nextUint32() & 0x7fffffff;
  const focus = slice ? sliceInstruction(slice) : '';
  if (!input.stats || input.target === undefined) return { ...warmStartSpec(deps, plan.count, seed, component, input.pending, focus), component };
  return { ...samplerSpec(deps, input, plan.variant, plan.count, plan.rng, seed, focus), component };
}

function samplerSpec(deps: StageDeps, input: SamplerInput, variant: number, count: number, rng: SeededRandom, seed: number, focus: string): CallSpec {
  const stats = input.stats as LevelStats;
  const { options } = deps;
  const target = input.target as number;
  const maxTokens = Math.max(options.samplerMaxTokens, count * 60);
  const messagesWith = (history: HistoryBlock, targetError: number) => {
    const hidden = history.totalCount - history.shownCount;
    return deps.prompts.messages('sampler', {
      history: history.text,
      shownCount: history.shownCount,
      totalCount: history.totalCount,
      hiddenNote: hidden > 0 ? `(${hidden} more evaluated ${cellWord(hidden)}, farther from the best ones, ${hidden === 1 ? 'is' : 'are'} not shown.)` : '',
      level: stats.level,
      finalEpoch: deps.rungLevels[deps.rungLevels.length - 1],
      levelCount: stats.count,
      best: formatError(stats.best),
      worst: formatError(stats.worst),
      target: formatError(targetError),
      targetNote: targetError < stats.best ? ', better than the best so far' : ', as good as the best so far',
      count,
      cellWord: cellWord(count),
      focus,
      pending: input.pending,
    });
  };
  // Sized unshuffled (the count does not depend on line order), then shuffled once with this request's stream.
  const render = (budget: TokenBudget, shuffle?: SeededRandom) =>
    renderSamplerHistory(input.records, stats.level, deps.rungLevels, budget, shuffle);
  const budget = promptBudgetOf(options).fitBlock(maxTokens, render, (history) => messagesWith(history, target));
  const history = render(budget, rng);
  // Jitter spreads concurrent requests over targets between s' and the best, so their answers differ.
  const jittered = options.jitterTarget ? target + rng.next() * (stats.best - target) : target;
  return {
    component: 'sampler',
    template: `sampler#${variant}`,
    asked: count,
    messages: messagesWith(history, jittered),
    params: {
      temperature: options.samplerTemperature,
      topP: options.topP,
      maxTokens,
      seed,
      structuredOutput: CELLS_OUTPUT,
    },
  };
}
