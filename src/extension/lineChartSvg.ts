/**
 * A small line chart as standalone SVG text (no DOM, no dependencies): one or more series of (x, y)
 * points, drawn as steps (a value holds until the next point, as an incumbent does) or as lines, on a
 * linear or log10 y axis, with optional dashed reference lines. Deterministic output (fixed decimals),
 * so exports of the same study are byte-identical. Colours are fixed: the file is viewed outside the
 * editor's theme (Markdown preview, GitHub, a browser).
 */

export interface ChartPoint {
  readonly x: number;
  readonly y: number;
}

export interface ChartSeries {
  readonly name: string;
  readonly points: readonly ChartPoint[];
  readonly color: string;
  /** Draw as steps (hold each y until the next x) extended to the axis end; default false. */
  readonly step?: boolean;
}

export interface LineChartSpec {
  readonly title: string;
  readonly xLabel: string;
  readonly yLabel: string;
  readonly series: readonly ChartSeries[];
  /** The x axis runs from 0 to at least this (e.g. the budget). */
  readonly xMax?: number;
  readonly yScale?: 'linear' | 'log';
  readonly referenceLines?: readonly { readonly y: number; readonly label: string }[];
  readonly formatX?: (x: number) => string;
  readonly formatY?: (y: number) => string;
  readonly width?: number;
  readonly height?: number;
}

/** The legend sits in the top margin, under the title, so it never hides a curve. */
const MARGIN = { left: 64, right: 16, top: 52, bottom: 48 };
const AXIS = '#555555';
const GRID = '#e3e3e3';
const TEXT = '#222222';

export function lineChartSvg(spec: LineChartSpec): string {
  const width = spec.width ?? 720;
  const height = spec.height ?? 360;
  const plot = { x0: MARGIN.left, x1: width - MARGIN.right, y0: height - MARGIN.bottom, y1: MARGIN.top };
  const points = spec.series.flatMap((s) => s.points).filter((p) => Number.isFinite(p.x) && Number.isFinite(p.y));
  const log = spec.yScale === 'log';
  const ys = [...points.map((p) => p.y), ...(spec.referenceLines ?? []).map((r) => r.y)].filter((y) => !log || y > 0);
  const xMax = Math.max(spec.xMax ?? 0, ...points.map((p) => p.x), 1e-9);
  const [yLo, yHi] = yDomain(ys, log);
  const fx = (x: number) => plot.x0 + ((plot.x1 - plot.x0) * x) / xMax;
  const t = (y: number) => (log ? Math.log10(y) : y);
  const fy = (y: number) => plot.y0 - ((plot.y0 - plot.y1) * (t(y) - t(yLo))) / (t(yHi) - t(yLo) || 1);
  const formatX = spec.formatX ?? ((x: number) => trim(x));
  const formatY = spec.formatY ?? ((y: number) => trim(y));
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    `<text x="${width / 2}" y="20" text-anchor="middle" font-size="14" fill="${TEXT}">${escapeXml(spec.title)}</text>`,
  ];
  for (const x of linearTicks(0, xMax)) {
    parts.push(`<line x1="${n(fx(x))}" y1="${plot.y0}" x2="${n(fx(x))}" y2="${plot.y1}" stroke="${GRID}"/>`,
      `<text x="${n(fx(x))}" y="${plot.y0 + 16}" text-anchor="middle" fill="${TEXT}">${escapeXml(formatX(x))}</text>`);
  }
  for (const y of log ? logTicks(yLo, yHi) : linearTicks(yLo, yHi)) {
    parts.push(`<line x1="${plot.x0}" y1="${n(fy(y))}" x2="${plot.x1}" y2="${n(fy(y))}" stroke="${GRID}"/>`,
      `<text x="${plot.x0 - 6}" y="${n(fy(y) + 4)}" text-anchor="end" fill="${TEXT}">${escapeXml(formatY(y))}</text>`);
  }
  parts.push(`<polyline points="${plot.x0},${plot.y1} ${plot.x0},${plot.y0} ${plot.x1},${plot.y0}" fill="none" stroke="${AXIS}"/>`,
    `<text x="${(plot.x0 + plot.x1) / 2}" y="${height - 10}" text-anchor="middle" fill="${TEXT}">${escapeXml(spec.xLabel)}</text>`,
    `<text transform="translate(14 ${(plot.y0 + plot.y1) / 2}) rotate(-90)" text-anchor="middle" fill="${TEXT}">${escapeXml(spec.yLabel)}</text>`);
  for (const ref of spec.referenceLines ?? []) {
    if ((log && ref.y <= 0) || ref.y < yLo || ref.y > yHi) continue;
    parts.push(`<line x1="${plot.x0}" y1="${n(fy(ref.y))}" x2="${plot.x1}" y2="${n(fy(ref.y))}" stroke="${AXIS}" stroke-dasharray="5 4"/>`,
      `<text x="${plot.x0 + 6}" y="${n(Math.min(plot.y0 - 4, fy(ref.y) + 14))}" fill="${AXIS}">${escapeXml(ref.label)}</text>`);
  }
  let legendX = plot.x0;
  spec.series.forEach((series) => {
    const usable = series.points.filter((p) => Number.isFinite(p.x) && Number.isFinite(p.y) && (!log || p.y > 0));
    if (usable.length > 0) {
      const path = (series.step ? stepPoints(usable, xMax) : usable).map((p) => `${n(fx(p.x))},${n(fy(p.y))}`).join(' ');
      parts.push(`<polyline points="${path}" fill="none" stroke="${series.color}" stroke-width="2"/>`);
    }
    parts.push(`<rect x="${legendX}" y="${MARGIN.top - 16}" width="12" height="3" fill="${series.color}"/>`,
      `<text x="${legendX + 18}" y="${MARGIN.top - 11}" fill="${TEXT}">${escapeXml(series.name)}</text>`);
    // About 6.5 px per character at 12 px sans-serif.
    legendX += 40 + Math.ceil(6.5 * series.name.length);
  });
  if (points.length === 0) {
    parts.push(`<text x="${(plot.x0 + plot.x1) / 2}" y="${(plot.y0 + plot.y1) / 2}" text-anchor="middle" fill="${AXIS}">no data yet</text>`);
  }
  parts.push('</svg>');
  return parts.join('\n') + '\n';
}

