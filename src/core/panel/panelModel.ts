/**
 * The study panel's view models: what each tab of the webview shows, folded from the study's events
 * in the extension host (or worker), never in the UI thread. Everything is plain JSON (numbers,
 * strings, arrays) so it crosses postMessage unchanged; long arrays are flat (x[], y[]) rather than
 * arrays of objects, which keeps 5,000-trial studies small to send and quick to clone.
 */
import type { StudyDelay } from '../events/studyEvents';
import type { IncumbentStep } from '../readModel/incumbentPath';
import type { ResultHeadline } from '../readModel/studyResult';
import type { LlmCallSummary, LlmCallText, LlmSearchHit } from '../readModel/llmCallIndex';
import type { BracketLedger, RungLedgerEntry, RungMarkKind, RungMarks } from '../readModel/rungLedger';
import type { TrialCurve, TrialRow } from '../readModel/trialRows';
import type { LlmStudyTotals } from '../study/llmTally';

/** One row of the trials table: the read model's trial row as is. */
export type TrialView = TrialRow;
export type {
  BracketLedger, IncumbentStep, LlmCallSummary, LlmCallText, LlmSearchHit, RungLedgerEntry, RungMarkKind, RungMarks, TrialCurve,
};

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
  /** Best error at any epoch so far: the charts' incumbent and a secondary figure only. */
  readonly incumbent: { readonly trialId: number; readonly epoch: number; readonly error: number; readonly arch: string } | null;
  /** The study's result (DESIGN.md section 10), the overview's headline. */
  readonly result: ResultHeadline | null;
  readonly llm: LlmTotalsView | null;
  /** What the LLM's delay cost, once a study with charged decision time has finished. */
  readonly delay: StudyDelay | null;
  readonly series: readonly IncumbentSeries[];
}

/** Errors of the trials that reached two consecutive rung levels. */
export interface RungPairCorrelation {
  readonly low: number;
  readonly high: number;
  readonly n: number;
  /** Spearman rank correlation (null below MIN_RUNG_PAIRS trials or without spread). */
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
