/**
 * The typed event stream of one study (DESIGN.md section 8). Events carry simulated time only (never
 * wall-clock time), so the same spec and seed give a byte-identical log. `seq` numbers events from 0.
 */

export interface EventBase {
  readonly seq: number;
  /** Simulated seconds since the study started. */
  readonly time: number;
}

export interface StudyStartedEvent extends EventBase {
  readonly type: 'studyStarted';
  readonly studyId: string;
  readonly spec: unknown;
  /** Label and provenance of the table, e.g. that epochs 1-199 are model-generated. */
  readonly table: { readonly label: string; readonly kind: string; readonly provenanceNote: string };
  readonly optimumError: number;
}

export interface TrialStartedEvent extends EventBase {
  readonly type: 'trialStarted';
  readonly trialId: number;
  /** Arch string of the cell. */
  readonly arch: string;
  /** Op index per edge, edge order 0->1, 0->2, 1->2, 0->3, 1->3, 2->3. */
  readonly ops: readonly number[];
  /** Isomorphism class of the cell in the table (cells of one class compute the same function); absent in older logs. */
  readonly isoClass?: number;
  /**
   * The table's seed-mean error of the cell at its last epoch: the headline's figure should the search
   * return this trial (DESIGN.md section 10), recorded so every view has it without loading the table;
   * absent in older logs.
   */
  readonly finalErrorMean?: number;
  readonly bracket: number;
  /** Epoch the trial runs to before the scheduler decides again. */
  readonly untilEpoch: number;
  /** Benchmark seed drawn at the start and kept for the trial's life. */
  readonly seed: number;
  readonly fallback?: boolean;
  readonly info?: Record<string, unknown>;
}

export interface TrialResumedEvent extends EventBase {
  readonly type: 'trialResumed';
  readonly trialId: number;
  readonly bracket: number;
  readonly fromEpoch: number;
  readonly untilEpoch: number;
}

export interface TrialPausedEvent extends EventBase {
  readonly type: 'trialPaused';
  readonly trialId: number;
  readonly epoch: number;
}

export interface TrialStoppedEvent extends EventBase {
  readonly type: 'trialStopped';
  readonly trialId: number;
  readonly epoch: number;
  /** 'completed' (reached r_max), 'notPromoted', 'budget' (study ended), 'failed'. */
  readonly reason: 'completed' | 'notPromoted' | 'budget' | 'failed';
}

export interface ResultEvent extends EventBase {
  readonly type: 'result';
  readonly trialId: number;
  readonly epoch: number;
  /** valid_error; null when the evaluation failed (NaN is not JSON). */
  readonly error: number | null;
  readonly seed: number;
  /** Cumulative training seconds of this trial up to this epoch (Syne Tune's metric_elapsed_time). */
  readonly elapsed: number;
  /** Seconds of the last epoch (Syne Tune's metric_runtime). */
  readonly runtime: number;
}

export interface RungCompletedEvent extends EventBase {
  readonly type: 'rungCompleted';
  readonly bracket: number;
  readonly rung: number;
  readonly level: number;
  /** Trial ids in rank order (best first) with their errors at this level. */
  readonly ranking: readonly { readonly trialId: number; readonly error: number | null }[];
  /** Trial ids promoted to the next rung, best first (empty at the last rung). */
  readonly promoted: readonly number[];
}

export interface BracketOpenedEvent extends EventBase {
  readonly type: 'bracketOpened';
  readonly bracket: number;
  /** Bracket type (0 = most rungs). */
  readonly bracketType: number;
  readonly rungs: readonly { readonly level: number; readonly slots: number }[];
}

export interface IncumbentChangedEvent extends EventBase {
  readonly type: 'incumbentChanged';
  readonly trialId: number;
  readonly epoch: number;
  readonly error: number;
  readonly arch: string;
}

export interface FallbackEvent extends EventBase {
  readonly type: 'fallback';
  readonly message: string;
  readonly trialId?: number;
  readonly detail?: unknown;
}

export interface SearcherInfoEvent extends EventBase {
  readonly type: 'searcherInfo';
  readonly message: string;
  readonly detail?: unknown;
}

