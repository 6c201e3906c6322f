/**
 * The status bar item of the study that runs (or ran last): simulated time, trials, the headline (the
 * returned cell's seed-mean error and regret, DESIGN.md section 10) and LLM dollars; clicking it opens the study's panel. Hidden until a study has started in this window.
 */
import * as vscode from 'vscode';
import type { StudyHeadline } from '../protocol';
import { COMMAND_IDS } from './commandIds';
import { statusBarText, statusBarTooltip } from './studyHeadlineText';

export class StudyStatusBar implements vscode.Disposable {
  private readonly item: vscode.StatusBarItem;
  private shownId: string | undefined;

  constructor() {
    this.item = vscode.window.createStatusBarItem('llamboNas.study', vscode.StatusBarAlignment.Left, 10);
    this.item.name = 'LLAMBO NAS study';
  }

  /** Shows this study's headline; a study other than the shown one takes over only while it runs. */
  update(h: StudyHeadline): void {
    if (this.shownId !== undefined && this.shownId !== h.studyId && h.status !== 'running') return;
    this.shownId = h.studyId;
    this.item.text = statusBarText(h);
    this.item.tooltip = statusBarTooltip(h);
    this.item.command = { title: 'Open study', command: COMMAND_IDS.openStudy, arguments: [h.studyId] };
    this.item.show();
  }

  get text(): string {
    return this.item.text;
  }

  dispose(): void {
    this.item.dispose();
  }
}
