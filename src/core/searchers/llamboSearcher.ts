/**
 * LLAMBO inside synchronous Hyperband (DESIGN.md section 6). The first suggestions are the warm-start
 * cells; after that, when its queue is empty the searcher builds one batch of k = slotsRemaining cells
 * for the rung being filled (concurrent sampler and surrogate requests) and hands them out one per
 * call. The batch's LLM time is charged once, on its first suggestion. Any LLM failure ends in
 * mutation/random fallbacks that are marked and announced; suggest() throws only on cancellation and
 * on a replay-strict cache miss (the study stops with an error naming the request).
 */
import { planBatch } from '../llambo/batchPlanner';
import { CellHistory, type CellHistoryState } from '../llambo/cellHistory';
import { BatchSeen, CellRegistry } from '../llambo/cellRegistry';
import { randomPicks } from '../llambo/fallbackCells';
import { llamboOptionsFrom, resolveLlamboOptions, type LlamboOptions } from '../llambo/llamboOptions';
import { promptBudgetOf } from '../llambo/promptBudget';
import { isFallbackSource, type CellPick } from '../llambo/llamboPick';
import { LlamboPrompts } from '../llambo/llamboPrompts';
import { LlmCallRecorder, type LlmCallEventDraft } from '../llambo/llmCallRecorder';
import { describeError, isCancellation, isPromptTooLong, isReplayMiss, type LlmChat } from '../llambo/llmChat';
import { loadPromptTemplates, type PromptName } from '../llambo/promptTemplates';
import { proposeWarmStart } from '../llambo/warmStart';
import { cellCode, cellFromCode, type Cell } from '../nb201/searchSpace';
import type { Observation, Searcher, SearcherContext, SearcherNotice, Suggestion, SuggestRequest } from './searcher';

export interface LlamboSearcherConfig extends Partial<LlamboOptions> {
  readonly chat: LlmChat;
  /** Receives every LLM call as an `llmCall` event draft (the runner adds seq and time). */
  readonly onLlmCall?: (event: LlmCallEventDraft) => void;
  /** Cancels in-flight requests; suggest() then rejects with the cancellation. */
  readonly signal?: AbortSignal;
  /** Prompt texts that override the files (e.g. from a study spec). */
  readonly promptOverrides?: Partial<Record<PromptName, string>>;
}

/**
 * Proposed addition to SearcherContext: where LLM call events go. Until the runner provides it, pass
 * `onLlmCall` in the config; when both exist, `onLlmCall` wins.
 */
export interface LlamboSearcherContext extends SearcherContext {
  emitLlmCall?(event: LlmCallEventDraft): void;
}

/** For the searcher factory: LLAMBO settings from a study's options bag (unknown keys ignored). */
export function createLlamboSearcher(options: Readonly<Record<string, unknown>>, deps: Pick<LlamboSearcherConfig, 'chat' | 'onLlmCall' | 'signal' | 'promptOverrides'>): LlamboSearcher {
  return new LlamboSearcher({ ...llamboOptionsFrom(options), ...deps });
}

interface QueuedPick {
  readonly pick: CellPick;
  readonly batch: number;
  /** LLM seconds of the batch, charged on the first pick handed out. */
  seconds: number;
  readonly level?: number;
  readonly target?: number;
}

interface LlamboState {
  readonly version: 1;
  readonly history: CellHistoryState;
  readonly registered: number[];
  readonly queue: { code: number; pick: Omit<CellPick, 'cell'>; batch: number; seconds: number; level?: number; target?: number }[];
  readonly queueBracket: number | null;
  readonly warmStartDone: boolean;
  readonly batchNo: number;
  readonly callsIssued: number;
  readonly disabledReason: string | null;
}

export class LlamboSearcher implements Searcher {
  readonly name = 'llambo';
  readonly options: LlamboOptions;
  private readonly prompts: LlamboPrompts;
  private readonly recorder: LlmCallRecorder;
  private context?: SearcherContext;
  private history?: CellHistory;
  private registry?: CellRegistry;
  private queue: QueuedPick[] = [];
  /** Bracket the queued batch was made for; null for warm-start cells (valid for any bracket). */
  private queueBracket: number | null = null;
  private warmStartDone = false;
  private batchNo = 0;
  private emergencies = 0;
  private busy: Promise<unknown> = Promise.resolve();

