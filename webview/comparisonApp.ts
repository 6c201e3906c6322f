/**
 * The comparison panel: the searchers of one Compare searchers run side by side, drawn from the
 * ComparisonSummary the host sends (the numbers of the CLI `compare` and of the exported report). Two
 * charts over simulated time (the incumbent at r_max as IQM across seeds with its 95% band, and the
 * average rank), the final table with IQM and 95% CI per column and every seed's final error as a
 * dot strip, the time to reach the target error, a second table of what each entry's LLM did and what
 * its delay cost per study (so the first stays readable), the honesty note of the table and, with
 * fewer than five seeds, the note that the intervals are weak. Export writes the Markdown report with its SVG charts into the workspace.
 */
import { errorAxisRange } from '../src/core/panel/errorAxisRange';
import { seriesStyle } from '../src/core/panel/seriesStyles';
import { ERROR_AXIS_LABEL, ERROR_METRIC } from '../src/core/readModel/errorMetric';
import {
  formatMetric, FINAL_ERROR_KEY, intervalParts, splitColumns, type ComparisonMetricColumn,
} from '../src/core/study/comparisonMetrics';
import {
  hasMethod, type ComparisonEntrySummary, type ComparisonModelNotification, type ComparisonSummary, type ComparisonView,
  type PanelThemeNotification, type SaveFileParams,
} from '../src/protocol';
import { readChartColours, watchTheme, type ChartColours } from './chartTheme';
import { el } from './elementBuilder';
import { HostRequests } from './hostRequests';
import { formatError, formatHours } from './numberFormat';
import type { PanelHostPort } from './panelHostPort';
import { tableBadge } from './tableBadge';
import type { ChartSpec, ThemedChart } from './themedChart';
import { button, registerToolkit } from './toolkit';
import { chartBox } from './views/chartBox';

const SVG_NS = 'http://www.w3.org/2000/svg';
const STRIP = { width: 180, height: 22, pad: 6 } as const;

export class ComparisonApp {
  private view: ComparisonView | null = null;
  private readonly requests: HostRequests;
  private readonly header = el('header', { className: 'comparison-header' });
  private readonly notes = el('div', { className: 'comparison-notes' });
  private readonly table = el('div', { className: 'comparison-table-wrap' });
  private readonly llmTable = el('div', { className: 'comparison-table-wrap' });
  private readonly status = el('p', { className: 'status-line', attrs: { role: 'status', 'aria-live': 'polite' } });
  private readonly charts: ThemedChart[];
  private readonly cleanup: (() => void)[] = [];

  constructor(private readonly root: HTMLElement, private readonly host: PanelHostPort) {
    this.requests = new HostRequests((message) => host.postMessage(message));
    const actions = { saveFile: (params: SaveFileParams) => this.saveFile(params), get studyId() { return 'comparison'; } };
    const iqm = chartBox(actions, 'comparison-iqm', 'Incumbent error at r_max vs simulated time (IQM, 95% band)', (c) => this.iqmSpec(c));
    const rank = chartBox(actions, 'comparison-rank', 'Average rank vs simulated time', (c) => this.rankSpec(c));
    this.charts = [iqm.chart, rank.chart];
    const exportButton = button('Export report', () => this.exportReport(), { id: 'comparison-export', title: 'Write the comparison as a Markdown report with SVG charts into the workspace' });
    root.replaceChildren(
      el('section', { className: 'view comparison-view', attrs: { 'aria-label': 'Searcher comparison' } }, [
        this.header, this.notes,
        el('p', { className: 'metric-note', text: `Error = ${ERROR_METRIC}.` }),
        el('div', { className: 'toolbar' }, [exportButton]),
        el('div', { className: 'chart-row' }, [iqm.element, rank.element]),
        el('h2', { text: 'Final figures over seeds' }),
        this.table,
        this.llmTable,
      ]),
      this.status,
    );
    root.removeAttribute('aria-live');
    root.dataset.ready = 'false';
    this.status.textContent = 'Loading comparison…';
  }

  start(): void {
    this.cleanup.push(this.host.onMessage((message) => this.receive(message)));
    this.cleanup.push(watchTheme(() => this.refreshCharts()));
    this.host.postMessage({ method: 'webview/ready', params: {} });
  }

