/**
 * Overview tab: the totals, the table badge, and two charts over simulated time: the incumbent
 * error in % (one line per searcher, each its own colour and dash; IQM with a 95% bootstrap band when
 * several seeds ran; the NB201 optimum as a dashed reference line; y zoomed to where the lines differ
 * once the first results are in) and the regret against the optimum in pp on a log axis. Time, and
 * the error axis, can be shown on a log axis.
 */
import { errorAxisRange } from '../../src/core/panel/errorAxisRange';
import type { IncumbentSeries, OverviewModel } from '../../src/core/panel/panelModel';
import { seriesStyle } from '../../src/core/panel/seriesStyles';
import type { ChartColours } from '../chartTheme';
import { el, factList } from '../elementBuilder';
import { formatCount, formatError, formatHours, formatPoints, formatTokens, formatUsd } from '../numberFormat';
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
    const incumbent = chartBox(actions, 'incumbent', 'Incumbent error vs simulated time', (c) => this.incumbentSpec(c));
    const regret = chartBox(actions, 'regret', 'Regret vs the NB201 optimum', (c) => this.regretSpec(c));
    this.incumbentChart = incumbent.chart;
    this.regretChart = regret.chart;
    this.element.append(
      el('div', { className: 'overview-top' }, [this.badge, this.facts]),
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
    const regret = o.incumbent && o.optimumError !== null ? o.incumbent.error - o.optimumError : null;
    const rows: [string, string][] = [
      ['Trials', formatCount(o.trials)],
      ['Results', formatCount(o.results)],
      ['Epochs trained', formatCount(o.epochs)],
      ['Simulated time', `${formatHours(o.simulatedSeconds)}${o.budgetSeconds ? ` of ${formatHours(o.budgetSeconds)}` : ''}`],
      ['Incumbent', o.incumbent ? `${formatError(o.incumbent.error)} · trial ${o.incumbent.trialId} · epoch ${o.incumbent.epoch}` : '—'],
      ['Regret', `${formatPoints(regret)} (optimum ${formatError(o.optimumError)})`],
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
    return rows;
  }

  /** Time axis from the start (or the first incumbent, on a log axis) to the end of the longest line. */
  private timeRange(): [number, number] {
    const series = this.overview?.series ?? [];
    const end = Math.max(0, ...series.map((s) => s.time[s.time.length - 1] ?? 0)) / 3600;
    const first = Math.min(Infinity, ...series.map((s) => s.time.find((t) => t > 0) ?? Infinity)) / 3600;
    return [this.logTime ? (Number.isFinite(first) ? first : 1e-3) : 0, end];
  }

  private incumbentSpec(colours: ChartColours): ChartSpec {
    const series = this.overview?.series ?? [];
    const optimum = this.overview?.optimumError ?? null;
    const percent = (values: readonly number[]) => values.map((v) => v * 100);
    const range = errorAxisRange(series.map((s) => ({ time: s.time, values: percent(s.value), low: s.low && percent(s.low), high: s.high && percent(s.high) })), optimum === null ? null : optimum * 100, this.logError);
    return {
      title: 'Incumbent error', xLabel: 'simulated hours', yLabel: this.logError ? 'error (%, log scale)' : 'error (%)',
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

  /** Regret in pp on a log axis: it shrinks by orders of magnitude, and on a linear axis the last hours are flat. */
  private regretSpec(colours: ChartColours): ChartSpec {
    const optimum = this.overview?.optimumError ?? 0;
    const series = this.overview?.series ?? [];
    const points = (values: readonly number[]) => values.map((v) => (v - optimum) * 100);
    return {
      title: 'Regret (incumbent error − NB201 optimum)', xLabel: 'simulated hours', yLabel: 'regret (pp, log scale)', xLog: this.logTime, xRange: this.timeRange(), yLog: true,
      series: series.map((s, i) => ({
        label: seriesLabel(s), ...seriesStyle(i, colours.series), kind: 'step',
        x: s.time.map((t) => t / 3600), y: points(s.value),
        ...(s.low && s.high ? { band: { low: points(s.low), high: points(s.high) } } : {}),
        tooltip: (j) => `${seriesLabel(s)}: ${formatPoints(s.value[j] - optimum)}${bandText(s, j, (v) => formatPoints(v - optimum))} at ${formatHours(s.time[j])}`,
      })),
    };
  }
}

function seriesLabel(s: IncumbentSeries): string {
  return s.seeds > 1 ? `${s.label} (IQM of ${s.seeds} seeds, 95% CI)` : s.label;
}

/** The band at point j as "(95% CI a to b)", empty for a single seed. */
function bandText(s: IncumbentSeries, j: number, format: (v: number) => string): string {
  return s.low && s.high ? ` (95% CI ${format(s.low[j])} to ${format(s.high[j])})` : '';
}