  constructor(private readonly config: LlamboSearcherConfig) {
    this.options = resolveLlamboOptions(config);
    const templates = loadPromptTemplates({ promptsDir: this.options.promptsDir, overridesDir: this.options.promptOverridesDir, overrides: config.promptOverrides });
    this.prompts = new LlamboPrompts(templates, this.options.contextLevel);
    this.recorder = new LlmCallRecorder(config.chat, (event) => this.emitLlmCall(event), config.signal, 'llambo', this.options.secondsPerCall, promptBudgetOf(this.options));
  }

  configure(context: LlamboSearcherContext): void {
    this.context = context;
    this.history = new CellHistory(context.rungLevels, context.maxEpoch);
    this.registry = new CellRegistry((cell) => context.isoClassOf(cell), this.options.rejectDisconnected);
  }

  /** Serialised: a second call waits for the batch the first one is building. */
  suggest(request: SuggestRequest): Promise<Suggestion> {
    const next = this.busy.then(() => this.suggestNow(request));
    this.busy = next.catch(() => undefined);
    return next;
  }

  onPending(_trialId: number, cell: Cell): void {
    this.ready().registry.add(cell);
  }

  onResult(observation: Observation): void {
    const { history, registry } = this.ready();
    history.add(observation.trialId, observation.cell, observation.epoch, observation.error);
    registry.addEvaluated(observation.cell);
  }

  onFailure(trialId: number, cell: Cell): void {
    const { history, registry } = this.ready();
    history.addFailure(trialId, cell);
    registry.addEvaluated(cell);
  }

  state(): LlamboState {
    const { history, registry } = this.ready();
    return {
      version: 1,
      history: history.state(),
      registered: registry.codeList(),
      queue: this.queue.map((q) => {
        const { cell, ...pick } = q.pick;
        return {
          code: cellCode(cell), pick, batch: q.batch, seconds: q.seconds,
          ...(q.level !== undefined ? { level: q.level } : {}), ...(q.target !== undefined ? { target: q.target } : {}),
        };
      }),
      queueBracket: this.queueBracket,
      warmStartDone: this.warmStartDone,
      batchNo: this.batchNo,
      callsIssued: this.recorder.callsIssued,
      disabledReason: this.recorder.disabledReason ?? null,
    };
  }

  restore(state: unknown): void {
    const s = state as LlamboState;
    if (!s || s.version !== 1) throw new Error('LLAMBO searcher state: unknown format');
    const { history, registry } = this.ready();
    history.restore(s.history);
    for (const code of s.registered) {
      if (history.hasCell(code)) registry.addEvaluated(cellFromCode(code));
      else registry.add(cellFromCode(code));
    }
    this.queue = s.queue.map((q) => ({ ...q, pick: { ...q.pick, cell: cellFromCode(q.code) } }));
    this.queueBracket = s.queueBracket;
    this.warmStartDone = s.warmStartDone;
    this.batchNo = s.batchNo;
    this.recorder.callsIssued = s.callsIssued;
    this.recorder.disabledReason = s.disabledReason ?? undefined;
  }

  private ready(): { context: SearcherContext; history: CellHistory; registry: CellRegistry } {
    if (!this.context || !this.history || !this.registry) throw new Error('LlamboSearcher used before configure()');
    return { context: this.context, history: this.history, registry: this.registry };
  }

  private async suggestNow(request: SuggestRequest): Promise<Suggestion> {
    try {
      if (!this.warmStartDone) await this.warmStart();
      if (this.queue.length > 0 && this.queueBracket !== null && this.queueBracket !== request.bracket) this.discardQueue(request.bracket);
      if (this.queue.length === 0) await this.buildBatch(request);
      return this.handOut();
    } catch (error) {
      // A replay-strict miss stops the study: falling back would pass off a divergent run as a replay.
      if (isCancellation(error, this.config.signal) || isReplayMiss(error) || isPromptTooLong(error)) throw error;
      return this.emergencyPick(error);
    }
  }