/** Each point held until the next one, the last one to `xEnd`. */
export function stepPoints(points: readonly ChartPoint[], xEnd: number): ChartPoint[] {
  const out: ChartPoint[] = [];
  points.forEach((p, i) => {
    if (i > 0) out.push({ x: p.x, y: points[i - 1].y });
    out.push(p);
  });
  const last = points[points.length - 1];
  if (last && xEnd > last.x) out.push({ x: xEnd, y: last.y });
  return out;
}

/** Round tick values 0..max (or lo..hi), about 6 of them, at steps of 1, 2 or 5 times a power of ten. */
export function linearTicks(lo: number, hi: number): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / 6;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw) ?? 10 * power;
  const ticks: number[] = [];
  for (let v = Math.ceil(lo / step - 1e-9) * step; v <= hi + step * 1e-9; v += step) ticks.push(Number(v.toPrecision(12)));
  return ticks;
}

/** 1, 2 and 5 times powers of ten inside [lo, hi]. */
export function logTicks(lo: number, hi: number): number[] {
  const ticks: number[] = [];
  for (let e = Math.floor(Math.log10(lo)); e <= Math.ceil(Math.log10(hi)); e++) {
    for (const m of [1, 2, 5]) {
      const v = Number((m * 10 ** e).toPrecision(12));
      if (v >= lo * (1 - 1e-9) && v <= hi * (1 + 1e-9)) ticks.push(v);
    }
  }
  return ticks;
}

function yDomain(ys: readonly number[], log: boolean): [number, number] {
  if (ys.length === 0) return log ? [0.01, 1] : [0, 1];
  let lo = Math.min(...ys);
  let hi = Math.max(...ys);
  if (log) return [lo / 1.15, hi * 1.15];
  if (hi === lo) { lo -= 0.5; hi += 0.5; }
  const pad = (hi - lo) * 0.05;
  return [lo - pad, hi + pad];
}

function n(value: number): string {
  return value.toFixed(1);
}

function trim(value: number): string {
  return String(Number(value.toPrecision(6)));
}

export function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
