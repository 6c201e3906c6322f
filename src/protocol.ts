/**
 * The typed messages between the study worker, the extension host and the panel webview: the one
 * place both ends of every channel import. Messages are named `<scope>/<method>` (gitlens style) and
 * come in three kinds: commands (fire and forget), requests (answered by a response with the same id)
 * and notifications (state pushed to the other side). Everything here is plain JSON: no Buffers,
 * Maps or class instances cross a channel.
 */
import type { LlmCallText, LlmSearchHit, PanelDelta, PanelModel, TrialCurve } from './core/panel/panelModel';
import type { TrialSortKey } from './core/panel/trialQuery';
import type { ResultHeadline } from './core/readModel/studyResult';
import type { TrialStatus } from './core/readModel/trialRows';
import type { StudyEvent } from './core/events/studyEvents';
import type { ComparisonContext } from './core/study/comparisonReport';
import type { ComparisonSummary } from './core/study/comparisonSummary';
import type { StudySummary } from './core/study/studyRunner';
import type { StudySpecInput } from './core/study/studySpec';

export type { StudyEvent, StudyEventType } from './core/events/studyEvents';
export type { StudySummary } from './core/study/studyRunner';
export type { ComparisonEntrySummary, ComparisonSummary } from './core/study/comparisonSummary';

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
  /** The host times this start (extension/startTimeline.ts): the worker posts worker/startSteps as it takes them. */
  readonly timeSteps?: boolean;
}

export type WorkerStartCommand = IpcMessage<'worker/start', WorkerStartParams>;
/** Stop as soon as possible, keeping every result so far; the worker still answers with finished. */
export type WorkerCancelCommand = IpcMessage<'worker/cancel', Record<string, never>>;
/**
 * To a spare that has not started a study: also load what an LLM study on `model` needs first (as
 * StudyWorkerData.warmLlmModel does at start-up), so the pool need not end a spare that is loading
 * its table only because the study about to start calls an LLM.
 */
export type WorkerWarmLlmCommand = IpcMessage<'worker/warmLlm', { readonly model: string }>;
export type HostToWorkerMessage = WorkerStartCommand | WorkerCancelCommand | WorkerWarmLlmCommand;

/**
 * Given at construction (`new Worker(file, { workerData })`). A simulation that runs without yielding
 * to the event loop never sees a worker/cancel message, so the host also raises this shared flag
 * (Int32Array cell 0 set to 1), which the worker reads on every event.
 */
export interface StudyWorkerData {
  readonly cancelFlag: SharedArrayBuffer;
  /**
   * A warm spare (extension/studyWorkerPool.ts): load this table at once, before worker/start arrives;
   * a start on the same, unchanged table file then uses it instead of loading it again.
   */
  readonly warmTablePath?: string;
  /**
   * A warm spare for an LLM study on this model also loads, after the table, what its first prompt
   * needs: the model's token encoding (0.1-0.6 s and several MB) and the openai client.
   */
  readonly warmLlmModel?: string;
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
  /** Set while the study waits on its LLM (rate limit, backoff before a retry), e.g. "LLM: retrying in 4 s ...". */
  readonly llmWait?: string;
}

/** Events in emission order; already appended to events.jsonl when posted. */
export type WorkerEventsNotification = IpcMessage<'worker/events', { readonly studyId: string; readonly events: readonly StudyEvent[] }>;
export type WorkerProgressNotification = IpcMessage<'worker/progress', StudyProgressParams>;
export type WorkerFinishedNotification = IpcMessage<'worker/finished', { readonly summary: StudySummary }>;
export type WorkerFailedNotification = IpcMessage<'worker/failed', { readonly studyId?: string; readonly message: string }>;

/**
 * A worker's steps from worker/start to its first result, in the order a LLAMBO study takes them
 * (a baseline study skips the LLM ones). Each is marked once, in epoch ms (performance.timeOrigin +
 * performance.now(), the clock of the host's start timeline).
 */
export const WORKER_START_STEPS = [
  /** The worker's bundle began to run (compiled, or taken from V8's code cache): for a spare, soon after the pool started it. */
  'bundleRunning',
  /** A spare had loaded its table (StudyWorkerData.warmTablePath). */
  'spareTableLoaded',
  /** A spare had loaded what it was asked to (its table, and the LLM client when asked): before startReceived when it was ready in time. */
  'warm',
  /** The worker took the worker/start message from its port (it waits while the thread still loads). */
  'startReceived',
  /** The spec was parsed and the table is ready (the spare's warm table, or loaded now). */
  'tableReady',
  /** The event log exists (study.json written). */
  'logOpened',
  /** The study's first event (studyStarted): its searcher and, for an LLM study, its client are made. */
  'studyStarted',
  /** The first LLM request went to fetch (its prompt built and counted). */
  'llmRequestSent',
  /** The first LLM reply's headers came back. */
  'llmReplyReceived',
  /** The first llmCall event: that reply is parsed and logged. */
  'llmCallLogged',
  /** The first trial started. */
  'firstTrial',
  /** The first batch of events was flushed to events.jsonl and posted. */
  'firstEventsPosted',
  /** The first result event. */
  'firstResult',
  /** The batch holding the first result was posted. */
  'firstResultPosted',
] as const;
export type WorkerStartStep = (typeof WORKER_START_STEPS)[number];
export type WorkerStartMarks = Partial<Record<WorkerStartStep, number>>;

