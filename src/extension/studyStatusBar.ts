/**
 * The status bar item of the study that runs (or ran last): "study k of N" when it belongs to a
 * multi-study plan, simulated time, trials, the headline (the returned cell's seed-mean error and
 * regret, DESIGN.md section 10) and LLM dollars; clicking it opens the study's panel. Hidden until a
 * study has started in this window.
 */
import * as vscode from 'vscode';
import type { StudyHeadline } from '../protocol';
import { COMMAND_IDS } from './commandIds';
import { statusBarText, statusBarTooltip } from './studyHeadlineText';
import type { PlanPosition } from './studyPlanRun';

export class StudyStatusBar implements vscode.Disposable {
  private readonly item: vscode.StatusBarItem;
  private shownId: string | undefined;

  /** `positionOf`: a study's place in the plan that runs it (undefined for a study on its own). */
  constructor(private readonly positionOf: (studyId: string) => PlanPosition | undefined = () => undefined) {
    this.item = vscode.window.createStatusBarItem('llamboNas.study', vscode.StatusBarAlignment.Left, 10);
    this.item.name = 'LLAMBO NAS study';
  }

  /** Shows this study's headline; a study other than the shown one takes over only while it runs. */
  update(h: StudyHeadline): void {
    if (this.shownId !== undefined && this.shownId !== h.studyId && h.status !== 'running') return;
    this.shownId = h.studyId;
    const position = this.positionOf(h.studyId);
    this.item.text = statusBarText(h, position);
    this.item.tooltip = statusBarTooltip(h, position);
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
