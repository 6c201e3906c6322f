/**
 * The one SVG chart renderer: a line/step/scatter chart as a standalone SVG string. The panel draws on
 * a canvas with chart.js, and its "export chart as SVG" writes this (in the theme's colours); the study
 * export's report embeds it (in fixed colours, viewed outside the editor). Vectors stay sharp in papers
 * and reports; output is deterministic (fixed decimals), so exports of one study are byte-identical.
 * Like the panel's charts, it shows whatever data it gets: a point of a line or step with no drawn
 * neighbour gets a marker (lonePoints.ts), and a range of zero width (one point, a flat series) is
 * widened around its value.
 */
import { escapeXml } from './cellDiagramSvg';
import { LONE_POINT_RADIUS, lonePoints } from './lonePoints';

export interface ChartSvgSeries {
  readonly label: string;
  readonly colour: string;
  /** 'step': the value holds until the next point (incumbent traces). */
  readonly kind: 'line' | 'step' | 'scatter';
  /** Dash pattern of the line (on, off, ... in px; solid when absent or empty). */
  readonly dash?: readonly number[];
  readonly x: readonly number[];
  /** null breaks a line. */
  readonly y: readonly (number | null)[];
  /** A shaded band (e.g. a bootstrap interval) drawn under the line. */
  readonly band?: { readonly low: readonly number[]; readonly high: readonly number[] };
}

export interface ChartSvgSpec {
  readonly title: string;
  readonly width: number;
  readonly height: number;
  readonly xLabel: string;
  readonly yLabel: string;
  readonly xLog?: boolean;
  readonly yLog?: boolean;
  readonly series: readonly ChartSvgSeries[];
  /** Values the x axis spans at least (e.g. 0 and the budget), beyond the data. */
  readonly xExtent?: readonly number[];
  /** A fixed y range (e.g. zoomed to where the lines differ): it replaces the data's range, lines leaving it are clipped. */
  readonly yExtent?: readonly [number, number];
  /** Dashed horizontal lines with a label (e.g. the table's optimum); the y axis includes them. */
  readonly referenceLines?: readonly { readonly y: number; readonly label: string }[];
  readonly formatX?: (x: number) => string;
  readonly formatY?: (y: number) => string;
  readonly background: string;
  readonly foreground: string;
  readonly grid: string;
}

const MARGIN = { left: 64, right: 16, top: 34, bottom: 46 };

