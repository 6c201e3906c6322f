/**
 * The typed messages between the study worker, the extension host and the panel webview: the one
 * place both ends of every channel import. Messages are named `<scope>/<method>` (gitlens style) and
 * come in three kinds: commands (fire and forget), requests (answered by a response with the same id)
 * and notifications (state pushed to the other side). Everything here is plain JSON: no Buffers,
 * Maps or class instances cross a channel.
 */
import type { StudyEvent } from './core/study/events';
import type { StudySummary } from './core/study/studyRunner';
import type { StudySpecInput } from './core/study/studySpec';

export type { StudyEvent, StudyEventType } from './core/study/events';
export type { StudySummary } from './core/study/studyRunner';

/** A message with a method name and its parameters. */
export interface IpcMessage<Method extends string, Params> {
  readonly method: Method;
  readonly params: Params;
}

/** A request: the receiver answers with an IpcResponse carrying the same id. */
export interface IpcRequest<Method extends string, Params> extends IpcMessage<Method, Params> {
  readonly id: number;
}

/** The answer to a request: `result` on success, `error` (a message for the user) otherwise. */
export interface IpcResponse<Method extends string, Result> {
  readonly method: `${Method}/response`;
  readonly id: number;
  readonly result?: Result;
  readonly error?: string;
}

// ---------------------------------------------------------------------------------------------
// Extension host -> worker (commands)

/** Everything the worker needs to run one study; the key travels only in memory, never to disk. */
export interface WorkerStartParams {
  readonly spec: StudySpecInput;
  /** Absolute path of the NB201 table file. */
  readonly tablePath: string;
  /** `.nas-studies/<id>/`: the worker writes study.json and appends events.jsonl there. */
  readonly studyDir: string;
  /** In memory only: the worker hands it to the LLM client and never writes or posts it. */
  readonly apiKey?: string;
  /**
   * Resume of an interrupted study: the folder already holds study.json and a (moved-away) log, which
   * the worker replaces; `created` keeps the study's original creation time in study.json.
   */
  readonly resume?: { readonly created: string };
}

export type WorkerStartCommand = IpcMessage<'worker/start', WorkerStartParams>;
/** Stop as soon as possible, keeping every result so far; the worker still answers with finished. */
export type WorkerCancelCommand = IpcMessage<'worker/cancel', Record<string, never>>;
export type HostToWorkerMessage = WorkerStartCommand | WorkerCancelCommand;

/**
 * Given at construction (`new Worker(file, { workerData })`). A simulation that runs without yielding
 * to the event loop never sees a worker/cancel message, so the host also raises this shared flag
 * (Int32Array cell 0 set to 1), which the worker reads on every event.
 */
export interface StudyWorkerData {
  readonly cancelFlag: SharedArrayBuffer;
}

// ---------------------------------------------------------------------------------------------
// Worker -> extension host (notifications)

/** Progress the status bar shows without folding events. */
export interface StudyProgressParams {
  readonly studyId: string;
  /** Fraction of the stop criterion used, 0..1. */
  readonly fraction: number;
  readonly trialsStarted: number;
  readonly resultsReported: number;
}

/** Events in emission order; already appended to events.jsonl when posted. */
export type WorkerEventsNotification = IpcMessage<'worker/events', { readonly studyId: string; readonly events: readonly StudyEvent[] }>;
export type WorkerProgressNotification = IpcMessage<'worker/progress', StudyProgressParams>;
export type WorkerFinishedNotification = IpcMessage<'worker/finished', { readonly summary: StudySummary }>;
export type WorkerFailedNotification = IpcMessage<'worker/failed', { readonly studyId?: string; readonly message: string }>;
export type WorkerToHostMessage =
  | WorkerEventsNotification | WorkerProgressNotification | WorkerFinishedNotification | WorkerFailedNotification;

// ---------------------------------------------------------------------------------------------
// Extension host -> webview (notifications)

export type StudyStatus = 'running' | 'finished' | 'cancelled' | 'failed' | 'interrupted';

/** What the panel header shows; the host folds it from the events so the webview need not. */
export interface StudyHeadline {
  readonly studyId: string;
  readonly status: StudyStatus;
  readonly searcher: string;
  readonly scheduler: string;
  /** Simulated seconds reached and the budget. */
  readonly simulatedSeconds: number;
  readonly budgetSeconds: number;
  readonly trialsStarted: number;
  readonly resultsReported: number;
  readonly incumbent: { readonly trialId: number; readonly epoch: number; readonly error: number; readonly arch: string } | null;
  readonly llmUsd: number;
  /** Label of the table the results come from (with its provenance, shown with every result). */
  readonly table: string;
  readonly message?: string;
}

/** Sent once after webview/ready: the whole study so far. */
export type PanelSnapshotNotification = IpcMessage<'panel/snapshot', { readonly headline: StudyHeadline; readonly events: readonly StudyEvent[] }>;
/** New events since the last message, batched and throttled by the host. */
export type PanelEventsNotification = IpcMessage<'panel/events', { readonly headline: StudyHeadline; readonly events: readonly StudyEvent[] }>;
/** The colour theme kind changed (charts redraw with the new CSS variables). */
export type PanelThemeNotification = IpcMessage<'panel/theme', { readonly kind: 'light' | 'dark' | 'highContrast' | 'highContrastLight' }>;
export type ExportResponse = IpcResponse<'panel/export', { readonly folder: string }>;
export type HostToWebviewMessage = PanelSnapshotNotification | PanelEventsNotification | PanelThemeNotification | ExportResponse;

// ---------------------------------------------------------------------------------------------
// Webview -> extension host

/** The webview listens now; the host answers with panel/snapshot. */
export type WebviewReadyCommand = IpcMessage<'webview/ready', Record<string, never>>;
/** Show one cell (arch string) in an editor-side view. */
export type OpenArchCommand = IpcMessage<'webview/openArch', { readonly arch: string }>;
/** Show the prompt and reply of one LLM call in an editor. */
export type OpenLlmCallCommand = IpcMessage<'webview/openLlmCall', { readonly callId: string }>;
/** Export this study's results; answered with the folder written. */
export type ExportRequest = IpcRequest<'panel/export', Record<string, never>>;
export type WebviewToHostMessage = WebviewReadyCommand | OpenArchCommand | OpenLlmCallCommand | ExportRequest;

/** What the webview keeps in getState/setState so a restored panel knows its study. */
export interface PanelState {
  readonly studyId: string;
}

/** Narrowing helper for a message of unknown shape from the other side of a channel. */
export function hasMethod<M extends { method: string }>(value: unknown, method: M['method']): value is M {
  return typeof value === 'object' && value !== null && (value as { method?: unknown }).method === method;
}
