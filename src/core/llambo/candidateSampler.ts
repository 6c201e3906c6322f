/**
 * Candidate sampler (DESIGN.md section 6, step 4): T prompt variants, each showing the history in its
 * own seeded order, ask for cells expected to reach the target error at level H. The pool of M cells
 * is split over the variants and into replies of at most `maxCellsPerReply` cells; all requests of a
 * round go out together. Before any result exists the warm-start prompt is used instead.
 */
import type { SeededRandom } from '../random/seededRandom';
import type { CellRecord, LevelStats } from './cellHistory';
import { formatError } from './cellText';
import type { BatchSeen, CellRegistry } from './cellRegistry';
import { renderCurveHistory, type HistoryBlock } from './historyRendering';
import type { LlamboOptions } from './llamboOptions';
import type { LlamboPrompts } from './llamboPrompts';
import type { CallSpec, LlmCallRecorder } from './llmCallRecorder';
import { promptBudgetOf, type TokenBudget } from './promptBudget';
import { CELLS_OUTPUT } from './replySchemas';
import { collectProposals, type ProposalResult } from './proposalRounds';
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

export async function sampleCandidates(deps: StageDeps, input: SamplerInput): Promise<ProposalResult> {
  const { options } = deps;
  const seedOf = (rng: SeededRandom) => rng.nextUint32() & 0x7fffffff;
  const specs: CallSpec[] = [];
  const perTemplate = splitEvenly(input.poolSize, options.templates);
  perTemplate.forEach((templateCount, t) => {
    const chunks = splitEvenly(templateCount, Math.ceil(templateCount / options.maxCellsPerReply));
    chunks.forEach((count, j) => {
      const rng = input.rng.derive(`sampler/${t}/${j}`);
      specs.push(input.stats && input.target !== undefined
        ? samplerSpec(deps, input, t, count, rng, seedOf(rng))
        : warmStartSpec(deps, count, seedOf(rng), 'sampler', input.pending));
    });
  });
  let refills = 0;
  return collectProposals(deps.recorder, deps.prompts, deps.registry, input.batch, {
    initial: specs,
    fresh: (count) => {
      const rng = input.rng.derive(`sampler/refill/${refills++}`);
      const spec = input.stats && input.target !== undefined ? samplerSpec(deps, input, 0, count, rng, seedOf(rng)) : warmStartSpec(deps, count, seedOf(rng), 'repair', input.pending);
      return { ...spec, component: 'repair' };
    },
    target: input.poolSize,
    minimum: Math.min(input.k, input.poolSize),
    repairRounds: options.repairRounds,
    maxPerReply: options.maxCellsPerReply,
    timingConcurrency: options.timingConcurrency,
  });
}

function samplerSpec(deps: StageDeps, input: SamplerInput, variant: number, count: number, rng: SeededRandom, seed: number): CallSpec {
  const stats = input.stats as LevelStats;
  const { options } = deps;
  const target = input.target as number;
  const maxTokens = Math.max(options.samplerMaxTokens, count * 60);
  const messagesWith = (history: HistoryBlock, targetError: number) => deps.prompts.messages('sampler', {
    history: history.text,
    shownCount: history.shownCount,
    totalCount: history.totalCount,
    level: stats.level,
    levelCount: stats.count,
    best: formatError(stats.best),
    worst: formatError(stats.worst),
    target: formatError(targetError),
    count,
    pending: input.pending,
  });
  // Sized unshuffled (the count does not depend on line order), then shuffled once with this request's stream.
  const render = (budget: TokenBudget, shuffle?: SeededRandom) =>
    renderCurveHistory(input.records, stats.level, deps.rungLevels, budget, shuffle);
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