/** Steps the worker took since its last worker/startSteps (only when the start asked for them: timeSteps). */
export type WorkerStartStepsNotification = IpcMessage<'worker/startSteps', { readonly marks: WorkerStartMarks }>;
/**
 * A spare has loaded what it was asked to (StudyWorkerData.warmTablePath, warmLlmModel, worker/warmLlm),
 * or the table failed to load (loaded false: the study's own load reports why). `llmModel` is the
 * model warmed so far.
 */
export type WorkerWarmNotification = IpcMessage<'worker/warm', { readonly tableLoaded: boolean; readonly llmModel?: string }>;
export type WorkerToHostMessage =
  | WorkerEventsNotification | WorkerProgressNotification | WorkerFinishedNotification | WorkerFailedNotification
  | WorkerStartStepsNotification | WorkerWarmNotification;

// ---------------------------------------------------------------------------------------------
// Extension host -> webview (notifications)

export type StudyStatus = 'running' | 'finished' | 'cancelled' | 'failed' | 'interrupted';

/** What the panel header shows; the host folds it from the events so the webview need not. */
export interface StudyHeadline {
  readonly studyId: string;
  readonly status: StudyStatus;
  readonly searcher: string;
  readonly scheduler: string;
  /** The study's seed, once its studyStarted event is in (the studies view tells seeds apart by it). */
  readonly seed?: number;
  /** Simulated seconds reached and the budget. */
  readonly simulatedSeconds: number;
  readonly budgetSeconds: number;
  readonly trialsStarted: number;
  readonly resultsReported: number;
  /** Best error at any epoch so far (Syne Tune's incumbent): a secondary figure, never the headline. */
  readonly incumbent: { readonly trialId: number; readonly epoch: number; readonly error: number; readonly arch: string } | null;
  /** The study's result (DESIGN.md section 10): what the status bar, the studies view and Compare show and rank by. */
  readonly result: ResultHeadline | null;
  readonly llmUsd: number;
  /** Label of the table the results come from (with its provenance, shown with every result). */
  readonly table: string;
  readonly message?: string;
  /** "LLM unhealthy: …" once an LLM study's calls keep failing or fallbacks take over (LlmHealthMonitor). */
  readonly llmUnhealthy?: string;
  /** What the study waits for right now, when that is its LLM (from the worker's progress). */
  readonly llmWait?: string;
}

/** Sent after webview/ready (and when a resumed study starts over): the whole view model, folded by the host. */
export type PanelModelNotification = IpcMessage<'panel/model', { readonly headline: StudyHeadline; readonly model: PanelModel }>;
/** What changed since the last model or delta, batched and throttled by the host. */
export type PanelDeltaNotification = IpcMessage<'panel/delta', { readonly headline: StudyHeadline; readonly delta: PanelDelta }>;
/** The colour theme kind changed (charts redraw with the new CSS variables). */
export type PanelThemeNotification = IpcMessage<'panel/theme', { readonly kind: 'light' | 'dark' | 'highContrast' | 'highContrastLight' }>;

/** What the comparison panel shows (the same bundle as the study panel, mounted on `#app[data-view="comparison"]`). */
export interface ComparisonView extends ComparisonContext {
  readonly summary: ComparisonSummary;
}

/** Sent after webview/ready in a comparison panel: everything it draws. */
export type ComparisonModelNotification = IpcMessage<'comparison/model', ComparisonView>;

// ---------------------------------------------------------------------------------------------
// Webview -> extension host (commands)

/** The webview listens now; the host answers with panel/model, then panel/theme. */
export type WebviewReadyCommand = IpcMessage<'webview/ready', Record<string, never>>;
/** Show one cell (arch string) in an editor-side view. */
export type OpenArchCommand = IpcMessage<'webview/openArch', { readonly arch: string }>;
/** Show the prompt and reply of one LLM call in an editor tab (a named read-only Markdown document). */
export type OpenLlmCallCommand = IpcMessage<'webview/openLlmCall', { readonly callId: string }>;
/** Copy the prompt, the reply, or both of one LLM call to the clipboard (vscode.env.clipboard). */
export type CopyLlmCallCommand = IpcMessage<'webview/copyLlmCall', { readonly callId: string; readonly part: 'prompt' | 'reply' | 'all' }>;
/** Resume this (interrupted) study: the host runs "Resume study" for the panel's study. */
export type ResumeStudyCommand = IpcMessage<'webview/resumeStudy', Record<string, never>>;

// ---------------------------------------------------------------------------------------------
// Webview -> extension host (requests) and their responses. Long LLM texts stay in the host and
// come on request; an `error` of 'cancelled' means the user cancelled.

