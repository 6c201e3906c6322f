/**
 * A chart.js chart described by a plain spec (series of x/y columns) that a view rebuilds from the
 * current theme colours: `refresh()` redraws with new data or after a theme switch (and draws once
 * chart.js has loaded, after the panel's first paint: webview/chartLibrary.ts). Animation is off (live updates arrive several
 * times a second, and a redraw must be immediate). The same spec feeds the SVG export. Whatever the
 * data, a chart shows it: a point with no drawn neighbour on its line (a study's first result, a trial's
 * first epoch) is drawn as a marker, since a line or step of one point draws nothing, and a fixed
 * range of zero width is widened rather than left to chart.js (whose empty axis runs from -1 to 1).
 */
import type { Chart, ChartConfiguration, ChartDataset, LegendItem, ScaleOptionsByType } from 'chart.js';
import type { ChartSvgSeries, ChartSvgSpec } from '../src/core/panel/chartSvg';
import { LONE_POINT_RADIUS, lonePoints } from '../src/core/panel/lonePoints';
import { chartLibrary, loadChartLibrary, type ChartLibrary } from './chartLibrary';
import { readChartColours, withAlpha, type ChartColours } from './chartTheme';

/** A series as the SVG export draws it, plus what only the canvas needs (widths, points, tooltips). */
export interface SeriesSpec extends ChartSvgSeries {
  readonly width?: number;
  readonly pointRadius?: number;
  readonly pointStyle?: 'circle' | 'triangle' | 'crossRot' | 'rect';
  readonly legend?: boolean;
  /** Tooltip text of point i. */
  readonly tooltip?: (i: number) => string;
  /** Trial id of point i: clicking the point selects that trial. */
  readonly ids?: readonly number[];
}

export interface ChartSpec {
  readonly title: string;
  readonly xLabel: string;
  readonly yLabel: string;
  readonly xLog?: boolean;
  readonly yLog?: boolean;
  /** Fixed x range (e.g. 0 to the study's end); without it the axis rounds out to nice ticks. */
  readonly xRange?: readonly [number, number];
  /** Fixed y range (e.g. zoomed to where the lines differ); lines leaving it are clipped. */
  readonly yRange?: readonly [number, number];
  /** Dashed horizontal lines across the plot (e.g. the table's optimum), in the legend and the SVG. */
  readonly referenceLines?: readonly { readonly y: number; readonly label: string; readonly colour: string }[];
  readonly series: readonly SeriesSpec[];
}

interface Point { x: number; y: number | null; i: number }
/** `helper`: left out of the legend; `band`: left out of tooltips too; `reference`: a reference line. */
type Dataset = ChartDataset<'line', Point[]> & { helper?: boolean; band?: boolean; reference?: boolean };

export class ThemedChart {
  private chart: Chart<'line', Point[]> | undefined;
  private last: { spec: ChartSpec; colours: ChartColours } | undefined;
  /** Waiting for chart.js (it loads after the first paint): the chart draws when it arrives. */
  private waiting = false;
  private destroyed = false;

  constructor(
    readonly canvas: HTMLCanvasElement,
    private readonly build: (colours: ChartColours) => ChartSpec,
    private readonly onPick?: (id: number) => void,
  ) {}

  /** Rebuilds the chart from the spec with the theme's current colours. */
  refresh(): void {
    const colours = readChartColours();
    const spec = this.build(colours);
    this.last = { spec, colours };
    const library = chartLibrary();
    if (!library) {
      if (!this.waiting) {
        this.waiting = true;
        loadChartLibrary().then(() => { this.waiting = false; if (!this.destroyed) this.refresh(); }, () => { this.waiting = false; });
      }
      return;
    }
    const datasets = [...spec.series.flatMap((s) => toDatasets(s, spec)), ...referenceDatasets(spec)];
    const options = chartOptions(library, spec, colours, (id) => this.onPick?.(id));
    if (!this.chart) {
      const config: ChartConfiguration<'line', Point[]> = { type: 'line', data: { datasets }, options };
      this.chart = new library.Chart(this.canvas, config);
    } else {
      this.chart.data.datasets = datasets;
      if (options) this.chart.options = options;
      this.chart.update('none');
    }
    // The axes as drawn, on the canvas like the tooltip's text, so tests (and anything reading the DOM) see them.
    const { x, y } = this.chart.scales;
    this.canvas.dataset.xRange = `${x.min},${x.max}`;
    this.canvas.dataset.yRange = `${y.min},${y.max}`;
  }

