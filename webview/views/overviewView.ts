/**
 * Overview tab: the totals, the table badge, and two charts over simulated time: the incumbent
 * validation error (one line per searcher; IQM with a 95% bootstrap band when several seeds ran) and
 * the regret against the NB201 optimum. Time can be shown on a log axis.
 */
import type { OverviewModel } from '../../src/core/panel/panelModel';
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
  private badgeKey = '';

  constructor(private readonly actions: PanelActions) {
    const logToggle = checkbox({ id: 'overview-log-time', label: 'Log time axis', checked: actions.state.logTime, onChange: (logTime) => actions.setState({ logTime }) });
    const incumbent = chartBox(actions, 'incumbent', 'Incumbent validation error vs simulated time', (c) => this.incumbentSpec(c.series));
    const regret = chartBox(actions, 'regret', 'Regret vs the NB201 optimum', (c) => this.regretSpec(c.series));
    this.incumbentChart = incumbent.chart;
    this.regretChart = regret.chart;
    this.element.append(
      el('div', { className: 'overview-top' }, [this.badge, this.facts]),
      el('div', { className: 'toolbar' }, [logToggle]),
      el('div', { className: 'chart-row' }, [incumbent.element, regret.element]),
    );
  }

  render({ model, reasons }: ViewContext): void {
    this.overview = model.overview;
    this.logTime = this.actions.state.logTime;
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

  private incumbentSpec(palette: readonly string[]): ChartSpec {
    const series = this.overview?.series ?? [];
    return {
      title: 'Incumbent validation error', xLabel: 'simulated hours', yLabel: 'validation error', xLog: this.logTime, xRange: this.timeRange(),
      series: series.map((s, i) => ({
        label: s.seeds > 1 ? `${s.label} (IQM of ${s.seeds} seeds, 95% CI)` : s.label,
        colour: palette[i % palette.length], kind: 'step',
        x: s.time.map((t) => t / 3600), y: s.value,
        ...(s.low && s.high ? { band: { low: s.low, high: s.high } } : {}),
        tooltip: (j) => `${s.label}: ${formatError(s.value[j])} at ${formatHours(s.time[j])}`,
      })),
    };
  }

  private regretSpec(palette: readonly string[]): ChartSpec {
    const optimum = this.overview?.optimumError ?? 0;
    const series = this.overview?.series ?? [];
    return {
      title: 'Regret (incumbent error − NB201 optimum)', xLabel: 'simulated hours', yLabel: 'regret', xLog: this.logTime, xRange: this.timeRange(),
      series: series.map((s, i) => ({
        label: s.label, colour: palette[i % palette.length], kind: 'step',
        x: s.time.map((t) => t / 3600), y: s.value.map((v) => v - optimum),
        ...(s.low && s.high ? { band: { low: s.low.map((v) => v - optimum), high: s.high.map((v) => v - optimum) } } : {}),
        tooltip: (j) => `${s.label}: ${formatPoints(s.value[j] - optimum)} at ${formatHours(s.time[j])}`,
      })),
    };
  }
}
