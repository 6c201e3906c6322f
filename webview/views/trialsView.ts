/**
 * Trials tab: the virtualised, sortable, filterable trials table (one row per trial with a small cell
 * diagram) and, for the selected trial, its details, learning curve and "why this cell". Filter and
 * sort run here on the rows the host sent (a few ms for 5,000); the table builds only visible rows.
 */
import type { TrialView } from '../../src/core/panel/panelModel';
import { queryTrials } from '../../src/core/panel/trialQuery';
import { TRIAL_STATUSES } from '../../src/core/readModel/trialRows';
import { ERROR_METRIC } from '../../src/core/readModel/errorMetric';
import { trialsCsv, type TrialsContext } from '../../src/core/study/csvExport';
import { cellThumbnail } from '../cellGraphics';
import { el } from '../elementBuilder';
import { formatCount, formatError, formatScore } from '../numberFormat';
import type { PanelViewState, TrialSortColumn } from '../../src/protocol';
import type { PanelActions, PanelView, ViewContext } from '../panelView';
import { button, checkbox, dropdown, textField } from '../toolkit';
import { VirtualTable, type Column } from '../virtualTable';
import { TrialDetail } from './trialDetail';

const STATUS_CHOICES = ['all', ...TRIAL_STATUSES].map((s) => ({ value: s, label: s === 'all' ? 'All statuses' : s }));

const COLUMNS: readonly Column<TrialView>[] = [
  { key: 'id', label: 'Trial', sortable: true, cell: (t) => `#${t.id}` },
  { key: 'cell', label: 'Cell', title: 'Cell diagram: input left, output right; colours are ops', cell: (t) => cellThumbnail(t.ops) },
  { key: 'bracket', label: 'Bracket', sortable: true, cell: (t) => (t.bracketType === null ? String(t.bracket) : `${t.bracket} (b${t.bracketType})`) },
  { key: 'rung', label: 'Rung', sortable: true, cell: (t) => String(t.rung) },
  { key: 'epochs', label: 'Epochs', sortable: true, cell: (t) => String(t.epochs) },
  { key: 'seed', label: 'Seed', sortable: true, cell: (t) => String(t.seed) },
  { key: 'iso', label: 'Iso', sortable: true, title: 'Isomorphism class: cells with the same class compute the same function', cell: (t) => (t.iso === null ? '—' : String(t.iso)) },
  { key: 'predictedMean', label: 'Predicted', sortable: true, title: 'LLAMBO surrogate: predicted error mean ± std at the level it was asked for', cell: (t) => predicted(t) },
  { key: 'ei', label: 'EI', sortable: true, title: 'Expected improvement LLAMBO computed for the cell', cell: (t) => formatScore(t.ei) },
  { key: 'error', label: 'True error', sortable: true, title: `Error at the epochs reached: ${ERROR_METRIC}`, cell: (t) => formatError(t.error) },
  { key: 'status', label: 'Status', sortable: true, cell: (t) => el('span', { className: `status status-${t.status}`, text: t.status }) },
  { key: 'fallback', label: 'Fallback', sortable: true, title: 'The searcher fell back (mutation/random) instead of using the LLM', cell: (t) => (t.fallback ? el('span', { className: 'fallback-flag', text: 'fallback' }) : '') },
];

function predicted(t: TrialView): string {
  if (t.predictedMean === null) return '—';
  const std = t.predictedStd === null ? '' : ` ± ${(t.predictedStd * 100).toFixed(2)}`;
  return `${(t.predictedMean * 100).toFixed(2)}${std}%${t.level !== null ? ` @${t.level}` : ''}`;
}

export class TrialsView implements PanelView {
  readonly element = el('section', { className: 'view trials-view', attrs: { 'aria-label': 'Trials' } });
  private readonly table: VirtualTable<TrialView>;
  private readonly detail: TrialDetail;
  private readonly count = el('span', { className: 'row-count', attrs: { id: 'trials-count', 'aria-live': 'polite' } });
  private rows: TrialView[] = [];
  /** Which study and table the exported rows name (every CSV row carries its table). */
  private csvContext: TrialsContext = { table: '', studyId: '' };

  constructor(private readonly actions: PanelActions) {
    const s = actions.state;
    this.table = new VirtualTable<TrialView>({
      id: 'trials-table', label: 'Trials', columns: COLUMNS, rowHeight: 34, rowId: (t) => t.id,
      onSelect: (t) => actions.selectTrial(t.id),
      onSort: (column) => {
        const sort = actions.state.sort;
        actions.setState({ sort: { column: column as TrialSortColumn, descending: sort.column === column ? !sort.descending : column === 'ei' } });
      },
    });
    this.detail = new TrialDetail(actions);
    const toolbar = el('div', { className: 'toolbar' }, [
      textField({ id: 'trial-filter', placeholder: 'Filter: #id, op name, source…', value: s.trialFilter, label: 'Filter trials', onInput: (trialFilter) => actions.setState({ trialFilter }) }),
      dropdown({ id: 'trial-status', label: 'Status', value: s.statusFilter, choices: STATUS_CHOICES, onChange: (v) => actions.setState({ statusFilter: v as PanelViewState['statusFilter'] }) }),
      checkbox({ id: 'trial-fallback', label: 'Fallbacks only', checked: s.fallbackOnly, onChange: (fallbackOnly) => actions.setState({ fallbackOnly }) }),
      this.count,
      el('span', { className: 'spacer' }),
      button('Export CSV', () => this.exportCsv(), { id: 'export-trials-csv', title: 'Save the filtered, sorted table as CSV' }),
    ]);
    this.element.append(toolbar, el('div', { className: 'trials-split' }, [this.table.element, this.detail.element]));
  }

  render({ model, state, reasons }: ViewContext): void {
    this.csvContext = { table: model.overview.table?.label ?? '', studyId: model.overview.studyId };
    this.rows = queryTrials(model.trials, { text: state.trialFilter, status: state.statusFilter, fallbackOnly: state.fallbackOnly, sort: state.sort });
    this.count.textContent = `${formatCount(this.rows.length)} of ${formatCount(model.trials.length)} trials`;
    this.table.setRows(this.rows, state.selectedTrialId, state.sort);
    if (reasons.state && state.selectedTrialId !== null) this.table.reveal(state.selectedTrialId);
    this.detail.render(model, state, reasons);
  }

  private exportCsv(): void {
    this.actions.saveFile({ fileName: `${this.actions.studyId}-trials.csv`, kind: 'csv', encoding: 'utf8', data: trialsCsv(this.rows, this.csvContext) });
  }
}
