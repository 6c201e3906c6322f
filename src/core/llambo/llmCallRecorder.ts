/**
 * Runs LLAMBO's LLM requests and turns each into an `llmCall` event. A stage's requests run
 * concurrently; their events are emitted after the stage, in issue order, so the event log does not
 * depend on which reply arrived first. Failures never escape (the caller falls back) except
 * cancellation and a replay-strict cache miss (the stage's events are emitted first, so the log names
 * the request that missed); after a budget exhaustion or a disabled endpoint (circuit breaker) no
 * further request is sent. Every prompt is checked against the context window before it is sent: one
 * over it is never sent and stops the study (the builders already shrank it as far as it goes,
 * promptBudget.ts), so the settings must change. A prompt whose byte bound clears the window is sent
 * at once and counted while its request is out (the count goes to its event); any other is counted first.
 */
import type { LlmCallEvent } from '../events/studyEvents';
import { isEndpointDisabled } from '../llm/endpointCircuitBreaker';
import {
  describeError, isBudgetExhausted, isCancellation, isReplayMiss, PromptTooLong,
  type ChatMessage, type LlamboComponent, type LlmChat, type LlmChatRequest, type LlmChatResult,
} from './llmChat';
import type { PromptBudget } from './promptBudget';
import { clipReplyForLog } from './replyLogClip';

/** An `llmCall` event before the stream numbers and times it. */
export type LlmCallEventDraft = Omit<LlmCallEvent, 'seq' | 'time'>;

export interface CallSpec {
  readonly component: LlamboComponent;
  /** Template id shown in events, e.g. "sampler#1". */
  readonly template: string;
  readonly messages: readonly ChatMessage[];
  readonly params: Omit<LlmChatRequest, 'messages' | 'tag' | 'signal'>;
  /** Cells the request asked for (proposal requests), to report short replies. */
  readonly asked?: number;
}

export interface CallOutcome {
  readonly callId: string;
  readonly spec: CallSpec;
  readonly result?: LlmChatResult;
  readonly error?: string;
  /** Seconds charged for this call: the recorded latency, or wall time of a failed call. */
  readonly seconds: number;
  /** The prompt's counted tokens, when a budget is known. */
  readonly promptTokens?: number;
  /** The error that must stop the study (a replay-strict cache miss). */
  readonly fatal?: unknown;
}

export interface CallReport {
  readonly parsed?: unknown;
  readonly parseFailures?: readonly string[];
}

export class LlmCallRecorder {
  /** Set once a budget is exhausted or the endpoint disabled: why the searcher no longer calls the LLM. */
  disabledReason: string | undefined;
  private counter = 0;

  constructor(
    private readonly chat: LlmChat,
    private readonly onLlmCall: ((event: LlmCallEventDraft) => void) | undefined,
    private readonly signal: AbortSignal | undefined,
    private readonly idPrefix = 'llambo',
    /** Modelled decision time: every request counts this many seconds instead of its latency. */
    private readonly secondsPerCall?: number,
    /** The context window prompts are checked against before sending. */
    private readonly budget?: PromptBudget,
  ) {}

  get callsIssued(): number {
    return this.counter;
  }

  /** For resume: continue numbering after the calls of the saved state. */
  set callsIssued(value: number) {
    this.counter = value;
  }

  /**
   * Issues `specs` concurrently; resolves with one outcome per spec, in order. Throws on cancellation,
   * and on a replay-strict cache miss after emitting the stage's events (the miss names its request).
   */
  async run(specs: readonly CallSpec[]): Promise<CallOutcome[]> {
    if (this.disabledReason !== undefined || specs.length === 0) return [];
    const pending = specs.map((spec) => this.runOne(spec, `${this.idPrefix}-${++this.counter}`));
    const settled = await Promise.allSettled(pending);
    const cancelled = settled.find((s) => s.status === 'rejected');
    if (cancelled) throw (cancelled as PromiseRejectedResult).reason;
    const outcomes = settled.map((s) => (s as PromiseFulfilledResult<CallOutcome>).value);
    const missed = outcomes.find((o) => o.fatal !== undefined);
    if (missed) {
      for (const outcome of outcomes) this.record(outcome);
      throw missed.fatal;
    }
    return outcomes;
  }

