/**
 * PROPOSAL for src/protocol.ts (to be merged there by the lead): the messages the study panel needs
 * beyond the existing ones, named and typed in the same style (`<scope>/<method>`; commands are fire
 * and forget, requests get an IpcResponse with the same id, notifications push state).
 *
 * What changes for the host: instead of raw events (panel/snapshot, panel/events), it sends view models
 * it folded itself with PanelModelBuilder (src/core/panel): `panel/model` once after webview/ready,
 * then `panel/delta` at most every ~100 ms. Long LLM texts stay in the host and come on request.
 */
import type {
  IpcMessage, IpcRequest, IpcResponse, OpenArchCommand, OpenLlmCallCommand, PanelState, PanelThemeNotification,
  StudyHeadline, WebviewReadyCommand, ExportRequest, ExportResponse,
} from '../src/protocol';
import type { LlmCallText, LlmSearchHit, PanelDelta, PanelModel } from '../src/core/panel/panelModel';
import type { TrialSortKey } from '../src/core/panel/trialQuery';

// ---------------------------------------------------------------------------------------------
// Extension host -> webview (notifications)

/** Sent once after webview/ready (and when a resumed study starts over): the whole view model. */
export type PanelModelNotification = IpcMessage<'panel/model', { readonly headline: StudyHeadline; readonly model: PanelModel }>;
/** What changed since the last model or delta, batched and throttled by the host. */
export type PanelDeltaNotification = IpcMessage<'panel/delta', { readonly headline: StudyHeadline; readonly delta: PanelDelta }>;

// ---------------------------------------------------------------------------------------------
// Webview -> extension host (requests, answered by the responses below)

/** The full prompt and reply of one LLM call (PanelModelBuilder.llmCallText). */
export type LlmCallTextRequest = IpcRequest<'panel/llmCallText', { readonly callId: string }>;
export type LlmCallTextResponse = IpcResponse<'panel/llmCallText', LlmCallText>;

/** Calls whose prompt or reply contains the query, case-insensitive (PanelModelBuilder.searchLlmCalls). */
export type LlmSearchRequest = IpcRequest<'panel/searchLlmCalls', { readonly query: string }>;
export type LlmSearchResponse = IpcResponse<'panel/searchLlmCalls', { readonly hits: readonly LlmSearchHit[] }>;

/** A file the panel made (chart PNG/SVG, table CSV) for the host to write into the workspace. */
export interface SaveFileParams {
  /** File name only (no folders): the host picks the folder, e.g. `nas-results/<studyId>/`. */
  readonly fileName: string;
  readonly kind: 'png' | 'svg' | 'csv';
  /** base64 for png, text for svg and csv. */
  readonly encoding: 'base64' | 'utf8';
  readonly data: string;
}
export type SaveFileRequest = IpcRequest<'panel/saveFile', SaveFileParams>;
/** `path` is workspace-relative, for the panel to show; `error` 'cancelled' when the user cancelled. */
export type SaveFileResponse = IpcResponse<'panel/saveFile', { readonly path: string }>;

// ---------------------------------------------------------------------------------------------
// Webview -> extension host (commands)

/** Copy the prompt, the reply, or both of one LLM call to the clipboard (vscode.env.clipboard). */
export type CopyLlmCallCommand = IpcMessage<'webview/copyLlmCall', { readonly callId: string; readonly part: 'prompt' | 'reply' | 'all' }>;

// ---------------------------------------------------------------------------------------------
// Unions as the panel sees them

export type PanelHostMessage =
  | PanelModelNotification | PanelDeltaNotification | PanelThemeNotification
  | LlmCallTextResponse | LlmSearchResponse | SaveFileResponse | ExportResponse;

export type PanelWebviewMessage =
  | WebviewReadyCommand | OpenArchCommand | OpenLlmCallCommand | CopyLlmCallCommand
  | LlmCallTextRequest | LlmSearchRequest | SaveFileRequest | ExportRequest;

/** Requests the panel makes, by method, with their params and results. */
export interface PanelRequests {
  'panel/llmCallText': { params: LlmCallTextRequest['params']; result: LlmCallText };
  'panel/searchLlmCalls': { params: LlmSearchRequest['params']; result: { readonly hits: readonly LlmSearchHit[] } };
  'panel/saveFile': { params: SaveFileParams; result: { readonly path: string } };
  'panel/export': { params: Record<string, never>; result: { readonly folder: string } };
}

export const PANEL_TABS = ['overview', 'trials', 'curves', 'cells', 'llm', 'correlation'] as const;
export type PanelTab = (typeof PANEL_TABS)[number];

export type TrialSortColumn = TrialSortKey;

/**
 * What the webview keeps with getState/setState: PanelState (the study id the serializer needs) plus
 * the tab, selection and filters, so hiding, showing and reloading the panel change nothing.
 */
export interface PanelViewState extends PanelState {
  readonly tab: PanelTab;
  readonly selectedTrialId: number | null;
  readonly trialFilter: string;
  readonly statusFilter: 'all' | 'running' | 'paused' | 'completed' | 'stopped' | 'failed';
  readonly fallbackOnly: boolean;
  readonly sort: { readonly column: TrialSortColumn; readonly descending: boolean };
  readonly logTime: boolean;
  readonly curvesLogEpoch: boolean;
  /** Bracket type shown in the learning curves (null = all). */
  readonly curvesBracketType: number | null;
  /** Two trials whose cells the Cells tab compares. */
  readonly compareTrialIds: readonly [number | null, number | null];
  readonly llmQuery: string;
  readonly llmComponent: string;
  readonly openCallId: string | null;
  /** Index of the rung pair shown in the correlation scatter. */
  readonly correlationPair: number;
}