/** One LLM request and its outcome (issue 3 fills the fields). */
export interface LlmCallEvent extends EventBase {
  readonly type: 'llmCall';
  readonly callId: string;
  readonly component: 'warmstart' | 'sampler' | 'surrogate' | 'repair';
  readonly template: string;
  readonly messages: readonly { readonly role: string; readonly content: string }[];
  readonly reply: string | null;
  readonly parsed?: unknown;
  readonly parseFailures?: readonly string[];
  readonly usage?: { readonly promptTokens: number; readonly completionTokens: number; readonly cachedTokens: number };
  readonly latencySeconds?: number;
  readonly costUsd?: number;
  readonly cacheHit?: boolean;
  readonly retries?: number;
  readonly error?: string;
  readonly trialIds?: readonly number[];
  /** The prompt's tokens as counted before sending (usage.promptTokens is the server's count). */
  readonly promptFit?: {
    readonly countedTokens: number;
    /** Tokenizer used: an OpenAI encoding, or the estimate for other models. */
    readonly method: string;
    readonly contextWindow: number;
    readonly maxTokens: number;
  };
  /** The response_format the request was sent with: json_schema, json_object or text. */
  readonly responseFormat?: string;
  /** What the call taught the client about the endpoint (a refused response_format or parameter). */
  readonly adaptations?: readonly { readonly parameter: string; readonly change: string; readonly reason: string; readonly fromRecording: boolean }[];
  /** Characters of reasoning the server returned beside the answer (never used as the answer). */
  readonly reasoningChars?: number;
}

export interface ProgressEvent extends EventBase {
  readonly type: 'progress';
  /** Fraction of the stop criterion used, 0..1. */
  readonly fraction: number;
  readonly trialsStarted: number;
  readonly resultsReported: number;
  readonly bestError: number | null;
}

/**
 * What the LLM's delay cost a study whose decision time was charged (issue 12 section 2): LLM seconds
 * spent on the searcher's critical path (prefetched batches included), the part charged to the clock,
 * and worker-seconds idle while the tuner waited for configs, also as a share of workers x budget.
 */
export interface StudyDelay {
  readonly mode: 'measured' | 'modelled';
  /** Whether the searcher prepared the next first-rung batch while the current one trained. */
  readonly prefetch: boolean;
  readonly llmSeconds: number;
  readonly chargedSeconds: number;
  readonly idleWorkerSeconds: number;
  readonly idleShare: number;
}

export interface StudyFinishedEvent extends EventBase {
  readonly type: 'studyFinished';
  readonly reason: 'budget' | 'maxTrials' | 'llmBudget' | 'cancelled';
  readonly trialsStarted: number;
  readonly resultsReported: number;
  readonly bestError: number | null;
  readonly bestErrorAtMax: number | null;
  readonly incumbentArch: string | null;
  /** Present for LLM searchers in the measured and modelled decision-time modes. */
  readonly delay?: StudyDelay;
}

export interface StudyErrorEvent extends EventBase {
  readonly type: 'studyError';
  readonly message: string;
}

export type StudyEvent =
  | StudyStartedEvent | TrialStartedEvent | TrialResumedEvent | TrialPausedEvent | TrialStoppedEvent
  | ResultEvent | RungCompletedEvent | BracketOpenedEvent | IncumbentChangedEvent | FallbackEvent
  | SearcherInfoEvent | LlmCallEvent | ProgressEvent | StudyFinishedEvent | StudyErrorEvent;

export type StudyEventType = StudyEvent['type'];

/** An event before the stream assigns its sequence number. */
export type StudyEventDraft = StudyEvent extends infer E ? (E extends StudyEvent ? Omit<E, 'seq'> : never) : never;

/**
 * Receives events in order. A sink may also take each event as its seq and draft (`numbered`): when
 * every sink of a study can, the stream never builds the `{ seq, ...draft }` objects (the event log
 * writes its lines from the drafts).
 */
export type EventSink = ((event: StudyEvent) => void) & { readonly numbered?: NumberedEventSink };

/** Receives the event `{ seq, ...draft }` as its two parts; the draft is shared with other readers, not to be changed. */
export type NumberedEventSink = (seq: number, draft: StudyEventDraft) => void;
