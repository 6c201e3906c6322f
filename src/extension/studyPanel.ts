/**
 * The panel host: one webview panel per study. Data goes to the webview only after it says
 * webview/ready (then a snapshot of the whole study), and afterwards as batches of new events at
 * most every `throttleMs`. Every message holds at most MAX_EVENTS_PER_MESSAGE events, and the next
 * one waits until the webview has taken the last (postMessage settled): a long study's snapshot
 * arrives in slices, and a fast study cannot pile up messages faster than the webview reads them.
 * Panels restore after a reload through the serializer in studyPanels.ts.
 */
import * as vscode from 'vscode';
import {
  hasMethod, type ExportRequest, type ExportResponse, type HostToWebviewMessage, type OpenArchCommand,
  type PanelThemeNotification, type StudyEvent, type WebviewReadyCommand,
} from '../protocol';
import type { StudySession } from './studySession';
import { makeNonce, panelHtml } from './webviewHtml';

export const STUDY_PANEL_VIEW_TYPE = 'llamboNas.studyPanel';
/** About 1-2 MB of JSON: large enough for throughput, small enough to keep the channel responsive. */
export const MAX_EVENTS_PER_MESSAGE = 5000;

export interface StudyPanelActions {
  /** Exports the study; resolves with the folder written (or undefined when the user cancelled). */
  exportStudy(session: StudySession): Promise<string | undefined>;
  openArch(arch: string): void;
}

/** localResourceRoots of every study panel: the bundles and the media folder, nothing else. */
export function panelResourceRoots(extensionUri: vscode.Uri): vscode.Uri[] {
  return [vscode.Uri.joinPath(extensionUri, 'dist'), vscode.Uri.joinPath(extensionUri, 'media')];
}

export class StudyPanel {
  private readonly disposables: vscode.Disposable[] = [];
  private ready = false;
  /** Events not yet posted: pending[pendingStart..]. */
  private pending: StudyEvent[] = [];
  private pendingStart = 0;
  /** The headline changed since the last post (a status change brings no events). */
  private headlineDirty = false;
  /** A post the webview has not taken yet; the next one waits for it. */
  private posting = false;
  private disposed = false;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private readonly disposeListeners = new Set<() => void>();

  constructor(
    readonly panel: vscode.WebviewPanel,
    readonly session: StudySession,
    extensionUri: vscode.Uri,
    private readonly actions: StudyPanelActions,
    private readonly throttleMs = 100,
  ) {
    const webview = panel.webview;
    webview.options = { enableScripts: true, localResourceRoots: panelResourceRoots(extensionUri) };
    panel.title = `NAS: ${session.id}`;
    panel.iconPath = vscode.Uri.joinPath(extensionUri, 'media', 'nas.svg');
    webview.html = panelHtml({
      cspSource: webview.cspSource,
      nonce: makeNonce(),
      scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'dist', 'webview.js')).toString(),
      styleUri: webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'media', 'panel.css')).toString(),
      title: session.id,
    });
    this.disposables.push(
      webview.onDidReceiveMessage((message: unknown) => this.receive(message)),
      vscode.window.onDidChangeActiveColorTheme((theme) => this.post(themeMessage(theme.kind))),
      panel.onDidDispose(() => this.dispose()),
    );
    const subscription = session.onDidChange((_s, events, restarted) => {
      if (restarted) this.sendSnapshot();
      else this.queue(events);
    });
    this.disposables.push({ dispose: () => subscription.dispose() });
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
    for (const d of this.disposables.splice(0)) d.dispose();
    for (const listener of this.disposeListeners) listener();
    this.disposeListeners.clear();
  }

  private receive(message: unknown): void {
    if (hasMethod<WebviewReadyCommand>(message, 'webview/ready')) {
      // A reloaded webview says ready again: start over with a fresh snapshot.
      this.ready = true;
      this.sendSnapshot();
      this.post(themeMessage(vscode.window.activeColorTheme.kind));
    } else if (hasMethod<ExportRequest>(message, 'panel/export')) {
      void this.answerExport(message.id);
    } else if (hasMethod<OpenArchCommand>(message, 'webview/openArch')) {
      this.actions.openArch(message.params.arch);
    }
  }

  private async answerExport(id: number): Promise<void> {
    let response: ExportResponse;
    try {
      const folder = await this.actions.exportStudy(this.session);
      response = folder === undefined ? { method: 'panel/export/response', id, error: 'cancelled' } : { method: 'panel/export/response', id, result: { folder } };
    } catch (error) {
      response = { method: 'panel/export/response', id, error: error instanceof Error ? error.message : String(error) };
    }
    this.post(response);
  }

  /**
   * The whole study so far (after ready, and when a resumed study starts over): the first slice at
   * once, the rest as panel/events that follow it in order.
   */
  private sendSnapshot(): void {
    if (!this.ready) return;
    const all = this.session.events;
    this.pending = all.slice(MAX_EVENTS_PER_MESSAGE);
    this.pendingStart = 0;
    this.headlineDirty = false;
    this.post({ method: 'panel/snapshot', params: { headline: this.session.headline, events: all.slice(0, MAX_EVENTS_PER_MESSAGE) } });
    if (this.pending.length > 0) this.schedule();
  }

  /** Collects new events; status-only changes (no events) still send a headline. */
  private queue(events: readonly StudyEvent[]): void {
    if (!this.ready) return;
    for (const event of events) this.pending.push(event);
    this.headlineDirty = true;
    this.schedule();
  }

  private schedule(): void {
    if (this.timer === undefined && !this.posting && !this.disposed) this.timer = setTimeout(() => this.flush(), this.throttleMs);
  }

  private flush(): void {
    this.timer = undefined;
    if (this.posting || (this.pendingStart >= this.pending.length && !this.headlineDirty)) return;
    const end = Math.min(this.pending.length, this.pendingStart + MAX_EVENTS_PER_MESSAGE);
    const events = this.pending.slice(this.pendingStart, end);
    this.pendingStart = end;
    if (end >= this.pending.length) { this.pending = []; this.pendingStart = 0; }
    this.headlineDirty = false;
    this.posting = true;
    const settled = () => {
      this.posting = false;
      if (this.pendingStart < this.pending.length || this.headlineDirty) this.schedule();
    };
    this.panel.webview.postMessage({ method: 'panel/events', params: { headline: this.session.headline, events } } satisfies HostToWebviewMessage)
      .then(settled, settled);
  }

  private post(message: HostToWebviewMessage): void {
    void this.panel.webview.postMessage(message);
  }
}

function themeMessage(kind: vscode.ColorThemeKind): PanelThemeNotification {
  const names: Record<vscode.ColorThemeKind, PanelThemeNotification['params']['kind']> = {
    [vscode.ColorThemeKind.Light]: 'light',
    [vscode.ColorThemeKind.Dark]: 'dark',
    [vscode.ColorThemeKind.HighContrast]: 'highContrast',
    [vscode.ColorThemeKind.HighContrastLight]: 'highContrastLight',
  };
  return { method: 'panel/theme', params: { kind: names[kind] } };
}
