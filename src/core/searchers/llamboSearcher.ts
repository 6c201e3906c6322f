/**
 * LLAMBO inside synchronous Hyperband (DESIGN.md section 6). The first suggestions are the warm-start
 * cells; after that, when its queue is empty the searcher builds one batch of k = slotsRemaining cells
 * for the rung being filled (concurrent sampler and surrogate requests) and hands them out one per
 * call. The batch's LLM time is charged once, on its first suggestion. With `prefetch`, each time it
 * hands out a pick and nothing is prefetched yet, it makes the batch the next first-rung demand will
 * need (the rest of this rung, else the next bracket's first rung) with the history it has then; that
 * batch is ready on the simulated clock at its issue time plus its LLM seconds, and its first pick is
 * charged only the part of that a worker still waits. Any LLM failure ends in
 * mutation/random fallbacks that are marked and announced; suggest() throws only on cancellation and
 * on a replay-strict cache miss (the study stops with an error naming the request).
 */
import { planBatch, type BatchResult } from '../llambo/batchPlanner';
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

/** A batch made ahead of its demand: for `bracket`, ready at simulated time `readyAt`. */
interface PrefetchedBatch {
  readonly bracket: number;
  readonly readyAt: number;
  readonly picks: QueuedPick[];
}

type QueuedPickState = { code: number; pick: Omit<CellPick, 'cell'>; batch: number; seconds: number; level?: number; target?: number };

