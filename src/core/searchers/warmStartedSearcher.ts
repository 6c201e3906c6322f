/**
 * A searcher whose first suggestions are LLAMBO's zero-shot warm-start cells, after which an inner
 * baseline (any of warmStartNames.ts: random, bohb, rea, local, mobster, dehb) takes over and learns
 * from their results. This generalises the original study's "BOHB warm-started with LLAMBO's initial
 * cells": it isolates the value of the warm start from the rest of LLAMBO.
 */
import type { LlmChat } from '../llambo/llmChat';
import { isFallbackSource, type CellPick } from '../llambo/llamboPick';
import type { LlamboOptions } from '../llambo/llamboOptions';
import { llamboWarmStartCells } from '../llambo/warmStart';
import type { Cell } from '../nb201/searchSpace';
import type { Observation, Searcher, SearcherContext, SuggestRequest, Suggestion } from './searcher';

export interface WarmStartDeps {
  readonly chat: LlmChat;
  readonly signal?: AbortSignal;
  /** Warm-start cells asked for (N_init). */
  readonly count: number;
  /** LLAMBO settings of the warm start (prompt folder, context level, temperatures...). */
  readonly options?: Partial<LlamboOptions>;
}

interface WarmStartedState {
  readonly format: 'warm-started/1';
  readonly queue: readonly CellPick[] | null;
  readonly inner: unknown;
}

export class WarmStartedSearcher implements Searcher {
  private context: SearcherContext | undefined;
  /** null until the warm start has run; then the cells not yet handed out. */
  private queue: CellPick[] | null = null;

  constructor(readonly name: string, private readonly inner: Searcher, private readonly deps: WarmStartDeps) {}

  configure(context: SearcherContext): void {
    this.context = context;
    this.inner.configure(context);
  }

  async suggest(request: SuggestRequest): Promise<Suggestion> {
    if (this.queue === null) return this.startWarm(request);
    const pick = this.queue.shift();
    if (!pick) return this.inner.suggest(request);
    return toSuggestion(pick, 0);
  }

  onPending(trialId: number, cell: Cell): void {
    this.inner.onPending(trialId, cell);
  }

  onResult(observation: Observation): void {
    this.inner.onResult(observation);
  }

  onFailure(trialId: number, cell: Cell): void {
    this.inner.onFailure(trialId, cell);
  }

  state(): WarmStartedState {
    return { format: 'warm-started/1', queue: this.queue, inner: this.inner.state() };
  }

  restore(state: unknown): void {
    const saved = state as Partial<WarmStartedState> | null;
    if (!saved || saved.format !== 'warm-started/1') throw new Error(`${this.name}: not a saved warm-started searcher state`);
    this.queue = saved.queue ? [...saved.queue] : null;
    this.inner.restore(saved.inner);
  }

  private async startWarm(request: SuggestRequest): Promise<Suggestion> {
    const context = this.requireContext();
    const result = await llamboWarmStartCells({
      chat: this.deps.chat,
      isoClassOf: context.isoClassOf,
      rng: context.rng.derive('llambo-warmstart'),
      randomRng: context.initialDesignRng,
      count: this.deps.count,
      options: this.deps.options,
      onLlmCall: context.emitLlmCall,
      signal: this.deps.signal,
    });
    if (result.fallbackReason) context.emit?.({ kind: 'fallback', message: `warm start: ${result.fallbackReason}` });
    this.queue = [...result.picks];
    const first = this.queue.shift();
    // The warm start's LLM time is charged once, on the first suggestion it produces.
    return first ? toSuggestion(first, result.seconds) : this.inner.suggest(request);
  }

  private requireContext(): SearcherContext {
    if (!this.context) throw new Error(`${this.name}: configure() must be called before suggest()`);
    return this.context;
  }
}

function toSuggestion(pick: CellPick, decisionSeconds: number): Suggestion {
  return {
    cell: pick.cell,
    fallback: isFallbackSource(pick.source),
    decisionSeconds,
    info: { source: pick.source, callIds: pick.callIds },
  };
}