  /** PNG of the chart on the theme background (a canvas is transparent), as base64. */
  pngBase64(): string {
    const out = document.createElement('canvas');
    out.width = this.canvas.width;
    out.height = this.canvas.height;
    const ctx = out.getContext('2d') as CanvasRenderingContext2D;
    ctx.fillStyle = this.last?.colours.background ?? '#ffffff';
    ctx.fillRect(0, 0, out.width, out.height);
    ctx.drawImage(this.canvas, 0, 0);
    return out.toDataURL('image/png').replace(/^data:image\/png;base64,/, '');
  }

  /** The same chart for the SVG exporter, in the current theme's colours. */
  svgSpec(width = 900, height = 480): ChartSvgSpec | undefined {
    if (!this.last) return undefined;
    const { spec, colours } = this.last;
    return {
      title: spec.title, width, height, xLabel: spec.xLabel, yLabel: spec.yLabel, xLog: spec.xLog, yLog: spec.yLog,
      background: colours.background, foreground: colours.foreground, grid: colours.grid,
      series: spec.series.map((s) => ({ label: s.label, colour: s.colour, dash: s.dash, kind: s.kind, x: s.x, y: s.y, band: s.band })),
      referenceLines: spec.referenceLines?.map(({ y, label }) => ({ y, label })),
      ...(spec.xRange ? { xExtent: [...spec.xRange] } : {}),
      ...(spec.yRange ? { yExtent: spec.yRange } : {}),
    };
  }

  destroy(): void {
    this.destroyed = true;
    this.chart?.destroy();
    this.chart = undefined;
  }
}

function toDatasets(series: SeriesSpec, spec: ChartSpec): Dataset[] {
  const points = (ys: readonly (number | null)[]): Point[] =>
    series.x.map((x, i) => ({ x, y: drawable(x, ys[i], spec) ? ys[i] : null, i }));
  const data = points(series.y);
  const radius = series.pointRadius ?? (series.kind === 'scatter' ? 2.5 : 0);
  const line: Dataset = {
    label: series.label, data, borderColor: series.colour, backgroundColor: series.colour,
    borderWidth: series.kind === 'scatter' ? 0 : series.width ?? 2, borderDash: series.dash ? [...series.dash] : [], showLine: series.kind !== 'scatter',
    stepped: series.kind === 'step' ? 'before' : false, spanGaps: false,
    pointRadius: series.kind === 'scatter' ? radius : markLonePoints(data, radius), pointHoverRadius: series.kind === 'scatter' ? 5 : 3,
    pointStyle: series.pointStyle ?? 'circle', fill: false,
    pointBorderColor: series.colour, pointBackgroundColor: series.colour, pointBorderWidth: series.pointStyle === 'crossRot' ? 2 : 1,
  };
  if (series.legend === false) line.helper = true;
  if (!series.band) return [line];
  // The band is two helper lines with the area between them filled ('-1' = fill to the dataset before).
  const low: Dataset = { label: `${series.label} low`, data: points(series.band.low), borderWidth: 0, pointRadius: 0, fill: false, helper: true, band: true, stepped: line.stepped };
  const high: Dataset = {
    label: `${series.label} high`, data: points(series.band.high), borderWidth: 0, pointRadius: 0, helper: true, band: true, stepped: line.stepped,
    fill: '-1', backgroundColor: withAlpha(series.colour, 0.2),
  };
  return [low, high, line];
}

/** The line's point radius, or per point with a marker on each point whose neighbours are not drawn. */
function markLonePoints(data: readonly Point[], radius: number): number | number[] {
  const lone = lonePoints(data.map((p) => p.y !== null));
  if (radius >= LONE_POINT_RADIUS || !lone.includes(true)) return radius;
  return lone.map((l) => (l ? LONE_POINT_RADIUS : radius));
}

/** A fixed range as chart.js takes it: one of zero width (a single x, no data yet) is widened to a unit, or a decade on a log axis. */
function axisRange(range: readonly [number, number] | undefined, log: boolean | undefined): { min: number; max: number } | undefined {
  if (!range || !Number.isFinite(range[0]) || !Number.isFinite(range[1]) || range[1] < range[0]) return undefined;
  if (range[1] > range[0]) return { min: range[0], max: range[1] };
  return log ? { min: range[0], max: range[0] * 10 } : { min: range[0], max: range[0] + 1 };
}

/** A reference line as a two-point dataset across the x range, dashed; its tooltip is its label. */
function referenceDatasets(spec: ChartSpec): Dataset[] {
  const xs = spec.series.flatMap((s) => s.x.filter((x) => Number.isFinite(x) && (!spec.xLog || x > 0)));
  const fixed = axisRange(spec.xRange, spec.xLog);
  const [from, to] = fixed ? [fixed.min, fixed.max] : [Math.min(...xs), Math.max(...xs)];
  if (!Number.isFinite(from) || !Number.isFinite(to)) return [];
  return (spec.referenceLines ?? []).filter((r) => !spec.yLog || r.y > 0).map((r) => ({
    label: r.label, data: [{ x: from, y: r.y, i: 0 }, { x: to, y: r.y, i: 1 }], borderColor: r.colour, backgroundColor: r.colour,
    borderWidth: 1.5, borderDash: [6, 4], pointRadius: 0, pointHoverRadius: 0, fill: false, reference: true,
  }));
}

