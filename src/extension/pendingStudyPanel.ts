/**
 * A study panel opened before its study exists: "Start NAS study" opens it as soon as the plan is
 * known, so the webview loads (in code-server most of the time from the pick to the first result)
 * while the endpoint is checked and the worker starts. It remembers whether the webview has said
 * webview/ready, and hands the webview over to the StudyPanel of the study once that has started
 * (StudyPanels.adoptPending); a plan that starts nothing closes it.
 */
import type * as vscode from 'vscode';
import { isWebviewToHostMessage } from '../protocol';
import type { StartTimeline } from './startTimeline';

export class PendingStudyPanel {
  private ready = false;
  private closed = false;
  private handedOver = false;
  private readonly subscriptions: vscode.Disposable[];

  /** `panel` has its HTML already (loadPanelApp). */
  constructor(readonly panel: vscode.WebviewPanel, timeline?: StartTimeline) {
    this.subscriptions = [
      panel.webview.onDidReceiveMessage((message: unknown) => {
        if (!isWebviewToHostMessage(message) || message.method !== 'webview/ready') return;
        timeline?.mark('webviewReady');
        this.ready = true;
      }),
      panel.onDidDispose(() => {
        this.closed = true;
        this.stopListening();
      }),
    ];
  }

  /**
   * Gives up the panel to the study's StudyPanel (at most once): undefined when the user closed it
   * meanwhile; `webviewReady` says whether the webview already said ready (it will not say it again).
   */
  handOver(): { readonly panel: vscode.WebviewPanel; readonly webviewReady: boolean } | undefined {
    if (this.closed || this.handedOver) return undefined;
    this.handedOver = true;
    this.stopListening();
    return { panel: this.panel, webviewReady: this.ready };
  }

  /** Closes the panel unless a study took it (the plan started nothing). */
  dispose(): void {
    if (this.handedOver || this.closed) return;
    this.panel.dispose();
  }

  private stopListening(): void {
    for (const subscription of this.subscriptions.splice(0)) subscription.dispose();
  }
}
