/**
 * Keeps one panel per study (a second "open" reveals the first) and restores panels after a window
 * reload: the webview stores its study id with setState, VS Code hands it back to the serializer,
 * and `onWebviewPanel:llamboNas.studyPanel` activates the extension for that.
 */
import * as vscode from 'vscode';
import type { PanelState } from '../protocol';
import { StudyCompanions } from './studyCompanions';
import { panelResourceRoots } from './panelWebview';
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
    const panel = vscode.window.createWebviewPanel(
      STUDY_PANEL_VIEW_TYPE, `NAS: ${session.id}`, { viewColumn: vscode.ViewColumn.Active, preserveFocus },
      { enableScripts: true, retainContextWhenHidden: false, localResourceRoots: panelResourceRoots(this.extensionUri) },
    );
    return this.adopt(panel, session);
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
    this.adopt(panel, session);
  }

  dispose(): void {
    for (const panel of [...this.panels.values()]) panel.panel.dispose();
    this.panels.clear();
  }

  private adopt(panel: vscode.WebviewPanel, session: StudySession): StudyPanel {
    const studyPanel = new StudyPanel(panel, session, this.extensionUri, this.actions, this.companions);
    this.panels.set(session.id, studyPanel);
    studyPanel.onDidDispose(() => {
      if (this.panels.get(session.id) === studyPanel) this.panels.delete(session.id);
    });
    return studyPanel;
  }
}