  dispose(): void {
    for (const undo of this.cleanup.splice(0)) undo();
  }

  private receive(message: unknown): void {
    if (this.requests.receive(message)) return;
    if (hasMethod<ComparisonModelNotification>(message, 'comparison/model')) {
      this.view = message.params;
      this.render();
    } else if (hasMethod<PanelThemeNotification>(message, 'panel/theme')) {
      document.body.dataset.themeKind = message.params.kind;
      this.refreshCharts();
    }
  }

  private render(): void {
    const view = this.view;
    if (!view) return;
    const { summary } = view;
    this.header.replaceChildren(
      el('h1', { className: 'study-id', text: view.title }),
      el('p', { className: 'comparison-setup', text: view.setup }),
    );
    this.notes.replaceChildren(
      ...(summary.fewSeedsNote ? [el('p', { className: 'few-seeds-note', text: summary.fewSeedsNote, attrs: { id: 'comparison-few-seeds', role: 'note' } })] : []),
      ...(summary.table ? [el('div', { className: 'overview-badge' }, [tableBadge(summary.table, 'comparison-table-badge')])] : []),
      el('p', { className: 'table-note', text: summary.tableNote, attrs: { id: 'comparison-table-note' } }),
      ...(summary.curveNote ? [el('p', { className: 'table-note', text: summary.curveNote, attrs: { id: 'comparison-curve-note' } })] : []),
    );
    this.llmTable.replaceChildren(...llmTable(summary));
    this.refreshCharts();
    this.root.dataset.ready = 'true';
    this.root.dataset.entries = String(summary.entries.length);
    this.status.textContent = '';
  }

  private refreshCharts(): void {
    if (!this.view) return;
    for (const chart of this.charts) chart.refresh();
    this.table.replaceChildren(finalTable(this.view.summary, readChartColours()));
  }

  private iqmSpec(colours: ChartColours): ChartSpec {
    const summary = this.view?.summary;
    const entries = summary?.entries ?? [];
    const percent = (values: readonly number[]) => values.map((v) => v * 100);
    const optimum = summary ? summary.optimumError * 100 : null;
    const traces = entries.map((e) => ({ time: e.overTime.time, values: percent(e.overTime.iqm), low: percent(e.overTime.low), high: percent(e.overTime.high) }));
    return {
      title: 'Incumbent error at r_max (seed mean at the last epoch)', xLabel: 'simulated hours', yLabel: `${ERROR_AXIS_LABEL}, %`,
      xRange: [0, endHours(summary)], yRange: errorAxisRange(traces, optimum),
      referenceLines: summary ? [{ y: summary.optimumError * 100, label: `NB201 optimum ${formatError(summary.optimumError)}`, colour: colours.muted }] : [],
      series: entries.map((e, i) => ({
        label: `${e.label} (IQM of ${e.seeds.length} seed${e.seeds.length === 1 ? '' : 's'}, 95% CI)`, ...seriesStyle(i, colours.series), kind: 'step',
        x: e.overTime.time.map((t) => t / 3600), y: percent(e.overTime.iqm),
        band: { low: percent(e.overTime.low), high: percent(e.overTime.high) },
        tooltip: (j) => `${e.label}: ${formatError(e.overTime.iqm[j])} (95% CI ${formatError(e.overTime.low[j])} to ${formatError(e.overTime.high[j])}) at ${formatHours(e.overTime.time[j])}`,
      })),
    };
  }

  private rankSpec(colours: ChartColours): ChartSpec {
    const summary = this.view?.summary;
    const entries = summary?.entries ?? [];
    const grid = summary?.timeGrid ?? [];
    return {
      title: 'Average rank over seeds (1 = best)', xLabel: 'simulated hours', yLabel: 'average rank',
      xRange: [0, endHours(summary)], yRange: [0.9, Math.max(2, entries.length) + 0.1],
      series: entries.map((e, i) => ({
        label: e.label, ...seriesStyle(i, colours.series), kind: 'line',
        x: grid.map((t) => t / 3600), y: e.averageRank,
        tooltip: (j) => `${e.label}: average rank ${e.averageRank[j].toFixed(2)} of ${entries.length} at ${formatHours(grid[j])}`,
      })),
    };
  }

