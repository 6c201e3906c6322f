/**
 * The "NAS Studies" view: the workspace's studies, newest first. The label is short (searcher, seed
 * and the returned cell's seed-mean error, DESIGN.md section 10) so a normal sidebar shows it whole;
 * regret, status, trials and time follow in the description, the study id and every figure in the tooltip.
 * Items carry contextValue `study.<status>` so package.json menus can offer Stop on running ones and
 * Open/Export on the others. An interrupted study unfolds into a "Resume" item, so the action is
 * there without a menu contribution.
 */
import * as vscode from 'vscode';
import type { StudyStatus } from '../protocol';
import { describeHeadline, studyTooltip, studyTreeLabel } from './studyHeadlineText';
import type { StudyRegistry } from './studyRegistry';
import { COMMAND_IDS } from './commandIds';

export const STUDIES_VIEW_ID = 'llamboNas.studies';

const STATUS_ICON: Record<StudyStatus, string> = {
  running: 'sync~spin', finished: 'pass', cancelled: 'circle-slash', failed: 'error', interrupted: 'debug-pause',
};

const ELSEWHERE_POLL_MS = 2000;

/** Elements of the Resume items under interrupted studies (study ids never contain ':'). */
const RESUME_PREFIX = 'resume:';

/** A tree element is a study id, or RESUME_PREFIX + a study id. */
export class StudiesTreeProvider implements vscode.TreeDataProvider<string>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<string | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private refreshTimer: ReturnType<typeof setTimeout> | undefined;
  /** Polls studies another window runs (their end writes no event this window hears). */
  private elsewhereTimer: ReturnType<typeof setInterval> | undefined;
  private readonly subscription: { dispose(): void };

  constructor(private readonly registry: StudyRegistry) {
    // Running studies change often; one tree refresh per 500 ms is plenty.
    this.subscription = registry.onDidChange(() => this.scheduleRefresh());
  }

  getChildren(element?: string): string[] {
    if (element === undefined) {
      const ids = this.registry.list().map((s) => s.id);
      this.watchStudiesElsewhere();
      return ids;
    }
    if (element.startsWith(RESUME_PREFIX)) return [];
    return this.statusOf(element) === 'interrupted' ? [RESUME_PREFIX + element] : [];
  }

  getTreeItem(element: string): vscode.TreeItem {
    if (element.startsWith(RESUME_PREFIX)) return resumeItem(element.slice(RESUME_PREFIX.length));
    const id = element;
    const session = this.registry.get(id);
    const interrupted = session?.headline.status === 'interrupted';
    const item = new vscode.TreeItem(id, interrupted ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.None);
    item.id = id;
    if (!session) return item;
    const h = session.headline;
    item.label = studyTreeLabel(h);
    item.description = describeHeadline(h);
    // Screen readers (and the UI smoke test) find a study by its id, which the short label leaves out.
    item.accessibilityInformation = { label: `${id}: ${item.label}, ${item.description}` };
    item.tooltip = studyTooltip(h);
    item.iconPath = new vscode.ThemeIcon(STATUS_ICON[h.status]);
    item.contextValue = `study.${h.status}`;
    item.command = { title: 'Open study', command: COMMAND_IDS.openStudy, arguments: [id] };
    return item;
  }

  refresh(): void {
    this.changed.fire(undefined);
  }

  dispose(): void {
    if (this.refreshTimer !== undefined) clearTimeout(this.refreshTimer);
    if (this.elsewhereTimer !== undefined) clearInterval(this.elsewhereTimer);
    this.subscription.dispose();
    this.changed.dispose();
  }

  private watchStudiesElsewhere(): void {
    const needed = this.registry.hasStudiesElsewhere();
    if (needed && this.elsewhereTimer === undefined) {
      this.elsewhereTimer = setInterval(() => this.registry.recheckElsewhere(), ELSEWHERE_POLL_MS);
    } else if (!needed && this.elsewhereTimer !== undefined) {
      clearInterval(this.elsewhereTimer);
      this.elsewhereTimer = undefined;
    }
  }

  private statusOf(id: string): StudyStatus | undefined {
    try {
      return this.registry.get(id)?.headline.status;
    } catch {
      return undefined;
    }
  }

  private scheduleRefresh(): void {
    if (this.refreshTimer !== undefined) return;
    this.refreshTimer = setTimeout(() => { this.refreshTimer = undefined; this.refresh(); }, 500);
  }
}

function resumeItem(studyId: string): vscode.TreeItem {
  const item = new vscode.TreeItem('Resume', vscode.TreeItemCollapsibleState.None);
  item.id = RESUME_PREFIX + studyId;
  item.description = 'run again from the start; cached LLM replies replay at no cost';
  item.iconPath = new vscode.ThemeIcon('debug-continue');
  item.contextValue = 'study.resume';
  item.command = { title: 'Resume study', command: COMMAND_IDS.resumeStudy, arguments: [{ studyId }] };
  return item;
}
