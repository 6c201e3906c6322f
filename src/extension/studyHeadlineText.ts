/**
 * How a study's headline reads in the status bar and the studies view: the returned architecture's
 * seed-mean error and regret (DESIGN.md section 10) in the label, every figure of it in the tooltip.
 * Pure (no 'vscode'), so the wording is tested without an editor.
 */
import { formatHours, headlineLines, headlineShort } from '../core/study/resultFormat';
import type { StudyHeadline } from '../protocol';

export function statusBarText(h: StudyHeadline): string {
  const icon = h.status === 'running' ? '$(sync~spin)' : h.status === 'failed' ? '$(error)' : '$(beaker)';
  const time = `${(h.simulatedSeconds / 3600).toFixed(2)}/${(h.budgetSeconds / 3600).toFixed(1)} h`;
  return `${icon} NAS ${time} · ${h.trialsStarted} trials · ${headlineShort(h.result)} · $${h.llmUsd.toFixed(2)}`;
}

/** The status bar's tooltip: which study, and the headline in full. */
export function statusBarTooltip(h: StudyHeadline): string {
  return `${h.studyId} (${h.status})\n${h.searcher} · ${h.scheduler}\nTable: ${h.table}` +
    (h.result ? `\n${headlineLines(h.result).join('\n')}` : '') + '\nClick to open the study.';
}

/** The studies view's description of a study. */
export function describeHeadline(h: StudyHeadline): string {
  return `${h.status} · ${headlineShort(h.result)} · ${h.trialsStarted} trials · ${formatHours(h.simulatedSeconds)}`;
}

/** The studies view's tooltip of a study. */
export function studyTooltip(h: StudyHeadline): string {
  return `${h.studyId}\n${h.status}${h.message ? `: ${h.message}` : ''}\n${h.searcher} · ${h.scheduler}\nTable: ${h.table}` +
    (h.result ? `\n${headlineLines(h.result).join('\n')}` : '');
}