export function chartSvg(spec: ChartSvgSpec): string {
  const plotW = spec.width - MARGIN.left - MARGIN.right;
  const plotH = spec.height - MARGIN.top - MARGIN.bottom;
  const dataXs = spec.series.flatMap((s) => s.x.filter((v) => usable(v, spec.xLog)));
  const dataYs = spec.series.flatMap((s) => [...s.y, ...(s.band?.low ?? []), ...(s.band?.high ?? [])].filter((v): v is number => v !== null && usable(v, spec.yLog)));
  const references = (spec.referenceLines ?? []).filter((r) => usable(r.y, spec.yLog));
  const xs = [...dataXs, ...(spec.xExtent ?? []).filter((v) => usable(v, spec.xLog))];
  const ys = [...dataYs, ...references.map((r) => r.y)];
  const formatX = spec.formatX ?? tickText;
  const formatY = spec.formatY ?? tickText;
  const xScale = scale(xs, spec.xLog ?? false, MARGIN.left, MARGIN.left + plotW);
  const yScale = scale(fixedRange(spec.yExtent, spec.yLog) ?? ys, spec.yLog ?? false, MARGIN.top + plotH, MARGIN.top);
  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${spec.width}" height="${spec.height}" viewBox="0 0 ${spec.width} ${spec.height}" font-family="sans-serif" font-size="11">`);
  out.push(`<rect width="${spec.width}" height="${spec.height}" fill="${escapeXml(spec.background)}"/>`);
  out.push(`<text x="${MARGIN.left}" y="20" font-size="13" font-weight="600" fill="${escapeXml(spec.foreground)}">${escapeXml(spec.title)}</text>`);
  for (const tick of xScale.ticks) {
    const x = f(xScale.map(tick));
    out.push(`<line x1="${x}" y1="${MARGIN.top}" x2="${x}" y2="${MARGIN.top + plotH}" stroke="${escapeXml(spec.grid)}"/>`);
    out.push(`<text x="${x}" y="${MARGIN.top + plotH + 14}" text-anchor="middle" fill="${escapeXml(spec.foreground)}">${escapeXml(formatX(tick))}</text>`);
  }
  for (const tick of yScale.ticks) {
    const y = f(yScale.map(tick));
    out.push(`<line x1="${MARGIN.left}" y1="${y}" x2="${MARGIN.left + plotW}" y2="${y}" stroke="${escapeXml(spec.grid)}"/>`);
    out.push(`<text x="${MARGIN.left - 6}" y="${y}" text-anchor="end" dominant-baseline="middle" fill="${escapeXml(spec.foreground)}">${escapeXml(formatY(tick))}</text>`);
  }
  out.push(`<text x="${MARGIN.left + plotW / 2}" y="${spec.height - 8}" text-anchor="middle" fill="${escapeXml(spec.foreground)}">${escapeXml(spec.xLabel)}</text>`);
  out.push(`<text transform="translate(14 ${MARGIN.top + plotH / 2}) rotate(-90)" text-anchor="middle" fill="${escapeXml(spec.foreground)}">${escapeXml(spec.yLabel)}</text>`);
  for (const ref of references) {
    const y = f(yScale.map(ref.y));
    out.push(`<line x1="${MARGIN.left}" y1="${y}" x2="${MARGIN.left + plotW}" y2="${y}" stroke="${escapeXml(spec.foreground)}" stroke-dasharray="5 4"/>`);
    out.push(`<text x="${MARGIN.left + 6}" y="${f(Math.min(MARGIN.top + plotH - 4, yScale.map(ref.y) + 14))}" fill="${escapeXml(spec.foreground)}">${escapeXml(ref.label)}</text>`);
  }
  out.push(`<clipPath id="plot"><rect x="${MARGIN.left}" y="${MARGIN.top}" width="${plotW}" height="${plotH}"/></clipPath>`);
  out.push('<g clip-path="url(#plot)">');
  for (const series of spec.series) out.push(...drawSeries(series, xScale.map, yScale.map, spec));
  out.push('</g>');
  // After the clipped group, so a marker on the plot's edge (a trial stopped at the first epoch) shows whole;
  // a point outside the plot (beyond a fixed y range) is left out like the line it belongs to.
  const inPlot = (x: number, y: number) => x >= MARGIN.left && x <= MARGIN.left + plotW && y >= MARGIN.top && y <= MARGIN.top + plotH;
  for (const series of spec.series) out.push(...lonePointMarkers(series, xScale.map, yScale.map, spec, inPlot));
  if (dataYs.length === 0) {
    out.push(`<text x="${MARGIN.left + plotW / 2}" y="${MARGIN.top + plotH / 2}" text-anchor="middle" fill="${escapeXml(spec.foreground)}">no data yet</text>`);
  }
  // Legend in the top right corner, as wide as its longest label (about 6.5 px a character at 11 px).
  const legendWidth = 20 + 6.5 * Math.max(0, ...spec.series.map((s) => s.label.length));
  spec.series.forEach((series, i) => {
    const y = MARGIN.top + 6 + i * 14;
    const x = Math.max(MARGIN.left, MARGIN.left + plotW - legendWidth);
    out.push(series.kind === 'scatter'
      ? `<circle cx="${x + 5}" cy="${y}" r="3" fill="${escapeXml(series.colour)}"/>`
      : `<line x1="${x - 6}" y1="${y}" x2="${x + 10}" y2="${y}" stroke="${escapeXml(series.colour)}" stroke-width="2"${dashAttribute(series.dash)}/>`);
    out.push(`<text x="${x + 14}" y="${y}" dominant-baseline="middle" fill="${escapeXml(spec.foreground)}">${escapeXml(series.label)}</text>`);
  });
  out.push('</svg>');
  return out.join('\n');
}

function drawSeries(series: ChartSvgSeries, mx: (v: number) => number, my: (v: number) => number, spec: ChartSvgSpec): string[] {
  const out: string[] = [];
  const colour = escapeXml(series.colour);
  if (series.band) {
    const { low, high } = series.band;
    // A step line's band steps too: each value holds until the next x.
    const edge = (values: readonly number[]) => series.x.flatMap((x, i) => {
      const point = `${f(mx(x))},${f(my(values[i]))}`;
      const next = series.x[i + 1];
      return series.kind === 'step' && next !== undefined ? [point, `${f(mx(next))},${f(my(values[i]))}`] : [point];
    });
    out.push(`<polygon points="${[...edge(high), ...edge(low).reverse()].join(' ')}" fill="${colour}" fill-opacity="0.2" stroke="none"/>`);
  }
  if (series.kind === 'scatter') {
    series.x.forEach((x, i) => {
      const y = series.y[i];
      if (y === null || !usable(x, spec.xLog) || !usable(y, spec.yLog)) return;
      out.push(`<circle cx="${f(mx(x))}" cy="${f(my(y))}" r="2.2" fill="${colour}"/>`);
    });
    return out;
  }
  let d = '';
  let pen = false;
  series.x.forEach((x, i) => {
    const y = series.y[i];
    if (y === null || !usable(x, spec.xLog) || !usable(y, spec.yLog)) { pen = false; return; }
    if (!pen) d += `M${f(mx(x))} ${f(my(y))}`;
    else if (series.kind === 'step') d += `H${f(mx(x))}V${f(my(y))}`;
    else d += `L${f(mx(x))} ${f(my(y))}`;
    pen = true;
  });
  out.push(`<path d="${d}" fill="none" stroke="${colour}" stroke-width="1.6"${dashAttribute(series.dash)}/>`);
  return out;
}

