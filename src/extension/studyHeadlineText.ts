/**
 * How a study's headline reads in the status bar, the progress notification and the studies view: the
 * returned architecture's seed-mean error and regret (DESIGN.md section 10) in the label, every figure
 * of it in the tooltip, and "study k of N" for a study of a multi-study plan.
 * Pure (no 'vscode'), so the wording is tested without an editor.
 */
import { formatError, formatHours, formatRegret, headlineLines, headlineShort } from '../core/study/resultFormat';
import type { StudyHeadline } from '../protocol';
import { planPositionText, type PlanPosition } from './studyPlanRun';

export function statusBarText(h: StudyHeadline, position?: PlanPosition): string {
  const icon = h.status === 'running' ? '$(sync~spin)' : h.status === 'failed' ? '$(error)' : '$(beaker)';
  const time = `${(h.simulatedSeconds / 3600).toFixed(2)}/${(h.budgetSeconds / 3600).toFixed(1)} h`;
  const plan = planPositionText(position);
  return `${icon} NAS ${plan ? `${plan} · ` : ''}${time} · ${h.trialsStarted} trials · ${headlineShort(h.result)} · $${h.llmUsd.toFixed(2)}`;
}

/** The status bar's tooltip: which study, and the headline in full. */
export function statusBarTooltip(h: StudyHeadline, position?: PlanPosition): string {
  const plan = planPositionText(position);
  return `${h.studyId} (${h.status}${plan ? `, ${plan} of its plan` : ''})\n${h.searcher} · ${h.scheduler}\nTable: ${h.table}` +
    (h.result ? `\n${headlineLines(h.result).join('\n')}` : '') + '\nClick to open the study.';
}

/** One report of the progress notification: the plan's percentage done, and what its current study does. */
export interface ProgressLine {
  /** 0..100 over the whole plan: finished studies count in full, the current one by its simulated time. */
  readonly percent: number;
  readonly message: string;
}

export function progressLine(h: StudyHeadline, position: PlanPosition = { k: 1, total: 1 }): ProgressLine {
  const study = h.budgetSeconds > 0 ? Math.min(100, (100 * h.simulatedSeconds) / h.budgetSeconds) : 0;
  const plan = planPositionText(position);
  const state = h.llmWait ?? `${h.trialsStarted} trials, ${headlineShort(h.result)}`;
  return { percent: (100 * (position.k - 1) + study) / position.total, message: `${plan ? `${plan} · ` : ''}${h.studyId}: ${state}` };
}

/**
 * The studies view's label: the searcher (and seed) and the returned cell's seed-mean error, short enough
 * to stay whole in a sidebar; the regret and the rest go to the description.
 */
export function studyTreeLabel(h: StudyHeadline): string {
  const who = h.searcher ? `${h.searcher}${h.seed !== undefined ? ` s${h.seed}` : ''}` : h.studyId;
  const r = h.result;
  const error = !r ? 'no result yet' : r.finalError !== null ? formatError(r.finalError) : `${formatError(r.observedErrorAtMax)} one seed`;
  return `${who} · ${error}`;
}

/** The studies view's description of a study (after its label): regret, status, trials, time. */
export function describeHeadline(h: StudyHeadline): string {
  const regret = h.result?.regret !== null && h.result?.regret !== undefined ? `regret ${formatRegret(h.result.regret)} · ` : '';
  return `${regret}${h.status} · ${h.trialsStarted} trials · ${formatHours(h.simulatedSeconds)}`;
}

/** The studies view's tooltip of a study. */
export function studyTooltip(h: StudyHeadline): string {
  return `${h.studyId}\n${h.status}${h.message ? `: ${h.message}` : ''}\n${h.searcher} · ${h.scheduler}\nTable: ${h.table}` +
    (h.result ? `\n${headlineLines(h.result).join('\n')}` : '');
}