  /** True when the spec's prompt and reply fit the context window (always, when no window is known). */
  fitsWindow(spec: CallSpec): boolean {
    return !this.budget || this.overWindow(spec, this.budget.promptTokens(spec.messages)) === undefined;
  }

  /** Emits the event of a finished call with what was read from its reply. */
  record(outcome: CallOutcome, report: CallReport = {}): void {
    if (!this.onLlmCall) return;
    const { result, spec } = outcome;
    let event: LlmCallEventDraft = {
      type: 'llmCall',
      callId: outcome.callId,
      component: spec.component,
      template: spec.template,
      messages: spec.messages.map((m) => ({ role: m.role, content: m.content })),
      reply: result ? clipReplyForLog(joinChoices(result.texts)) : null,
      ...(report.parsed !== undefined ? { parsed: report.parsed } : {}),
      ...(report.parseFailures && report.parseFailures.length > 0 ? { parseFailures: report.parseFailures } : {}),
      ...(result ? {
        usage: { ...result.usage },
        latencySeconds: result.latencySeconds,
        costUsd: result.costUsd,
        cacheHit: result.cacheHit,
        retries: result.retries,
      } : { latencySeconds: outcome.seconds }),
      ...(outcome.error !== undefined ? { error: outcome.error } : {}),
      ...(outcome.promptTokens !== undefined && this.budget ? {
        promptFit: {
          countedTokens: outcome.promptTokens, method: this.budget.method,
          contextWindow: this.budget.contextWindow, maxTokens: spec.params.maxTokens ?? 0,
        },
      } : {}),
      ...(result?.responseFormat ? { responseFormat: result.responseFormat } : {}),
      ...(result?.adaptations && result.adaptations.length > 0 ? { adaptations: result.adaptations.map((a) => ({ ...a })) } : {}),
      ...(result?.reasoningChars ? { reasoningChars: result.reasoningChars } : {}),
    };
    const cutOff = cutOffNote(result, spec);
    if (cutOff) event = { ...event, parseFailures: [cutOff, ...(event.parseFailures ?? [])] };
    this.onLlmCall(event);
  }

  private async runOne(spec: CallSpec, callId: string): Promise<CallOutcome> {
    if (this.disabledReason !== undefined) return { callId, spec, error: `not sent: ${this.disabledReason}`, seconds: 0 };
    const budget = this.budget;
    // A prompt whose byte bound fits is sent before it is counted: the exact count (for the event) is
    // made while the request is out, so a tokenizer still to load (~0.3 s) waits beside the LLM, not before it.
    const surelyFits = budget !== undefined && this.overWindow(spec, budget.promptTokenBound(spec.messages)) === undefined;
    let promptTokens = surelyFits ? undefined : budget?.promptTokens(spec.messages);
    const tooLong = promptTokens === undefined ? undefined : this.overWindow(spec, promptTokens);
    if (tooLong) return { callId, spec, error: tooLong.message, seconds: 0, fatal: tooLong, promptTokens };
    const started = Date.now();
    const sent = this.send(spec);
    // When the call settled: a failure's seconds leave out a count made after it.
    let settled: number | undefined;
    const settling = sent.then(() => { settled = Date.now(); }, () => { settled = Date.now(); });
    if (surelyFits) {
      await settledOrOnTheWire(settling);
      promptTokens = budget.promptTokens(spec.messages);
    }
    const fitted = promptTokens === undefined ? {} : { promptTokens };
    try {
      const result = await sent;
      if (!result || !Array.isArray(result.texts)) throw new Error('LLM client returned no texts');
      const latency = Number.isFinite(result.latencySeconds) ? Math.max(0, result.latencySeconds) : 0;
      return { callId, spec, result, seconds: this.secondsPerCall ?? latency, ...fitted };
    } catch (error) {
      if (isCancellation(error, this.signal)) throw error;
      if (isReplayMiss(error)) return { callId, spec, error: describeError(error), seconds: 0, fatal: error, ...fitted };
      // Neither a spent budget nor a disabled endpoint comes back within the study: stop asking.
      if (isBudgetExhausted(error) || isEndpointDisabled(error)) this.disabledReason = describeError(error);
      return { callId, spec, error: describeError(error), seconds: this.secondsPerCall ?? ((settled ?? Date.now()) - started) / 1000, ...fitted };
    }
  }