  private saveFile(params: SaveFileParams): void {
    this.status.textContent = `Saving ${params.fileName}…`;
    this.requests.request('panel/saveFile', params).then(
      (result) => (this.status.textContent = `Saved ${result.path}`),
      (error: Error) => (this.status.textContent = error.message === 'cancelled' ? 'Save cancelled' : `Could not save ${params.fileName}: ${error.message}`),
    );
  }

  private exportReport(): void {
    this.status.textContent = 'Writing the report…';
    this.requests.request('comparison/exportReport', {}).then(
      (result) => (this.status.textContent = `Report written to ${result.path}`),
      (error: Error) => (this.status.textContent = error.message === 'cancelled' ? 'Export cancelled' : `Could not write the report: ${error.message}`),
    );
  }
}

function endHours(summary: ComparisonSummary | undefined): number {
  return (summary?.timeGrid[summary.timeGrid.length - 1] ?? 0) / 3600;
}

/** The final table in rank order: every result column's IQM with CI, the average rank at the end, the seeds' finals as dots. */
function finalTable(summary: ComparisonSummary, colours: ChartColours): HTMLTableElement {
  const columns = splitColumns(summary.columns).result;
  const finals = summary.entries.flatMap((e) => e.perSeed.map((p) => p.values[FINAL_ERROR_KEY])).filter((v): v is number => v !== null);
  const scale: [number, number] = [Math.min(...finals), Math.max(...finals)];
  const headers = ['rank', 'searcher', 'seeds', ...columns.map((c) => `${c.label}${c.secondary ? ' (secondary)' : ''}`),
    'avg rank at the end', 'final error per seed (| = IQM)'];
  const table = el('table', { className: 'small-table comparison-table', attrs: { id: 'comparison-table' } });
  table.append(el('caption', {
    text: `Each figure: IQM over seeds [95% bootstrap CI]; each dot one seed's final error. Time to ≤ ${formatError(summary.targetError)}: ` +
      'simulated time until the incumbent at r_max first reached that error, over the seeds that did.',
  }));
  table.append(el('thead', {}, [el('tr', {}, headers.map((h) => el('th', { text: h, attrs: { scope: 'col' } })))]));
  const order = summary.entries.map((e, index) => ({ e, index })).sort((a, b) => a.e.rank - b.e.rank);
  table.append(el('tbody', {}, order.map(({ e, index }) => {
    const rank = e.averageRank[e.averageRank.length - 1];
    return el('tr', { attrs: { 'data-entry': e.label } }, [
      el('td', { text: String(e.rank) }), el('th', { text: e.label, attrs: { scope: 'row' } }), el('td', { text: String(e.seeds.length) }),
      ...columns.map((c) => figureCell(c, e.metrics[c.key], { 'data-column': c.key })),
      el('td', { text: rank === undefined ? '—' : rank.toFixed(2) }),
      el('td', { className: 'seed-strip-cell' }, [seedStrip(e, scale, seriesStyle(index, colours.series).colour, colours)]),
    ]);
  })));
  return table;
}

/**
 * What each entry's LLM did and what its delay cost, per study (IQM [CI] over seeds), for the entries
 * that used an LLM: a table of its own with a row per figure and a column per entry, as eleven more
 * columns would push the results off screen and a comparison has few LLM entries.
 */
