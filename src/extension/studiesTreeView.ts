/**
 * The "NAS Studies" view: the workspace's studies, newest first, with their status and incumbent.
 * Items carry contextValue `study.<status>` so package.json menus can offer Stop on running ones and
 * Open/Export on the others.
 */
import * as vscode from 'vscode';
import type { StudyHeadline, StudyStatus } from '../protocol';
import { formatError, formatHours } from './studyHeadline';
import type { StudyRegistry } from './studyRegistry';
import { OPEN_STUDY_COMMAND } from './studyStatusBar';

export const STUDIES_VIEW_ID = 'llamboNas.studies';

const STATUS_ICON: Record<StudyStatus, string> = {
  running: 'sync~spin', finished: 'pass', cancelled: 'circle-slash', failed: 'error', interrupted: 'debug-pause',
};

/** A tree element is a study id. */
export class StudiesTreeProvider implements vscode.TreeDataProvider<string>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<string | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private refreshTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly subscription: { dispose(): void };

  constructor(private readonly registry: StudyRegistry) {
    // Running studies change often; one tree refresh per 500 ms is plenty.
    this.subscription = registry.onDidChange(() => this.scheduleRefresh());
  }

  getChildren(element?: string): string[] {
    if (element !== undefined) return [];
    return this.registry.list().map((s) => s.id);
  }

  getTreeItem(id: string): vscode.TreeItem {
    const session = this.registry.get(id);
    const item = new vscode.TreeItem(id, vscode.TreeItemCollapsibleState.None);
    item.id = id;
    if (!session) return item;
    const h = session.headline;
    item.description = describeHeadline(h);
    item.tooltip = `${h.studyId}\n${h.status}${h.message ? `: ${h.message}` : ''}\n${h.searcher} · ${h.scheduler}\nTable: ${h.table}`;
    item.iconPath = new vscode.ThemeIcon(STATUS_ICON[h.status]);
    item.contextValue = `study.${h.status}`;
    item.command = { title: 'Open study', command: OPEN_STUDY_COMMAND, arguments: [id] };
    return item;
  }

  refresh(): void {
    this.changed.fire(undefined);
  }

  dispose(): void {
    if (this.refreshTimer !== undefined) clearTimeout(this.refreshTimer);
    this.subscription.dispose();
    this.changed.dispose();
  }

  private scheduleRefresh(): void {
    if (this.refreshTimer !== undefined) return;
    this.refreshTimer = setTimeout(() => { this.refreshTimer = undefined; this.refresh(); }, 500);
  }
}

function describeHeadline(h: StudyHeadline): string {
  return `${h.status} · ${h.trialsStarted} trials · best ${formatError(h.incumbent?.error)} · ${formatHours(h.simulatedSeconds)}`;
}