/** A marker on each point of a line or step that has no drawn neighbour: a path of one point draws nothing. */
function lonePointMarkers(
  series: ChartSvgSeries, mx: (v: number) => number, my: (v: number) => number, spec: ChartSvgSpec, inPlot: (x: number, y: number) => boolean,
): string[] {
  if (series.kind === 'scatter') return [];
  const lone = lonePoints(series.x.map((x, i) => drawable(x, series.y[i], spec)));
  return series.x.flatMap((x, i) => {
    if (!lone[i]) return [];
    const cx = mx(x), cy = my(series.y[i] as number);
    return inPlot(cx, cy) ? [`<circle cx="${f(cx)}" cy="${f(cy)}" r="${LONE_POINT_RADIUS}" fill="${escapeXml(series.colour)}"/>`] : [];
  });
}

function drawable(x: number, y: number | null | undefined, spec: ChartSvgSpec): boolean {
  return y !== null && y !== undefined && usable(x, spec.xLog) && usable(y, spec.yLog);
}

/** A fixed range the axis can take (finite, in order, positive on a log axis), or undefined to use the data's. */
function fixedRange(range: readonly [number, number] | undefined, log: boolean | undefined): number[] | undefined {
  if (!range || !usable(range[0], log) || !usable(range[1], log) || range[1] < range[0]) return undefined;
  return [...range];
}

function dashAttribute(dash: readonly number[] | undefined): string {
  return dash && dash.length > 0 ? ` stroke-dasharray="${dash.join(' ')}"` : '';
}

interface Scale { readonly map: (v: number) => number; readonly ticks: readonly number[] }

function scale(values: readonly number[], log: boolean, from: number, to: number): Scale {
  // Without values an axis still needs a range a log scale can take.
  let lo = values.length ? Math.min(...values) : log ? 0.1 : 0;
  let hi = values.length ? Math.max(...values) : 1;
  // Zero width (one value, a flat series): widened around the value, on its side of zero (an error of
  // 0.3 on an axis from -0.2 would show a value no one had); 0 gets 0 to 1, like the panel's fixed ranges.
  if (lo === hi) {
    const pad = Math.abs(lo) / 10;
    [lo, hi] = log ? [lo / 2, hi * 2] : lo === 0 ? [0, 1] : [lo - pad, hi + pad];
  }
  if (log) {
    const a = Math.log10(lo), b = Math.log10(hi);
    const ticks: number[] = [];
    for (let p = Math.floor(a); p <= Math.ceil(b); p++) for (const m of [1, 2, 5]) {
      const t = m * 10 ** p;
      if (t >= lo && t <= hi) ticks.push(t);
    }
    return { map: (v) => from + ((Math.log10(v) - a) / (b - a)) * (to - from), ticks };
  }
  const step = niceStep((hi - lo) / 5);
  const ticks: number[] = [];
  for (let t = Math.ceil(lo / step) * step; t <= hi + step * 1e-9; t += step) ticks.push(Number(t.toPrecision(12)));
  return { map: (v) => from + ((v - lo) / (hi - lo)) * (to - from), ticks };
}

function niceStep(raw: number): number {
  const p = 10 ** Math.floor(Math.log10(raw));
  const m = raw / p;
  return (m <= 1 ? 1 : m <= 2 ? 2 : m <= 5 ? 5 : 10) * p;
}

function usable(v: number, log?: boolean): boolean {
  return Number.isFinite(v) && (!log || v > 0);
}

function tickText(v: number): string {
  if (v === 0) return '0';
  const a = Math.abs(v);
  return a >= 1e4 || a < 1e-3 ? v.toExponential(0) : String(Number(v.toPrecision(3)));
}

function f(n: number): string {
  return n.toFixed(1);
}