interface LlamboState {
  readonly version: 1;
  readonly history: CellHistoryState;
  readonly registered: number[];
  readonly queue: QueuedPickState[];
  readonly queueBracket: number | null;
  readonly prefetched?: { bracket: number; readyAt: number; picks: QueuedPickState[] };
  readonly spentSeconds?: number;
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
  private prefetched: PrefetchedBatch | null = null;
  /** LLM seconds of the work done since the last pick was handed out (reported as its spentSeconds). */
  private spentSeconds = 0;
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
      queue: this.queue.map(pickState),
      queueBracket: this.queueBracket,
      ...(this.prefetched ? { prefetched: { ...this.prefetched, picks: this.prefetched.picks.map(pickState) } } : {}),
      ...(this.spentSeconds > 0 ? { spentSeconds: this.spentSeconds } : {}),
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
    this.queue = s.queue.map(pickFromState);
    this.queueBracket = s.queueBracket;
    this.prefetched = s.prefetched ? { ...s.prefetched, picks: s.prefetched.picks.map(pickFromState) } : null;
    this.spentSeconds = s.spentSeconds ?? 0;
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
      const wait = this.queue.length === 0 ? this.takePrefetched(request) : undefined;
      if (this.queue.length === 0) await this.buildBatch(request);
      const suggestion = this.handOut(wait);
      if (this.options.prefetch) await this.prefetchNext(request, request.time + (suggestion.decisionSeconds ?? 0));
      return this.withSpentSeconds(suggestion);
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
    this.spentSeconds += result.seconds;
    if (result.fallbackReason) this.notify({ kind: 'fallback', message: result.fallbackReason });
    for (const pick of result.picks) registry.add(pick.cell);
    this.enqueue(result.picks, result.seconds, null);
  }

  private async buildBatch(request: SuggestRequest): Promise<void> {
    const made = await this.makeBatch(Math.max(1, Math.floor(request.slotsRemaining) || 1), request.trialId, false);
    this.enqueue(made.picks, made.seconds, request.bracket, made.level, made.target);
  }

  /** Plans one batch of k cells with the history as it is now; its LLM seconds count as spent now. */
  private async makeBatch(k: number, trialId: number, prefetch: boolean): Promise<BatchResult> {
    const { context, history, registry } = this.ready();
    const batchNo = ++this.batchNo;
    const result = await planBatch(
      { recorder: this.recorder, prompts: this.prompts, registry, options: this.options, rungLevels: context.rungLevels },
      history, k, context.rng.derive(`batch/${batchNo}`),
    );
    const where = prefetch ? { batch: batchNo, trialId, prefetch: true } : { batch: batchNo, trialId };
    for (const notice of result.notices) this.notify({ ...notice, detail: { ...(notice.detail as object | undefined), ...where } });
    this.spentSeconds += result.seconds;
    return result;
  }

  /**
   * Makes the batch the next first-rung demand after this pick will need, unless one is made already:
   * the rest of this bracket's first rung, else the next bracket's whole first rung (less leftover
   * warm-start cells, which serve any bracket). Brackets fill their first rung before the next one opens,
   * so the next demand is for bracket + 1; without the scheduler's bracket shapes nothing is prefetched.
   */
  private async prefetchNext(request: SuggestRequest, issuedAt: number): Promise<void> {
    if (this.prefetched) return;
    const stillNeeded = Math.max(0, Math.floor(request.slotsRemaining) - 1);
    let bracket = request.bracket, k = stillNeeded - this.queue.length;
    if (k <= 0) {
      const next = this.context?.firstRungOf?.(request.bracket + 1);
      if (!next) return;
      const leftover = this.queueBracket === null ? this.queue.length - stillNeeded : 0;
      bracket = request.bracket + 1;
      k = next.slots - leftover;
      if (k <= 0) return;
    }
    try {
      const made = await this.makeBatch(k, request.trialId, true);
      const picks = this.queuedPicks(made.picks, 0, this.batchNo, made.level, made.target);
      if (picks.length > 0) this.prefetched = { bracket, readyAt: issuedAt + made.seconds, picks };
    } catch (error) {
      if (isCancellation(error, this.config.signal) || isReplayMiss(error) || isPromptTooLong(error)) throw error;
      this.notify({ kind: 'info', message: `LLAMBO prefetch failed, the next batch is made when it is needed: ${describeError(error)}` });
    }
  }

  /**
   * Moves the prefetched batch into the queue when it is for the asking bracket and returns the seconds
   * the worker still waits for it; a batch for another bracket goes back to the pool of proposable cells.
   */
  private takePrefetched(request: SuggestRequest): number | undefined {
    const prefetched = this.prefetched;
    if (!prefetched) return undefined;
    this.prefetched = null;
    if (prefetched.bracket !== request.bracket) {
      const { registry } = this.ready();
      for (const q of prefetched.picks) registry.remove(q.pick.cell);
      this.notify({ kind: 'info', message: `${prefetched.picks.length} prefetched picks of batch ${prefetched.picks[0].batch} dropped: bracket ${request.bracket} asks, not ${prefetched.bracket}` });
      return undefined;
    }
    this.queue = prefetched.picks;
    this.queueBracket = prefetched.bracket;
    return Math.max(0, prefetched.readyAt - request.time);
  }

  private enqueue(picks: readonly CellPick[], seconds: number, bracket: number | null, level?: number, target?: number): void {
    this.queue.push(...this.queuedPicks(picks, seconds, bracket === null ? 0 : this.batchNo, level, target));
    if (picks.length > 0) this.queueBracket = bracket;
  }

  /** The batch's picks in hand-out order; its LLM seconds ride on the first. */
  private queuedPicks(picks: readonly CellPick[], seconds: number, batch: number, level?: number, target?: number): QueuedPick[] {
    return picks.map((pick, i) => ({ pick, batch, seconds: i === 0 ? seconds : 0, level, target }));
  }

  /** The suggestion reports the LLM work done since the previous one, which may run ahead of its charge. */
  private withSpentSeconds(suggestion: Suggestion): Suggestion {
    const spentSeconds = this.spentSeconds;
    this.spentSeconds = 0;
    return { ...suggestion, spentSeconds };
  }

  /** Leftover picks of a batch made for another bracket go back to the pool of proposable cells. */
  private discardQueue(bracket: number): void {
    const { registry } = this.ready();
    for (const q of this.queue) registry.remove(q.pick.cell);
    this.notify({ kind: 'info', message: `${this.queue.length} unused picks of batch ${this.queue[0].batch} dropped: bracket ${bracket} asks now` });
    this.queue = [];
  }

  /** The next queued pick; `wait` (a prefetched batch not yet ready) replaces the seconds it carries. */
  private handOut(wait?: number): Suggestion {
    const next = this.queue.shift();
    if (!next) throw new Error('LLAMBO batch came back empty');
    const { pick } = next;
    return {
      cell: pick.cell,
      ...(isFallbackSource(pick.source) ? { fallback: true } : {}),
      decisionSeconds: wait ?? next.seconds,
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
    return this.withSpentSeconds({ cell: pick.cell, fallback: true, decisionSeconds: 0, info: { source: pick.source, callIds: [] } });
  }

  private emitLlmCall(event: LlmCallEventDraft): void {
    if (this.config.onLlmCall) this.config.onLlmCall(event);
    else (this.context as LlamboSearcherContext | undefined)?.emitLlmCall?.(event);
  }

  private notify(notice: SearcherNotice): void {
    this.context?.emit?.(notice);
  }
}

function pickState(q: QueuedPick): QueuedPickState {
  const { cell, ...pick } = q.pick;
  return {
    code: cellCode(cell), pick, batch: q.batch, seconds: q.seconds,
    ...(q.level !== undefined ? { level: q.level } : {}), ...(q.target !== undefined ? { target: q.target } : {}),
  };
}

function pickFromState(q: QueuedPickState): QueuedPick {
  return { ...q, pick: { ...q.pick, cell: cellFromCode(q.code) } };
}
