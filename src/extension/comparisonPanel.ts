/**
 * The comparison panel's host: a webview over one finished comparison (the study panel's bundle and
 * stylesheet, mounted as the comparison app). It sends the comparison after webview/ready, writes the
 * charts the panel saves and, on Export, the Markdown report with its SVG charts into
 * `nas-results/<comparison id>/`. The comparison is computed once, so the panel only draws it.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { COMPARISON_REPORT_FILE, comparisonReportFiles } from '../core/study/comparisonReport';
import {
  isWebviewToHostMessage, type ComparisonView, type HostToWebviewMessage, type PanelRequestMethod, type PanelRequests, type PanelResponse,
} from '../protocol';
import { loadPanelApp, panelResourceRoots } from './panelWebview';
import { savePanelFile, themeMessage } from './studyPanelCommands';

export const COMPARISON_PANEL_VIEW_TYPE = 'llamboNas.comparisonPanel';

export class ComparisonPanel {
  private readonly disposables: vscode.Disposable[] = [];
  private ready = false;

  constructor(
    readonly panel: vscode.WebviewPanel,
    readonly view: ComparisonView,
    /** `<workspace>/nas-results/<comparison id>`: the report and the saved charts. */
    readonly folder: string,
    extensionUri: vscode.Uri,
  ) {
    const webview = panel.webview;
    loadPanelApp(panel, extensionUri, view.title, 'comparison');
    this.disposables.push(
      webview.onDidReceiveMessage((message: unknown) => this.receive(message)),
      vscode.window.onDidChangeActiveColorTheme((theme) => this.post(themeMessage(theme.kind))),
      panel.onDidDispose(() => this.dispose()),
    );
  }

  get isReady(): boolean {
    return this.ready;
  }

  dispose(): void {
    for (const d of this.disposables.splice(0)) d.dispose();
  }

  /** Handles one message from the webview (public so tests can drive the host without a webview). */
  receive(raw: unknown): void {
    if (!isWebviewToHostMessage(raw)) return;
    const message = raw;
    switch (message.method) {
      case 'webview/ready':
        this.ready = true;
        this.post({ method: 'comparison/model', params: this.view });
        this.post(themeMessage(vscode.window.activeColorTheme.kind));
        return;
      case 'panel/saveFile':
        this.answer('panel/saveFile', message.id, () => ({ path: savePanelFile(this.folder, message.params) }));
        return;
      case 'comparison/exportReport':
        this.answer('comparison/exportReport', message.id, () => ({ path: this.exportReport() }));
        return;
      default:
    }
  }

  /** Writes the report and its charts (a re-export of this comparison rewrites the same files); returns the report's workspace path. */
  exportReport(): string {
    mkdirSync(this.folder, { recursive: true });
    for (const [name, text] of Object.entries(comparisonReportFiles(this.view.summary, this.view))) writeFileSync(join(this.folder, name), text);
    return vscode.workspace.asRelativePath(join(this.folder, COMPARISON_REPORT_FILE), false);
  }

  private answer<M extends keyof PanelRequests>(method: M, id: number, work: () => PanelRequests[M]['result']): void {
    const type = `${method}/response` as const;
    let response: PanelResponse<M>;
    try {
      response = { method: type, id, result: work() };
    } catch (error) {
      response = { method: type, id, error: error instanceof Error ? error.message : String(error) };
    }
    this.post(response);
  }

  /** `PanelResponse<M>` is one of HostToWebviewMessage for every M; a generic M just cannot show it. */
  private post<M extends PanelRequestMethod>(message: HostToWebviewMessage | PanelResponse<M>): void {
    void this.panel.webview.postMessage(message);
  }
}

export function openComparisonPanel(view: ComparisonView, folder: string, extensionUri: vscode.Uri): ComparisonPanel {
  const panel = vscode.window.createWebviewPanel(
    COMPARISON_PANEL_VIEW_TYPE, view.title, { viewColumn: vscode.ViewColumn.Active, preserveFocus: false },
    { enableScripts: true, retainContextWhenHidden: true, localResourceRoots: panelResourceRoots(extensionUri) },
  );
  return new ComparisonPanel(panel, view, folder, extensionUri);
}
