/**
 * Overview tab: the headline (DESIGN.md section 10: the returned cell's seed-mean error at the table's
 * last epoch, its regret, the observed single-seed error beside it, the best error at any epoch as a
 * labelled secondary figure), the totals, the table badge, and two charts over simulated time: the
 * best error at any epoch in % (one line per searcher, each its own colour and dash; IQM with a 95%
 * bootstrap band when several seeds ran; the NB201 optimum as a dashed reference line; y zoomed to
 * where the lines differ once the first results are in) and its difference to the optimum in pp.
 * Time, and the error axis, can be shown on a log axis.
 */
import { errorAxisRange } from '../../src/core/panel/errorAxisRange';
import type { IncumbentSeries, OverviewModel } from '../../src/core/panel/panelModel';
import { seriesStyle } from '../../src/core/panel/seriesStyles';
import { ERROR_AXIS_LABEL, ERROR_METRIC } from '../../src/core/readModel/errorMetric';
import { describeDelay, headlineChoice } from '../../src/core/study/resultFormat';
import type { ChartColours } from '../chartTheme';
import { el, factList } from '../elementBuilder';
import { formatCount, formatError, formatHours, formatPoints, formatRegret, formatTokens, formatUsd } from '../numberFormat';
import type { PanelActions, PanelView, ViewContext } from '../panelView';
import { tableBadge } from '../tableBadge';
import { ThemedChart, type ChartSpec } from '../themedChart';
import { checkbox } from '../toolkit';
import { chartBox } from './chartBox';

export class OverviewView implements PanelView {
  readonly element = el('section', { className: 'view overview-view', attrs: { 'aria-label': 'Overview' } });
  readonly modelThrottleMs = 250;
  private readonly facts = el('div', { className: 'overview-facts' });
  private readonly badge = el('div', { className: 'overview-badge' });
  private readonly incumbentChart: ThemedChart;
  private readonly regretChart: ThemedChart;
  private overview: OverviewModel | null = null;
  private logTime = false;
  private logError = false;
  private badgeKey = '';

  constructor(private readonly actions: PanelActions) {
    const logToggle = checkbox({ id: 'overview-log-time', label: 'Log time axis', checked: actions.state.logTime, onChange: (logTime) => actions.setState({ logTime }) });
    const logErrorToggle = checkbox({ id: 'overview-log-error', label: 'Log error axis', checked: actions.state.logError, onChange: (logError) => actions.setState({ logError }) });
    const incumbent = chartBox(actions, 'incumbent', 'Best error at any epoch vs simulated time', (c) => this.incumbentSpec(c));
    const regret = chartBox(actions, 'regret', 'Best error at any epoch − NB201 optimum', (c) => this.regretSpec(c));
    this.incumbentChart = incumbent.chart;
    this.regretChart = regret.chart;
    this.element.append(
      el('div', { className: 'overview-top' }, [this.badge, this.facts]),
      // A sentence of its own, not a fact row: it must wrap like prose at any width.
      el('p', { className: 'metric-note', text: `Error = ${ERROR_METRIC}.` }),
      el('div', { className: 'toolbar' }, [logToggle, logErrorToggle]),
      el('div', { className: 'chart-row' }, [incumbent.element, regret.element]),
    );
  }

  render({ model, reasons }: ViewContext): void {
    this.overview = model.overview;
    this.logTime = this.actions.state.logTime;
    this.logError = this.actions.state.logError;
    const o = model.overview;
    if (o.table && `${o.table.kind}${o.table.label}` !== this.badgeKey) {
      this.badgeKey = `${o.table.kind}${o.table.label}`;
      this.badge.replaceChildren(el('span', { className: 'fact-label', text: 'Table' }), tableBadge(o.table, 'overview-table'), el('div', { className: 'table-label', text: o.table.label }));
    }
    if (reasons.model || reasons.state) this.facts.replaceChildren(factList(this.factRows(o), 'facts overview-totals'));
    this.incumbentChart.refresh();
    this.regretChart.refresh();
  }

  private factRows(o: OverviewModel): [string, string][] {
    const rows: [string, string][] = [
      ...headlineRows(o),
      ['Trials', formatCount(o.trials)],
      ['Results', formatCount(o.results)],
      ['Epochs trained', formatCount(o.epochs)],
      ['Simulated time', `${formatHours(o.simulatedSeconds)}${o.budgetSeconds ? ` of ${formatHours(o.budgetSeconds)}` : ''}`],
      ['Fallback configs', formatCount(o.fallbacks)],
    ];
    if (o.llm) {
      rows.push(
        ['LLM requests', `${formatCount(o.llm.requests)} (${formatCount(o.llm.cacheHits)} cache hits, ${formatCount(o.llm.failedCalls)} failed)`],
        ['LLM tokens', `${formatTokens(o.llm.promptTokens)} prompt · ${formatTokens(o.llm.completionTokens)} completion`],
        ['LLM cost', formatUsd(o.llm.costUsd)],
        ['Parse failures', `${formatCount(o.llm.parseFailures)} replies · ${formatCount(o.llm.droppedCells)} cells refused`],
      );
    }
    if (o.delay) rows.push(['LLM delay', describeDelay(o.delay)]);
    return rows;
  }