/** A file the panel made (chart PNG/SVG, table CSV) for the host to write into the workspace. */
export interface SaveFileParams {
  /** File name only (no folders): the host picks the folder, `nas-results/<studyId>/`. */
  readonly fileName: string;
  readonly kind: 'png' | 'svg' | 'csv';
  /** base64 for png, text for svg and csv. */
  readonly encoding: 'base64' | 'utf8';
  readonly data: string;
}

/**
 * Every request the panel makes, by method, with its params and result: the one table both ends use.
 * The request and response messages below are derived from it.
 */
export interface PanelRequests {
  /** Export this study's results; answered with the folder written. */
  'panel/export': { params: Record<string, never>; result: { readonly folder: string } };
  /** The full prompt and reply of one LLM call (PanelModelBuilder.llmCallText). */
  'panel/llmCallText': { params: { readonly callId: string }; result: LlmCallText };
  /** A trial's learning curve with every epoch it trained, null for an unknown trial (PanelModelBuilder.trialCurve). */
  'panel/trialCurve': { params: { readonly trialId: number }; result: TrialCurve | null };
  /** Calls whose prompt or reply contains the query, case-insensitive (PanelModelBuilder.searchLlmCalls). */
  'panel/searchLlmCalls': { params: { readonly query: string; readonly skipSystem?: boolean }; result: { readonly hits: readonly LlmSearchHit[] } };
  /** `path` is workspace-relative (absolute without a workspace), for the panel to show. */
  'panel/saveFile': { params: SaveFileParams; result: { readonly path: string } };
  /** Comparison panel: write the Markdown report with its SVG charts; `path` of the report as for panel/saveFile. */
  'comparison/exportReport': { params: Record<string, never>; result: { readonly path: string } };
}

export type PanelRequestMethod = keyof PanelRequests;
export type PanelRequest<M extends PanelRequestMethod = PanelRequestMethod> = { [K in M]: IpcRequest<K, PanelRequests[K]['params']> }[M];
export type PanelResponse<M extends PanelRequestMethod = PanelRequestMethod> = { [K in M]: IpcResponse<K, PanelRequests[K]['result']> }[M];

export type HostToWebviewMessage =
  | PanelModelNotification | PanelDeltaNotification | PanelThemeNotification | ComparisonModelNotification | PanelResponse;

export type WebviewToHostMessage = WebviewReadyCommand | OpenArchCommand | OpenLlmCallCommand | CopyLlmCallCommand | ResumeStudyCommand | PanelRequest;

/** Every method the webview may send; the Record type makes the compiler insist on all of them. */
const WEBVIEW_TO_HOST_METHODS: Readonly<Record<WebviewToHostMessage['method'], true>> = {
  'webview/ready': true, 'webview/openArch': true, 'webview/openLlmCall': true, 'webview/copyLlmCall': true, 'webview/resumeStudy': true,
  'panel/export': true, 'panel/llmCallText': true, 'panel/trialCurve': true, 'panel/searchLlmCalls': true, 'panel/saveFile': true,
  'comparison/exportReport': true,
};

/** True for a message the webview may send (by method; the handler checks the params it reads). */
export function isWebviewToHostMessage(value: unknown): value is WebviewToHostMessage {
  if (typeof value !== 'object' || value === null || !('method' in value)) return false;
  return typeof value.method === 'string' && Object.hasOwn(WEBVIEW_TO_HOST_METHODS, value.method);
}

// ---------------------------------------------------------------------------------------------
// Webview state (getState/setState)

/** What a restored panel needs to find its study again (the serializer reads it). */
export interface PanelState {
  readonly studyId: string;
}

export const PANEL_TABS = ['overview', 'trials', 'curves', 'cells', 'llm', 'correlation'] as const;
export type PanelTab = (typeof PANEL_TABS)[number];

export type TrialSortColumn = TrialSortKey;

/**
 * What the webview keeps with getState/setState: PanelState plus the tab, selection and filters, so
 * hiding, showing and reloading the panel change nothing.
 */
export interface PanelViewState extends PanelState {
  readonly tab: PanelTab;
  readonly selectedTrialId: number | null;
  readonly trialFilter: string;
  readonly statusFilter: 'all' | TrialStatus;
  readonly fallbackOnly: boolean;
  readonly sort: { readonly column: TrialSortColumn; readonly descending: boolean };
  readonly logTime: boolean;
  /** The overview's error axis on a log scale. */
  readonly logError: boolean;
  readonly curvesLogEpoch: boolean;
  /** Bracket type shown in the learning curves (null = all). */
  readonly curvesBracketType: number | null;
  /** Two trials whose cells the Cells tab compares. */
  readonly compareTrialIds: readonly [number | null, number | null];
  readonly llmQuery: string;
  /** LLM-call search leaves the system prompts out. */
  readonly llmSkipSystem: boolean;
  readonly llmComponent: string;
  readonly openCallId: string | null;
  /** Index of the rung pair shown in the correlation scatter. */
  readonly correlationPair: number;
}

/** Narrowing helper for a message of unknown shape from the other side of a channel. */
export function hasMethod<M extends { method: string }>(value: unknown, method: M['method']): value is M {
  return typeof value === 'object' && value !== null && (value as { method?: unknown }).method === method;
}
