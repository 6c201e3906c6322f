/**
 * The panel host: one webview panel per study. The webview only draws; this host folds the study's
 * events into view models (PanelModelBuilder) and sends them: after webview/ready (at once for a panel
 * whose webview said ready before its study started, and again when a resumed study starts over) the
 * whole model, afterwards what changed as panel/delta at most every `throttleMs`, except the one
 * that brings the first results, which goes at once. A delta waits until the webview has taken the last message (postMessage settled),
 * while the builder merges the changes, so a fast study cannot pile up messages faster than the
 * webview reads them. Long LLM texts stay here and go to the webview on request. Panels restore
 * after a reload through the serializer in studyPanels.ts.
 */
import * as vscode from 'vscode';
import { PanelModelBuilder } from '../core/panel/panelModelBuilder';
import {
  isWebviewToHostMessage, type HostToWebviewMessage, type PanelDeltaNotification, type PanelModelNotification, type PanelRequestMethod,
  type PanelRequests, type PanelResponse, type StudyEvent,
} from '../protocol';
import type { StudyCompanions } from './studyCompanions';
import { copyLlmCall, openArch, openLlmCall, savePanelFile, themeMessage } from './studyPanelCommands';
import type { StudySession } from './studySession';

export const STUDY_PANEL_VIEW_TYPE = 'llamboNas.studyPanel';
/** While sibling studies run, their traces in the overview are refreshed at most this often. */
const COMPANION_REFRESH_MS = 1000;

export interface StudyPanelActions {
  /** Exports the study; resolves with the folder written (or undefined when the user cancelled). */
  exportStudy(session: StudySession): Promise<string | undefined>;
  /** Runs "Resume study" for the (interrupted) study; its failure is the caller's to show. */
  resumeStudy(session: StudySession): Promise<unknown>;
  /** Folder for the files the panel saves (charts, the trials table): `<workspace>/nas-results/<studyId>`. */
  resultsFolder(studyId: string): string;
}

export interface StudyPanelOptions {
  /** The webview has said webview/ready already (a panel opened before its study): the model goes at once. */
  readonly webviewReady?: boolean;
  /** Deltas go at most this often (the first results go at once). */
  readonly throttleMs?: number;
}

export class StudyPanel {
  private readonly disposables: vscode.Disposable[] = [];
  private ready = false;
  /** Exists from webview/ready on; a new one on every ready and restart. */
  private builder: PanelModelBuilder | undefined;
  /** Events went to the builder since the last delta. */
  private eventsPending = false;
  /** The headline changed since the last post (a status change brings no events). */
  private headlineDirty = false;
  /** Messages with model data the webview has not taken yet; a delta waits for zero. */
  private inFlight = 0;
  private disposed = false;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private companionTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly disposeListeners = new Set<() => void>();

  private readonly throttleMs: number;
  /** A message counting a result has gone to the webview: from then on deltas are throttled. */
  private resultsSent = false;

  /** `panel` has the panel bundle loaded already (StudyPanels does it). */
  constructor(
    readonly panel: vscode.WebviewPanel,
    readonly session: StudySession,
    private readonly actions: StudyPanelActions,
    private readonly companions?: StudyCompanions,
    options: StudyPanelOptions = {},
  ) {
    const webview = panel.webview;
    this.throttleMs = options.throttleMs ?? 100;
    panel.title = `NAS: ${session.id}`;
    this.disposables.push(
      webview.onDidReceiveMessage((message: unknown) => this.receive(message)),
      vscode.window.onDidChangeActiveColorTheme((theme) => this.post(themeMessage(theme.kind))),
      panel.onDidDispose(() => this.dispose()),
    );
    const subscription = session.onDidChange((_s, events, restarted) => {
      if (restarted) this.sendModel();
      else this.queue(events);
    });
    this.disposables.push({ dispose: () => subscription.dispose() });
    if (companions) this.disposables.push(companions.watch(session, () => this.companionsChanged()));
    if (options.webviewReady) this.webviewReady();
  }

  get isReady(): boolean {
    return this.ready;
  }

  reveal(): void {
    this.panel.reveal(undefined, false);
  }

  onDidDispose(listener: () => void): void {
    this.disposeListeners.add(listener);
  }

  dispose(): void {
    this.disposed = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
    if (this.companionTimer !== undefined) clearTimeout(this.companionTimer);
    for (const d of this.disposables.splice(0)) d.dispose();
    for (const listener of this.disposeListeners) listener();
    this.disposeListeners.clear();
  }