function drawable(x: number, y: number | null | undefined, spec: ChartSpec): boolean {
  if (y === null || y === undefined || !Number.isFinite(y) || !Number.isFinite(x)) return false;
  return (!spec.xLog || x > 0) && (!spec.yLog || y > 0);
}

function chartOptions({ Chart }: ChartLibrary, spec: ChartSpec, colours: ChartColours, pick: (id: number) => void): ChartConfiguration<'line', Point[]>['options'] {
  const axis = (title: string, log: boolean | undefined, range?: readonly [number, number]) => ({
    type: log ? 'logarithmic' : 'linear',
    ...axisRange(range, log),
    title: { display: true, text: title, color: colours.foreground },
    ticks: { color: colours.muted, maxTicksLimit: 8, includeBounds: false, ...(log ? { callback: logTickLabel } : {}) },
    grid: { color: colours.grid },
    border: { color: colours.grid },
  }) as unknown as ScaleOptionsByType<'linear'>;
  return {
    animation: false,
    responsive: true,
    maintainAspectRatio: false,
    // Parsed (not `parsing: false`): chart.js then takes unparsed data as sorted by x and would read the
    // x range off the first and last points, which is wrong for scatters and for curves joined by gaps.
    interaction: { mode: 'nearestSeries', intersect: false },
    scales: { x: axis(spec.xLabel, spec.xLog, spec.xRange), y: axis(spec.yLabel, spec.yLog, spec.yRange) },
    plugins: {
      legend: {
        display: spec.series.some((s) => s.legend !== false),
        // Point styles, so the legend shows each line's dash and each scatter's marker (▲, ×) as plotted.
        labels: {
          color: colours.foreground, boxWidth: 12, usePointStyle: true,
          filter: (item, data) => !(data.datasets[item.datasetIndex ?? 0] as Dataset).helper,
          generateLabels: (chart) => Chart.defaults.plugins.legend.labels.generateLabels(chart)
            .map((item) => legendItem(item, chart.data.datasets[item.datasetIndex ?? 0] as Dataset)),
        },
      },
      tooltip: {
        filter: (item) => !(item.dataset as Dataset).band,
        // The canvas carries the text the tooltip shows, so tests (and anything reading the DOM) see what users read.
        external: ({ chart, tooltip }) => {
          const text = tooltip.opacity === 0 ? '' : tooltip.body.flatMap((b) => b.lines).join('\n');
          chart.canvas.dataset.tooltip = text;
        },
        callbacks: {
          // Each label names its x (epoch, hours) in its own units; chart.js's title would repeat the bare number.
          title: () => '',
          label: (item) => {
            if ((item.dataset as Dataset).reference) return item.dataset.label ?? '';
            const series = seriesOf(spec, item.dataset.label);
            const i = (item.raw as Point).i;
            return series?.tooltip ? series.tooltip(i) : `${item.dataset.label}: ${String((item.raw as Point).y)}`;
          },
        },
      },
    },
    onClick: (_event, elements, chart) => {
      const hit = elements[0];
      if (!hit) return;
      const dataset = chart.data.datasets[hit.datasetIndex];
      const series = seriesOf(spec, dataset.label);
      const id = series?.ids?.[(dataset.data[hit.index] as Point).i];
      if (id !== undefined) pick(id);
    },
  };
}

/** A scatter's legend entry is its marker, a line's a stroke in its dash (scatters have no border width). */
function legendItem(item: LegendItem, dataset: Dataset): LegendItem {
  if (dataset.showLine === false) return { ...item, pointStyle: dataset.pointStyle as LegendItem['pointStyle'], lineWidth: 2, lineDash: [] };
  return { ...item, pointStyle: 'line', lineWidth: Math.max(2, Number(dataset.borderWidth ?? 2)) };
}

/** Log axes label only 1, 2 and 5 times a power of ten (chart.js would label 1, 1.2, 2.5 ...). */
function logTickLabel(value: number | string): string {
  const v = Number(value);
  const mantissa = v / 10 ** Math.floor(Math.log10(v) + 1e-9);
  return [1, 2, 5].some((k) => Math.abs(mantissa - k) < 1e-6) ? String(Number(v.toPrecision(3))) : '';
}

function seriesOf(spec: ChartSpec, label: string | undefined): SeriesSpec | undefined {
  return spec.series.find((s) => s.label === label);
}