function llmTable(summary: ComparisonSummary): HTMLElement[] {
  const columns = splitColumns(summary.columns).llm;
  const entries = [...summary.entries].sort((a, b) => a.rank - b.rank).filter((e) => columns.some((c) => e.metrics[c.key].n > 0));
  if (entries.length === 0) return [];
  const table = el('table', { className: 'small-table comparison-table', attrs: { id: 'comparison-llm-table' } });
  table.append(el('caption', {
    text: 'Per study, IQM over seeds [95% bootstrap CI]. Delay figures only when decision time was charged (measured or modelled latency); ' +
      'idle share = idle worker-seconds / (workers x budget).',
  }));
  table.append(el('thead', {}, [el('tr', {}, [el('th', { text: 'per study', attrs: { scope: 'col' } }),
    ...entries.map((e) => el('th', { text: e.label, attrs: { scope: 'col' } }))])]));
  const groupRow = (title: string) => el('tr', { className: 'figure-group' }, [el('th', { text: title, attrs: { scope: 'rowgroup', colspan: String(entries.length + 1) } })]);
  const figureRow = (c: ComparisonMetricColumn) => el('tr', { attrs: { 'data-column': c.key } }, [
    el('th', { text: c.label, attrs: { scope: 'row' } }),
    ...entries.map((e) => figureCell(c, e.metrics[c.key], { 'data-entry': e.label })),
  ]);
  const group = (name: ComparisonMetricColumn['group'], title: string) => {
    const rows = columns.filter((c) => c.group === name);
    return rows.length === 0 ? [] : [groupRow(title), ...rows.map(figureRow)];
  };
  table.append(el('tbody', {}, [...group('llm', 'What the LLM did'), ...group('delay', 'What its delay cost')]));
  return [el('h2', { text: 'LLM and its delay per study' }), table];
}

/** A figure's IQM with its interval set under it (so columns stay narrow); the cell's text reads as columnText. */
function figureCell(column: ComparisonMetricColumn, d: ComparisonEntrySummary['metrics'][string] | undefined, cellAttrs: Record<string, string>): HTMLTableCellElement {
  const { value, rest } = intervalParts(column.unit, d, column.missingMeans);
  return el('td', { className: 'figure-cell', attrs: cellAttrs }, [
    el('span', { className: 'figure-value', text: value }),
    ...(rest === '' ? [] : [el('span', { className: 'figure-interval', text: ` ${rest}` })]),
  ]);
}

/** Each seed's final error as a dot on a strip shared by every row (so rows compare by eye), the IQM as a tick. */
function seedStrip(entry: ComparisonEntrySummary, [lo, hi]: [number, number], colour: string, colours: ChartColours): SVGSVGElement {
  const svg = document.createElementNS(SVG_NS, 'svg');
  const { width, height, pad } = STRIP;
  const x = (v: number) => pad + (hi > lo ? ((v - lo) / (hi - lo)) * (width - 2 * pad) : (width - 2 * pad) / 2);
  attrs(svg, { width: String(width), height: String(height), viewBox: `0 0 ${width} ${height}`, role: 'img', class: 'seed-strip',
    'aria-label': `${entry.label}: final error per seed, ${entry.perSeed.map((p) => `seed ${p.seed} ${formatMetric('error', p.values[FINAL_ERROR_KEY])}`).join(', ')}` });
  svg.append(attrs(document.createElementNS(SVG_NS, 'line'), { x1: String(pad), x2: String(width - pad), y1: String(height / 2), y2: String(height / 2), stroke: colours.grid }));
  const iqm = entry.metrics[FINAL_ERROR_KEY]?.iqm;
  if (iqm !== null && iqm !== undefined) {
    svg.append(attrs(document.createElementNS(SVG_NS, 'line'), { x1: String(x(iqm)), x2: String(x(iqm)), y1: '2', y2: String(height - 2), stroke: colours.foreground, 'stroke-width': '2', class: 'iqm-tick' }));
  }
  for (const point of entry.perSeed) {
    const value = point.values[FINAL_ERROR_KEY];
    if (value === null) continue;
    const dot = attrs(document.createElementNS(SVG_NS, 'circle'), { cx: String(x(value)), cy: String(height / 2), r: '3.5', fill: colour, 'fill-opacity': '0.8', class: 'seed-dot', 'data-seed': String(point.seed) });
    const title = document.createElementNS(SVG_NS, 'title');
    title.textContent = `seed ${point.seed}: ${formatError(value)}`;
    dot.append(title);
    svg.append(dot);
  }
  return svg;
}

function attrs<E extends Element>(element: E, values: Record<string, string>): E {
  for (const [name, value] of Object.entries(values)) element.setAttribute(name, value);
  return element;
}

export function mountComparison(root: HTMLElement, host: PanelHostPort): ComparisonApp {
  registerToolkit();
  const app = new ComparisonApp(root, host);
  app.start();
  return app;
}
