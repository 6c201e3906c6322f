/**
 * The study panel's view models: what each tab of the webview shows, folded from the study's events
 * in the extension host (or worker), never in the UI thread. Everything is plain JSON (numbers,
 * strings, arrays) so it crosses postMessage unchanged; long arrays are flat (x[], y[]) rather than
 * arrays of objects, which keeps 5,000-trial studies small to send and quick to clone.
 */
import type { LlmStudyTotals } from '../study/llmTally';

/** Where a trial stands: running an epoch range, paused at a rung, or ended. */
export type TrialViewStatus = 'running' | 'paused' | 'completed' | 'stopped' | 'failed';

/** One row of the trials table. */
export interface TrialView {
  readonly id: number;
  readonly arch: string;
  /** Op index per edge (edge order 0->1, 0->2, 1->2, 0->3, 1->3, 2->3). */
  readonly ops: readonly number[];
  /** Bracket id the trial was started in, and that bracket's type (0 = most rungs; null without brackets). */
  readonly bracket: number;
  readonly bracketType: number | null;
  /** Rung index reached: 0 at the start, +1 per promotion. */
  readonly rung: number;
  /** Highest epoch with a result (0 before the first one). */
  readonly epochs: number;
  readonly seed: number;
  /** Isomorphism class (cells with equal ids compute the same function); null when unknown. */
  readonly iso: number | null;
  /** Where the searcher got the cell: 'llambo', 'warmstart', 'fallback-mutation', ... (null for baselines). */
  readonly source: string | null;
  /** LLAMBO surrogate prediction at `level` and the expected improvement it gave. */
  readonly predictedMean: number | null;
  readonly predictedStd: number | null;
  readonly ei: number | null;
  readonly level: number | null;
  /** LLM calls that proposed and scored the cell. */
  readonly callIds: readonly string[];
  /** Error at `epochs` (null before a result or when it failed) and the lowest error reported. */
  readonly error: number | null;
  readonly bestError: number | null;
  readonly status: TrialViewStatus;
  readonly fallback: boolean;
  readonly startTime: number;
}

/** A trial's learning curve, decimated: flat (epoch, error) pairs; error null where a result failed. */
export interface TrialCurve {
  readonly id: number;
  readonly bracketType: number | null;
  readonly epochs: readonly number[];
  readonly errors: readonly (number | null)[];
}

export type RungMarkKind = 'promoted' | 'stopped' | 'completed';

/** Decisions at rungs, as columns: one entry per (trial, rung) a rung completion ranked. */
export interface RungMarks {
  readonly trialIds: readonly number[];
  readonly levels: readonly number[];
  readonly errors: readonly (number | null)[];
  readonly kinds: readonly RungMarkKind[];
}

/** One rung of a bracket in the ledger. */
export interface RungLedgerEntry {
  readonly level: number;
  readonly slots: number;
  /** Slots with a result, and trials training towards this rung now. */
  readonly filled: number;
  readonly pending: number;
  /** Trials promoted from this rung (null until the rung completes). */
  readonly promoted: number | null;
  readonly complete: boolean;
}

export interface BracketLedger {
  readonly bracket: number;
  readonly bracketType: number;
  readonly rungs: readonly RungLedgerEntry[];
}

/** One new incumbent, with the edges that differ from the previous incumbent's cell. */
export interface IncumbentStep {
  readonly trialId: number;
  readonly time: number;
  readonly epoch: number;
  readonly error: number;
  readonly arch: string;
  readonly ops: readonly number[];
  readonly changedEdges: readonly number[];
}

/** What the LLM calls list shows without the (long) prompt and reply, which the host sends on request. */
export interface LlmCallSummary {
  readonly callId: string;
  readonly seq: number;
  readonly time: number;
  readonly component: string;
  readonly template: string;
  readonly promptTokens: number;
  readonly completionTokens: number;
  readonly cachedTokens: number;
  /** The prompt's tokens as LLAMBO counted them before sending, against the context window (null: not counted). */
  readonly promptFit: { readonly countedTokens: number; readonly method: string; readonly contextWindow: number; readonly maxTokens: number } | null;
  /** The response_format the request was sent with (null: not said). */
  readonly responseFormat: string | null;
  /** What this call taught the client about the endpoint, one line each. */
  readonly adaptations: readonly string[];
  readonly latencySeconds: number | null;
  readonly costUsd: number | null;
  readonly cacheHit: boolean;
  readonly retries: number;
  /** Problems recorded while reading the reply; `dropped` of them are well-formed cells the searcher refused. */
  readonly parseFailures: number;
  readonly dropped: number;
  readonly error: string | null;
  /** Trials whose cell this call proposed or scored. */
  readonly trialIds: readonly number[];
  /** The first characters of the reply (plain text, shown with textContent). */
  readonly preview: string;
}

