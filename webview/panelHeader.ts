/**
 * The panel header: study id, status, searcher and scheduler, simulated time against the budget,
 * trials, the headline (the returned cell's seed-mean error and regret, DESIGN.md section 10), the table badge, and "Export results" (the host's whole-study export).
 * Below it the "LLM unhealthy: …" line of an LLM study whose calls keep failing, and for an interrupted
 * study a banner with Resume (the host runs "Resume study"). Built once; each render only updates texts.
 */
import type { PanelModel } from '../src/core/panel/panelModel';
import { headlineShort } from '../src/core/study/resultFormat';
import type { StudyHeadline } from '../src/protocol';
import { el } from './elementBuilder';
import { formatCount, formatHours } from './numberFormat';
import type { PanelActions } from './panelView';
import { button } from './toolkit';
import { tableBadge } from './tableBadge';

export class PanelHeader {
  readonly element: HTMLElement;
  private readonly title = el('h1', { className: 'study-id' });
  private readonly status = el('span', { className: 'study-status' });
  private readonly llmHealth = el('p', { className: 'llm-unhealthy' });
  private readonly line = el('p', { className: 'study-line' });
  private readonly interruptedText = el('span', { className: 'interrupted-text' });
  private readonly interrupted: HTMLElement;
  private readonly badgeSlot = el('span', { className: 'badge-slot' });
  private badgeKey = '';

  constructor(private readonly actions: PanelActions) {
    const exportButton = button('Export results…', () => this.exportStudy(), { title: 'Export this study (Syne Tune format, CSV, JSONL, LLM transcript, report) into the workspace' });
    const resumeButton = button('Resume', () => this.resumeStudy(), {
      id: 'resume-study', appearance: 'primary', title: 'Run this study again from the start; recorded LLM replies replay at no cost',
    });
    this.interrupted = el('div', { className: 'interrupted-banner' }, [this.interruptedText, resumeButton]);
    this.interrupted.hidden = true;
    this.element = el('header', { className: 'panel-header' }, [
      el('div', { className: 'title-row' }, [this.title, this.status, this.badgeSlot, el('span', { className: 'spacer' }), exportButton]),
      this.line,
      this.llmHealth,
      this.interrupted,
    ]);
    this.llmHealth.setAttribute('role', 'status');
  }

  render(model: PanelModel, headline: StudyHeadline | null): void {
    const o = model.overview;
    this.title.textContent = o.studyId || headline?.studyId || 'Study';
    const status = headline?.status ?? (o.finished ? 'finished' : 'running');
    const interrupted = status === 'interrupted';
    // An interrupted study's message goes into its banner, beside the Resume button.
    this.status.textContent = status + (headline?.message && !interrupted ? ` — ${headline.message}` : '');
    this.status.dataset.status = status;
    this.interrupted.hidden = !interrupted;
    this.interruptedText.textContent = interrupted ? headline?.message ?? 'The study stopped before it finished.' : '';
    this.llmHealth.textContent = headline?.llmUnhealthy ? `⚠ ${headline.llmUnhealthy}` : '';
    this.llmHealth.hidden = !headline?.llmUnhealthy;
    const budget = o.budgetSeconds ? ` of ${formatHours(o.budgetSeconds)}` : '';
    this.line.textContent = [
      `${o.searcher || headline?.searcher || '?'} · ${o.scheduler || headline?.scheduler || '?'}${o.seed !== null ? ` · seed ${o.seed}` : ''}`,
      `${formatHours(o.simulatedSeconds)}${budget} simulated`,
      `${formatCount(o.trials)} trials`,
      o.result ? `trial ${o.result.trialId}: ${headlineShort(o.result)}` : 'no result yet',
    ].join('   ·   ');
    const key = `${o.table?.kind}|${o.table?.label}`;
    if (o.table && key !== this.badgeKey) {
      this.badgeKey = key;
      this.badgeSlot.replaceChildren(tableBadge(o.table, 'header-table'));
    }
  }

  private resumeStudy(): void {
    this.actions.announce('Resuming the study…');
    this.actions.post({ method: 'webview/resumeStudy', params: {} });
  }

  private exportStudy(): void {
    this.actions.announce('Exporting results…');
    this.actions.request('panel/export', {}).then(
      (result) => this.actions.announce(`Results exported to ${result.folder}`),
      (error: Error) => this.actions.announce(error.message === 'cancelled' ? 'Export cancelled' : `Export failed: ${error.message}`),
    );
  }
}
