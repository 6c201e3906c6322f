/**
 * The panel host: one webview panel per study. Data goes to the webview only after it says
 * webview/ready (then a snapshot of the whole study), and afterwards as batches of new events at
 * most every `throttleMs`. Panels restore after a reload through the serializer in studyPanels.ts.
 */
import * as vscode from 'vscode';
import {
  hasMethod, type ExportRequest, type ExportResponse, type HostToWebviewMessage, type OpenArchCommand,
  type PanelThemeNotification, type StudyEvent, type WebviewReadyCommand,
} from '../protocol';
import type { StudySession } from './studySession';
import { makeNonce, panelHtml } from './webviewHtml';

export const STUDY_PANEL_VIEW_TYPE = 'llamboNas.studyPanel';

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
  private pending: StudyEvent[] = [];
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
    const subscription = session.onDidChange((_s, events) => this.queue(events));
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
    if (this.timer !== undefined) clearTimeout(this.timer);
    for (const d of this.disposables.splice(0)) d.dispose();
    for (const listener of this.disposeListeners) listener();
    this.disposeListeners.clear();
  }

  private receive(message: unknown): void {
    if (hasMethod<WebviewReadyCommand>(message, 'webview/ready')) {
      // A reloaded webview says ready again: start over with a fresh snapshot.
      this.ready = true;
      this.pending = [];
      this.post({ method: 'panel/snapshot', params: { headline: this.session.headline, events: this.session.events } });
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

  /** Collects new events; status-only changes (no events) still send a headline. */
  private queue(events: readonly StudyEvent[]): void {
    if (!this.ready) return;
    for (const event of events) this.pending.push(event);
    if (this.timer === undefined) this.timer = setTimeout(() => this.flush(), this.throttleMs);
  }

  private flush(): void {
    this.timer = undefined;
    const events = this.pending;
    this.pending = [];
    this.post({ method: 'panel/events', params: { headline: this.session.headline, events } });
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