  /** The chat call of `spec`; a chat function that throws at once rejects the promise instead. */
  private send(spec: CallSpec): Promise<LlmChatResult> {
    try {
      return Promise.resolve(this.chat({
        ...spec.params,
        messages: spec.messages,
        tag: { component: spec.component, template: spec.template },
        ...(this.signal ? { signal: this.signal } : {}),
      }));
    } catch (error) {
      return Promise.reject(error);
    }
  }

  private overWindow(spec: CallSpec, promptTokens: number): PromptTooLong | undefined {
    const budget = this.budget as PromptBudget;
    const reply = spec.params.maxTokens ?? 0;
    if (promptTokens + reply <= budget.contextWindow) return undefined;
    return new PromptTooLong(
      `the ${spec.template} prompt needs ${promptTokens} tokens (${budget.method}) plus ${reply} for the reply, ` +
      `more than the context window of ${budget.contextWindow} tokens, even with the history and candidates shortened as far as they go. ` +
      'Set the model\'s real context window (--llm-context-window N, setting llamboNas.llm.contextWindow, spec llm.contextWindow) ' +
      'or give it a larger one on the server (Ollama num_ctx, vLLM --max-model-len, llama.cpp --ctx-size).',
    );
  }
}

/**
 * Turns of the event loop a request just handed to the client gets to reach the wire before the
 * thread blocks on counting its prompt: the client builds it in microtasks, then each turn's I/O
 * poll takes a step (the connection made, the request written), which on a local or kept-alive
 * connection takes Node's fetch about five turns (measured in a fresh worker). A timer would not do: a first request that loads the
 * fetch internals outlasts any short delay, and the timer then fires before the poll that writes it.
 */
const TURNS_TO_THE_WIRE = 10;

/** After the call settles (a cache hit) or TURNS_TO_THE_WIRE turns of the loop, whichever is first. */
async function settledOrOnTheWire(settling: Promise<void>): Promise<void> {
  let done = false;
  void settling.then(() => { done = true; });
  for (let turn = 0; turn < TURNS_TO_THE_WIRE && !done; turn++) {
    await Promise.race([settling, new Promise<void>((resolve) => setImmediate(resolve))]);
  }
}

/** A reply the server stopped at max_tokens is cut off: said so, as a parse failure of its call. */
function cutOffNote(result: LlmChatResult | undefined, spec: CallSpec): string | undefined {
  const cut = result?.finishReasons?.filter((r) => r === 'length').length ?? 0;
  if (cut === 0) return undefined;
  const of = (result?.texts.length ?? 1) > 1 ? ` (${cut} of ${result?.texts.length} choices)` : '';
  return `reply cut off at max_tokens=${spec.params.maxTokens ?? 'unset'}${of}`;
}

function joinChoices(texts: readonly string[]): string {
  if (texts.length === 1) return texts[0];
  return texts.map((t, i) => `--- choice ${i + 1} ---\n${t}`).join('\n');
}

/**
 * Seconds a stage of concurrent calls takes on the critical path: calls are placed, in issue order, on
 * the least-loaded of `concurrency` lanes (0 = one lane per call, i.e. the slowest call).
 */
export function stageSeconds(outcomes: readonly CallOutcome[], concurrency: number): number {
  if (outcomes.length === 0) return 0;
  if (concurrency <= 0 || concurrency >= outcomes.length) return Math.max(...outcomes.map((o) => o.seconds));
  const lanes = new Array<number>(concurrency).fill(0);
  for (const outcome of outcomes) {
    let lane = 0;
    for (let i = 1; i < lanes.length; i++) if (lanes[i] < lanes[lane]) lane = i;
    lanes[lane] += outcome.seconds;
  }
  return Math.max(...lanes);
}
