/**
 * Keeps one panel per study (a second "open" reveals the first) and restores panels after a window
 * reload: the webview stores its study id with setState, VS Code hands it back to the serializer,
 * and `onWebviewPanel:llamboNas.studyPanel` activates the extension for that.
 */
import * as vscode from 'vscode';
import type { PanelState } from '../protocol';
import { StudyCompanions } from './studyCompanions';
import { loadPanelApp, panelResourceRoots } from './panelWebview';
import { PendingStudyPanel } from './pendingStudyPanel';
import type { StartTimeline } from './startTimeline';
import { STUDY_PANEL_VIEW_TYPE, StudyPanel, type StudyPanelActions } from './studyPanel';
import type { StudyRegistry } from './studyRegistry';
import type { StudySession } from './studySession';
import { missingStudyHtml } from './webviewHtml';

export class StudyPanels implements vscode.WebviewPanelSerializer<PanelState>, vscode.Disposable {
  private readonly panels = new Map<string, StudyPanel>();
  /** Traces of sibling studies (same tag) for the overview charts, shared by all panels. */
  private readonly companions: StudyCompanions;

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly registry: StudyRegistry,
    private readonly actions: StudyPanelActions,
  ) {
    this.companions = new StudyCompanions(registry);
  }

  /** Reveals the study's panel, creating it when there is none. */
  show(session: StudySession, preserveFocus = false): StudyPanel {
    const open = this.panels.get(session.id);
    if (open) {
      open.panel.reveal(undefined, preserveFocus);
      return open;
    }
    return this.adopt(this.createPanel(`NAS: ${session.id}`, session.id, preserveFocus), session);
  }

  /**
   * Opens a panel for a study about to start, before its id is known, so the webview loads while the
   * study is prepared; adoptPending gives it to the study, or its dispose() closes it.
   */
  openPending(timeline?: StartTimeline): PendingStudyPanel {
    const pending = new PendingStudyPanel(this.createPanel('NAS: starting study…', 'study', true), timeline);
    timeline?.mark('panelCreated');
    return pending;
  }

  /** The study takes the pending panel (undefined when the user closed it before the study started). */
  adoptPending(pending: PendingStudyPanel, session: StudySession): StudyPanel | undefined {
    const taken = pending.handOver();
    if (!taken) return undefined;
    const open = this.panels.get(session.id);
    if (open) {
      taken.panel.dispose();
      return open;
    }
    return this.adopt(taken.panel, session, taken.webviewReady);
  }

  get(studyId: string): StudyPanel | undefined {
    return this.panels.get(studyId);
  }

  async deserializeWebviewPanel(panel: vscode.WebviewPanel, state: PanelState | undefined): Promise<void> {
    const studyId = typeof state?.studyId === 'string' ? state.studyId : '';
    let session: StudySession | undefined;
    try {
      session = studyId === '' ? undefined : this.registry.get(studyId);
    } catch {
      session = undefined;
    }
    if (!session || this.panels.has(session.id)) {
      panel.webview.options = { enableScripts: false, localResourceRoots: panelResourceRoots(this.extensionUri) };
      panel.webview.html = missingStudyHtml(panel.webview.cspSource, studyId || '(unknown)');
      return;
    }
    loadPanelApp(panel, this.extensionUri, session.id);
    this.adopt(panel, session);
  }

  dispose(): void {
    for (const panel of [...this.panels.values()]) panel.panel.dispose();
    this.panels.clear();
  }

  /** A new study panel with the panel bundle loaded. */
  private createPanel(title: string, pageTitle: string, preserveFocus: boolean): vscode.WebviewPanel {
    const panel = vscode.window.createWebviewPanel(
      STUDY_PANEL_VIEW_TYPE, title, { viewColumn: vscode.ViewColumn.Active, preserveFocus },
      { enableScripts: true, retainContextWhenHidden: false, localResourceRoots: panelResourceRoots(this.extensionUri) },
    );
    loadPanelApp(panel, this.extensionUri, pageTitle);
    return panel;
  }

  /** `webviewReady`: the (pending) panel's webview said ready already and will not say it again. */
  private adopt(panel: vscode.WebviewPanel, session: StudySession, webviewReady = false): StudyPanel {
    const studyPanel = new StudyPanel(panel, session, this.actions, this.companions, { webviewReady });
    this.panels.set(session.id, studyPanel);
    studyPanel.onDidDispose(() => {
      if (this.panels.get(session.id) === studyPanel) this.panels.delete(session.id);
    });
    return studyPanel;
  }
}