  /** Handles one message from the webview (public so tests can drive the host without a webview). */
  receive(raw: unknown): void {
    if (!isWebviewToHostMessage(raw)) return;
    const message = raw;
    switch (message.method) {
      case 'webview/ready':
        // A reloaded (or hidden and shown) webview says ready again: start over with a fresh model.
        this.session.startTimeline?.mark('webviewReady');
        this.webviewReady();
        return;
      case 'panel/export':
        void this.answer('panel/export', message.id, async () => {
          const folder = await this.actions.exportStudy(this.session);
          return folder === undefined ? undefined : { folder };
        });
        return;
      case 'panel/llmCallText':
        void this.answer('panel/llmCallText', message.id, () => {
          const text = this.builder?.llmCallText(String(message.params?.callId));
          if (!text) throw new Error(`LLM call ${String(message.params?.callId)} is not in this study's log`);
          return text;
        });
        return;
      case 'panel/trialCurve':
        void this.answer('panel/trialCurve', message.id, () => this.builder?.trialCurve(Number(message.params?.trialId)) ?? null);
        return;
      case 'panel/searchLlmCalls':
        void this.answer('panel/searchLlmCalls', message.id, () => ({ hits: this.builder?.searchLlmCalls(String(message.params?.query ?? ''), undefined, { skipSystem: message.params?.skipSystem === true }) ?? [] }));
        return;
      case 'panel/saveFile':
        void this.answer('panel/saveFile', message.id, () => ({ path: savePanelFile(this.actions.resultsFolder(this.session.id), message.params) }));
        return;
      case 'webview/copyLlmCall':
        reportFailure(copyLlmCall(this.builder, message.params));
        return;
      case 'webview/openLlmCall':
        reportFailure(openLlmCall(this.session.id, this.builder, message.params));
        return;
      case 'webview/openArch':
        reportFailure(openArch(message.params));
        return;
      case 'webview/resumeStudy':
        reportFailure(this.actions.resumeStudy(this.session));
        return;
      default:
    }
  }

  private webviewReady(): void {
    this.ready = true;
    this.sendModel();
    this.post(themeMessage(vscode.window.activeColorTheme.kind));
  }

  /** Runs a request's work and posts its response: the result, 'cancelled' for undefined, or the error. */
  private async answer<M extends keyof PanelRequests>(
    method: M, id: number, work: () => PanelRequests[M]['result'] | undefined | Promise<PanelRequests[M]['result'] | undefined>,
  ): Promise<void> {
    const type = `${method}/response` as const;
    let response: PanelResponse<M>;
    try {
      const result = await work();
      response = result === undefined ? { method: type, id, error: 'cancelled' } : { method: type, id, result };
    } catch (error) {
      response = { method: type, id, error: error instanceof Error ? error.message : String(error) };
    }
    this.post(response);
  }

  /** The whole study so far, folded afresh (after ready, and when a resumed study starts over). */
  private sendModel(): void {
    if (!this.ready || this.disposed) return;
    this.builder = new PanelModelBuilder({ companions: this.companions?.runsFor(this.session) });
    this.builder.add(this.session.events);
    this.eventsPending = false;
    this.headlineDirty = false;
    this.send({ method: 'panel/model', params: { headline: this.session.headline, model: this.builder.snapshot() } });
    this.session.startTimeline?.mark('modelPosted');
  }

  /** New events go to the builder at once; status-only changes (no events) still send a headline. */
  private queue(events: readonly StudyEvent[]): void {
    if (!this.builder) return;
    this.builder.add(events);
    if (events.length > 0) this.eventsPending = true;
    this.headlineDirty = true;
    // The study's group is known from its first event: siblings may have finished long ago.
    if (events.length > 0 && events[0].type === 'studyStarted') this.companionsChanged();
    this.schedule();
  }

  /** A sibling study moved on: its trace is refolded at most every COMPANION_REFRESH_MS. */
  private companionsChanged(): void {
    if (this.companionTimer !== undefined || this.disposed || !this.companions) return;
    this.companionTimer = setTimeout(() => {
      this.companionTimer = undefined;
      if (!this.builder || !this.companions) return;
      this.builder.setCompanions(this.companions.runsFor(this.session));
      this.eventsPending = true;
      this.schedule();
    }, COMPANION_REFRESH_MS);
  }

  /** The next delta in throttleMs; the one that brings the first results at once (the panel's first figure waits for it). */
  private schedule(): void {
    if (this.inFlight > 0 || this.disposed) return;
    if (!this.resultsSent && this.session.headline.resultsReported > 0) {
      if (this.timer !== undefined) clearTimeout(this.timer);
      this.flush();
    } else if (this.timer === undefined) {
      this.timer = setTimeout(() => this.flush(), this.throttleMs);
    }
  }

  private flush(): void {
    this.timer = undefined;
    if (!this.builder || this.inFlight > 0 || (!this.eventsPending && !this.headlineDirty)) return;
    const delta = this.builder.takeDelta(this.headlineDirty);
    this.eventsPending = false;
    this.headlineDirty = false;
    if (delta) this.send({ method: 'panel/delta', params: { headline: this.session.headline, delta } });
  }

  /** Posts model data and counts it in flight until the webview has taken it. */
  private send(message: PanelModelNotification | PanelDeltaNotification): void {
    this.inFlight++;
    const withResults = message.params.headline.resultsReported > 0;
    this.resultsSent ||= withResults;
    const timeline = withResults ? this.session.startTimeline : undefined;
    timeline?.mark('resultsPosted');
    const settled = () => {
      timeline?.mark('resultsDelivered');
      this.inFlight--;
      if (this.inFlight === 0 && (this.eventsPending || this.headlineDirty)) this.schedule();
    };
    this.panel.webview.postMessage(message).then(settled, settled);
  }

  /** `PanelResponse<M>` is one of HostToWebviewMessage for every M; a generic M just cannot show it. */
  private post<M extends PanelRequestMethod>(message: HostToWebviewMessage | PanelResponse<M>): void {
    void this.panel.webview.postMessage(message);
  }
}

/** A command from the panel has no one to answer: its failure goes to the user. */
function reportFailure(work: Promise<unknown>): void {
  work.catch((error: unknown) => void vscode.window.showErrorMessage(error instanceof Error ? error.message : String(error)));
}