  private async warmStart(): Promise<void> {
    const { context, registry } = this.ready();
    const result = await proposeWarmStart({
      recorder: this.recorder, prompts: this.prompts, registry, options: this.options,
      rng: context.rng.derive('warmstart'), randomRng: context.initialDesignRng,
    }, this.options.nInit);
    this.warmStartDone = true;
    if (result.fallbackReason) this.notify({ kind: 'fallback', message: result.fallbackReason });
    for (const pick of result.picks) registry.add(pick.cell);
    this.enqueue(result.picks, result.seconds, null);
  }

  private async buildBatch(request: SuggestRequest): Promise<void> {
    const { context, history, registry } = this.ready();
    const k = Math.max(1, Math.floor(request.slotsRemaining) || 1);
    const batchNo = ++this.batchNo;
    const result = await planBatch(
      { recorder: this.recorder, prompts: this.prompts, registry, options: this.options, rungLevels: context.rungLevels },
      history, k, context.rng.derive(`batch/${batchNo}`),
    );
    for (const notice of result.notices) this.notify({ ...notice, detail: { ...(notice.detail as object | undefined), batch: batchNo, trialId: request.trialId } });
    this.enqueue(result.picks, result.seconds, request.bracket, result.level, result.target);
  }

  private enqueue(picks: readonly CellPick[], seconds: number, bracket: number | null, level?: number, target?: number): void {
    const batch = bracket === null ? 0 : this.batchNo;
    picks.forEach((pick, i) => this.queue.push({ pick, batch, seconds: i === 0 ? seconds : 0, level, target }));
    if (picks.length > 0) this.queueBracket = bracket;
  }

  /** Leftover picks of a batch made for another bracket go back to the pool of proposable cells. */
  private discardQueue(bracket: number): void {
    const { registry } = this.ready();
    for (const q of this.queue) registry.remove(q.pick.cell);
    this.notify({ kind: 'info', message: `${this.queue.length} unused picks of batch ${this.queue[0].batch} dropped: bracket ${bracket} asks now` });
    this.queue = [];
  }

  private handOut(): Suggestion {
    const next = this.queue.shift();
    if (!next) throw new Error('LLAMBO batch came back empty');
    const { pick } = next;
    return {
      cell: pick.cell,
      ...(isFallbackSource(pick.source) ? { fallback: true } : {}),
      decisionSeconds: next.seconds,
      info: {
        source: pick.source,
        callIds: pick.callIds,
        batch: next.batch,
        ...(pick.predictedMean !== undefined ? { predictedMean: pick.predictedMean } : {}),
        ...(pick.predictedStd !== undefined ? { predictedStd: pick.predictedStd } : {}),
        ...(pick.ei !== undefined ? { ei: pick.ei } : {}),
        ...(pick.pTop !== undefined ? { pTop: pick.pTop } : {}),
        ...(pick.imputed ? { imputed: true } : {}),
        ...(pick.scoreRank !== undefined ? { scoreRank: pick.scoreRank, candidates: pick.candidates } : {}),
        ...(next.level !== undefined ? { level: next.level } : {}),
        ...(next.target !== undefined ? { target: next.target } : {}),
      },
    };
  }

  /** Last resort for an unexpected error: a random cell, announced, instead of a failed study. */
  private emergencyPick(error: unknown): Suggestion {
    const { context, registry } = this.ready();
    const [pick] = randomPicks(1, registry, new BatchSeen(), context.rng.derive(`emergency/${++this.emergencies}`), 'fallback-random');
    registry.add(pick.cell);
    this.notify({ kind: 'fallback', message: `LLAMBO error, random cell used: ${describeError(error)}` });
    return { cell: pick.cell, fallback: true, decisionSeconds: 0, info: { source: pick.source, callIds: [] } };
  }

  private emitLlmCall(event: LlmCallEventDraft): void {
    if (this.config.onLlmCall) this.config.onLlmCall(event);
    else (this.context as LlamboSearcherContext | undefined)?.emitLlmCall?.(event);
  }

  private notify(notice: SearcherNotice): void {
    this.context?.emit?.(notice);
  }
}