/** The full text of one LLM call (answer to a request; never part of a snapshot). */
export interface LlmCallText {
  readonly callId: string;
  readonly messages: readonly { readonly role: string; readonly content: string }[];
  readonly reply: string | null;
  /** The parsed value as pretty JSON text, if any. */
  readonly parsed: string | null;
  readonly parseFailures: readonly string[];
  readonly error: string | null;
}

export interface LlmSearchHit {
  readonly callId: string;
  /** Where the first match is: 'reply', 'prompt' (a message), or 'meta' (component/template). */
  readonly field: 'reply' | 'prompt' | 'meta';
  /** Text around the match (plain text). */
  readonly snippet: string;
}

/** One line of the overview chart: a searcher's incumbent error over simulated time. */
export interface IncumbentSeries {
  readonly label: string;
  /** Number of seeds behind the line; with more than one, value is the IQM and low/high the 95% bootstrap band. */
  readonly seeds: number;
  readonly time: readonly number[];
  readonly value: readonly number[];
  readonly low: readonly number[] | null;
  readonly high: readonly number[] | null;
}

/** The study's LLM totals, counted exactly as the study summary counts them (study/llmTally.ts). */
export type LlmTotalsView = Readonly<LlmStudyTotals>;

export interface OverviewModel {
  readonly studyId: string;
  readonly searcher: string;
  readonly scheduler: string;
  readonly seed: number | null;
  readonly table: { readonly label: string; readonly kind: string; readonly provenanceNote: string } | null;
  readonly optimumError: number | null;
  readonly budgetSeconds: number | null;
  readonly simulatedSeconds: number;
  readonly finished: boolean;
  readonly trials: number;
  readonly results: number;
  /** Epochs trained over all trials (a resumed trial pays only its extra epochs). */
  readonly epochs: number;
  readonly fallbacks: number;
  readonly incumbent: { readonly trialId: number; readonly epoch: number; readonly error: number; readonly arch: string } | null;
  readonly llm: LlmTotalsView | null;
  readonly series: readonly IncumbentSeries[];
}

/** Errors of the trials that reached two consecutive rung levels. */
export interface RungPairCorrelation {
  readonly low: number;
  readonly high: number;
  readonly n: number;
  /** Spearman rank correlation (null below 3 trials or without spread). */
  readonly spearman: number | null;
  /** At most a few thousand points, evenly thinned when there are more. */
  readonly trialIds: readonly number[];
  readonly x: readonly number[];
  readonly y: readonly number[];
}

/** LLAMBO's predictions against the true error at the level it predicted for. */
export interface CalibrationModel {
  readonly n: number;
  readonly spearman: number | null;
  /** Share of true errors within 1 and 2 predicted standard deviations of the mean. */
  readonly within1Std: number | null;
  readonly within2Std: number | null;
  readonly meanAbsError: number | null;
  readonly trialIds: readonly number[];
  readonly mean: readonly number[];
  readonly std: readonly number[];
  readonly trueError: readonly number[];
}

/** Everything the panel shows, as sent once after the webview says ready. */
export interface PanelModel {
  readonly overview: OverviewModel;
  readonly trials: readonly TrialView[];
  readonly curves: readonly TrialCurve[];
  readonly marks: RungMarks;
  readonly ledger: readonly BracketLedger[];
  readonly incumbentPath: readonly IncumbentStep[];
  readonly llmCalls: readonly LlmCallSummary[];
  readonly correlation: readonly RungPairCorrelation[];
  readonly calibration: CalibrationModel;
}

/**
 * What changed since the last snapshot or delta. Rows and curves are upserts by id, marks and calls
 * are appended or upserted, small sections come whole when they changed (absent = unchanged).
 */
export interface PanelDelta {
  readonly overview: OverviewModel;
  readonly trials: readonly TrialView[];
  readonly curves: readonly TrialCurve[];
  readonly marks: RungMarks;
  readonly llmCalls: readonly LlmCallSummary[];
  readonly ledger?: readonly BracketLedger[];
  readonly incumbentPath?: readonly IncumbentStep[];
  readonly correlation?: readonly RungPairCorrelation[];
  readonly calibration?: CalibrationModel;
}