  /**
   * Time axis from the start (or the first incumbent, on a log axis) to the study's budget while it has
   * not finished (the lines grow from the left, as in Syne Tune and W&B), and to the end of the longest
   * line once it has.
   */
  private timeRange(): [number, number] {
    const series = this.overview?.series ?? [];
    const budget = this.overview && !this.overview.finished ? this.overview.budgetSeconds ?? 0 : 0;
    const end = Math.max(0, budget, ...series.map((s) => s.time[s.time.length - 1] ?? 0)) / 3600;
    const first = Math.min(Infinity, ...series.map((s) => s.time.find((t) => t > 0) ?? Infinity)) / 3600;
    return [this.logTime ? (Number.isFinite(first) ? first : 1e-3) : 0, end];
  }

  private incumbentSpec(colours: ChartColours): ChartSpec {
    const series = this.overview?.series ?? [];
    const optimum = this.overview?.optimumError ?? null;
    const percent = (values: readonly number[]) => values.map((v) => v * 100);
    const inPercent = series.map((s) => ({ time: s.time, values: percent(s.value), low: s.low && percent(s.low), high: s.high && percent(s.high) }));
    const range = errorAxisRange(inPercent, optimum === null ? null : optimum * 100, this.logError);
    return {
      title: 'Best error at any epoch', xLabel: 'simulated hours', yLabel: `${ERROR_AXIS_LABEL}, %${this.logError ? ', log scale' : ''}`,
      xLog: this.logTime, xRange: this.timeRange(), yLog: this.logError, yRange: range,
      referenceLines: optimum === null ? [] : [{ y: optimum * 100, label: `NB201 optimum ${formatError(optimum)}`, colour: colours.muted }],
      series: series.map((s, i) => ({
        label: seriesLabel(s), ...seriesStyle(i, colours.series), kind: 'step',
        x: s.time.map((t) => t / 3600), y: percent(s.value),
        ...(s.low && s.high ? { band: { low: percent(s.low), high: percent(s.high) } } : {}),
        tooltip: (j) => `${seriesLabel(s)}: ${formatError(s.value[j])}${bandText(s, j, formatError)} at ${formatHours(s.time[j])}`,
      })),
    };
  }

  /** The best error at any epoch minus the optimum, in pp. */
  private regretSpec(colours: ChartColours): ChartSpec {
    const optimum = this.overview?.optimumError ?? 0;
    const series = this.overview?.series ?? [];
    const points = (values: readonly number[]) => values.map((v) => (v - optimum) * 100);
    return {
      // Linear, not log: the best error at any epoch is a single seed's and can dip below the 3-seed-mean optimum.
      title: 'Best error at any epoch − optimum (can dip below 0)', xLabel: 'simulated hours', yLabel: 'difference (pp)', xLog: this.logTime, xRange: this.timeRange(),
      series: series.map((s, i) => ({
        label: seriesLabel(s), ...seriesStyle(i, colours.series), kind: 'step',
        x: s.time.map((t) => t / 3600), y: points(s.value),
        ...(s.low && s.high ? { band: { low: points(s.low), high: points(s.high) } } : {}),
        tooltip: (j) => `${seriesLabel(s)}: ${formatPoints(s.value[j] - optimum)}${bandText(s, j, (v) => formatPoints(v - optimum))} at ${formatHours(s.time[j])}`,
      })),
    };
  }
}

/**
 * The result as DESIGN.md section 10 defines it: the returned architecture, its seed-mean error at the
 * table's last epoch and regret (never negative), the observed single-seed error beside it, and the
 * best error at any epoch as the labelled secondary figure.
 */
function headlineRows(o: OverviewModel): [string, string][] {
  const h = o.result;
  if (!h) return [['Result', 'no trial has reported a result yet']];
  const any = h.bestAnyEpoch;
  return [
    ['Returned architecture', `trial ${h.trialId} · ${headlineChoice(h)}`],
    ['Error at the last epoch (seed mean)', h.finalError === null ? '— (this log does not record it)' : formatError(h.finalError)],
    ['Regret', `${formatRegret(h.regret)} (optimum ${formatError(o.optimumError)})`],
    [`Observed at epoch ${h.observedEpoch} (one seed)`, formatError(h.observedErrorAtMax)],
    ['Best at any epoch (secondary)', any ? `${formatError(any.error)} · trial ${any.trialId} · epoch ${any.epoch}` : '—'],
  ];
}

function seriesLabel(s: IncumbentSeries): string {
  return s.seeds > 1 ? `${s.label} (IQM of ${s.seeds} seeds, 95% CI)` : s.label;
}

/** The band at point j as "(95% CI a to b)", empty for a single seed. */
function bandText(s: IncumbentSeries, j: number, format: (v: number) => string): string {
  return s.low && s.high ? ` (95% CI ${format(s.low[j])} to ${format(s.high[j])})` : '';
}
