/**
 * Warm start (DESIGN.md section 6, step 1): one request for N_init diverse, promising cells; invalid or
 * duplicate cells are dropped and topped up by repair requests, then by random cells (marked fallback).
 * `llamboWarmStartCells` offers the same to other searchers (e.g. BOHB warm-started with LLAMBO's cells).
 */
import type { Cell } from '../nb201/searchSpace';
import type { SeededRandom } from '../random/seededRandom';
import { cellWord } from './cellText';
import { BatchSeen, CellRegistry } from './cellRegistry';
import { randomPicks } from './fallbackCells';
import { resolveLlamboOptions, type LlamboOptions } from './llamboOptions';
import type { CellPick } from './llamboPick';
import { LlamboPrompts } from './llamboPrompts';
import { LlmCallRecorder, type CallSpec, type LlmCallEventDraft } from './llmCallRecorder';
import type { LlmChat } from './llmChat';
import { loadPromptTemplates } from './promptTemplates';
import { collectProposals, oversampled } from './proposalRounds';
import { promptBudgetOf } from './promptBudget';
import { CELLS_OUTPUT } from './replySchemas';

export interface WarmStartResult {
  readonly picks: CellPick[];
  /** LLM seconds on the critical path. */
  readonly seconds: number;
  /** Why some or all cells are random, when they are. */
  readonly fallbackReason?: string;
}

export interface WarmStartDeps {
  readonly recorder: LlmCallRecorder;
  readonly prompts: LlamboPrompts;
  readonly registry: CellRegistry;
  readonly options: LlamboOptions;
  /** Source of seeds for requests. */
  readonly rng: SeededRandom;
  /** Stream for random top-ups (the study's initial-design stream, so they match the baselines'). */
  readonly randomRng: SeededRandom;
}

export function warmStartSpec(
  deps: Pick<WarmStartDeps, 'prompts' | 'options'>, count: number, seed: number,
  component: 'warmstart' | 'sampler' | 'repair' = 'warmstart', pending = '', focus = '',
): CallSpec {
  const { options } = deps;
  return {
    component,
    template: 'warmstart',
    asked: count,
    messages: deps.prompts.messages('warmstart', { count, cellWord: cellWord(count), focus, pending }),
    params: {
      temperature: options.warmStartTemperature,
      topP: options.topP,
      maxTokens: Math.max(options.warmStartMaxTokens, count * 60),
      seed,
      structuredOutput: CELLS_OUTPUT,
    },
  };
}

export async function proposeWarmStart(deps: WarmStartDeps, count: number): Promise<WarmStartResult> {
  const batch = new BatchSeen();
  if (count <= 0) return { picks: [], seconds: 0 };
  if (deps.recorder.disabledReason !== undefined) {
    const picks = randomPicks(count, deps.registry, batch, deps.randomRng, 'fallback-random');
    return { picks, seconds: 0, fallbackReason: `LLM not asked: ${deps.recorder.disabledReason}` };
  }
  const seed = () => deps.rng.nextUint32() & 0x7fffffff;
  const result = await collectProposals(deps.recorder, deps.prompts, deps.registry, batch, {
    initial: [warmStartSpec(deps, oversampled(count, deps.options.oversampling), seed())],
    fresh: (n) => warmStartSpec(deps, n, seed(), 'repair'),
    target: count,
    minimum: count,
    repairRounds: deps.options.repairRounds,
    maxPerReply: Math.max(count, deps.options.maxCellsPerReply),
    oversampling: deps.options.oversampling,
    timingConcurrency: deps.options.timingConcurrency,
  });
  const picks: CellPick[] = result.accepted.map((p) => ({ cell: p.cell, source: 'warmstart', callIds: [p.callId] }));
  let fallbackReason: string | undefined;
  if (picks.length < count) {
    const missing = count - picks.length;
    picks.push(...randomPicks(missing, deps.registry, batch, deps.randomRng, 'fallback-random'));
    fallbackReason = deps.recorder.disabledReason ?? (result.failedCalls === result.calls
      ? 'every warm-start request failed'
      : `the LLM gave ${result.accepted.length} usable cells of ${count}`);
    fallbackReason = `${missing} warm-start cell${missing === 1 ? '' : 's'} drawn at random: ${fallbackReason}`;
  }
  return { picks, seconds: result.seconds, ...(fallbackReason ? { fallbackReason } : {}) };
}

export interface LlamboWarmStartParams {
  readonly chat: LlmChat;
  readonly isoClassOf: (cell: Cell) => number;
  /** Seeds the requests (derive it from the study seed for replayable prompts). */
  readonly rng: SeededRandom;
  /** Random top-ups; default `rng.derive('warmstart-random')`. Pass the initial-design stream to match baselines. */
  readonly randomRng?: SeededRandom;
  readonly count?: number;
  readonly options?: Partial<LlamboOptions>;
  readonly onLlmCall?: (event: LlmCallEventDraft) => void;
  readonly signal?: AbortSignal;
  /** Cells to avoid (e.g. already evaluated). */
  readonly exclude?: readonly Cell[];
}

/** LLAMBO's warm-start cells for any searcher; never fewer than `count` (random top-ups are marked). */
export async function llamboWarmStartCells(params: LlamboWarmStartParams): Promise<WarmStartResult> {
  const options = resolveLlamboOptions(params.options);
  const templates = loadPromptTemplates({ promptsDir: options.promptsDir, overridesDir: options.promptOverridesDir });
  const registry = new CellRegistry(params.isoClassOf, options.rejectDisconnected);
  for (const cell of params.exclude ?? []) registry.addEvaluated(cell);
  const recorder = new LlmCallRecorder(params.chat, params.onLlmCall, params.signal, 'warmstart', options.secondsPerCall, promptBudgetOf(options));
  const result = await proposeWarmStart({
    recorder, registry, options,
    prompts: new LlamboPrompts(templates, options.contextLevel),
    rng: params.rng,
    randomRng: params.randomRng ?? params.rng.derive('warmstart-random'),
  }, params.count ?? options.nInit);
  return result;
}
