import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chartSvg, type ChartSvgSpec } from '../../src/core/panel/chartSvg';

const spec = (extra: Partial<ChartSvgSpec> = {}): ChartSvgSpec => ({
  title: 'Incumbent <error>', width: 600, height: 300, xLabel: 'simulated hours', yLabel: 'error',
  background: '#ffffff', foreground: '#111111', grid: '#dddddd',
  series: [
    { label: 'llambo', colour: '#1a85ff', kind: 'step', x: [1, 10, 100], y: [0.3, 0.2, 0.1], band: { low: [0.25, 0.15, 0.08], high: [0.35, 0.25, 0.12] } },
    { label: 'random', colour: '#d1412a', kind: 'line', x: [1, 2, 3, 4], y: [0.5, null, 0.4, 0.3] },
    { label: 'marks', colour: '#388a34', kind: 'scatter', x: [1, 2], y: [0.2, 0.3] },
  ],
  ...extra,
});

test('the chart SVG draws steps, broken lines, bands, points and a legend, with text escaped', () => {
  const svg = chartSvg(spec());
  assert.match(svg, /^<svg xmlns="http:\/\/www.w3.org\/2000\/svg" width="600" height="300"/);
  assert.ok(svg.includes('Incumbent &lt;error&gt;'));
  const paths = [...svg.matchAll(/<path d="([^"]*)" fill="none" stroke="([^"]*)"/g)];
  assert.equal(paths.length, 2);
  assert.match(paths[0][1], /^M[\d.]+ [\d.]+H[\d.]+V[\d.]+H[\d.]+V[\d.]+$/, 'step: horizontal, then vertical');
  assert.equal(paths[1][1].split('M').length - 1, 2, 'null breaks the line into two pieces');
  assert.equal((svg.match(/<polygon /g) ?? []).length, 1);
  const band = /<polygon points="([^"]*)"/.exec(svg)?.[1].split(' ') ?? [];
  assert.equal(band.length, 10, 'a step band holds each value to the next x: 5 points along the top, 5 back along the bottom');
  assert.equal((svg.match(/<circle [^>]*r="2.2"/g) ?? []).length, 2, 'the scatter points');
  assert.equal((svg.match(/<circle [^>]*r="3"/g) ?? []).length, 2, 'the scatter\'s legend entry is a point, the lines\' are strokes; the broken line\'s first point has no drawn neighbour, so it gets a marker');
  assert.equal((svg.match(/<line [^>]*stroke-width="2"/g) ?? []).length, 2);
  for (const label of ['llambo', 'random', 'marks']) assert.ok(svg.includes(`>${label}</text>`));
});

test('a log axis gets 1-2-5 ticks and leaves out values it cannot draw', () => {
  const svg = chartSvg(spec({ xLog: true, series: [{ label: 'curve', colour: '#000', kind: 'line', x: [0, 1, 10, 200], y: [0.9, 0.8, 0.5, 0.1] }] }));
  const ticks = [...svg.matchAll(/text-anchor="middle" fill="#111111">([^<]*)<\/text>/g)].map((m) => m[1]);
  for (const t of ['1', '2', '5', '10', '20', '50', '100', '200']) assert.ok(ticks.includes(t), `tick ${t} in ${ticks.join(',')}`);
  const d = /<path d="([^"]*)"/.exec(svg)?.[1] ?? '';
  assert.equal(d.split(/[ML]/).filter(Boolean).length, 3, 'x = 0 is left out on a log axis');
});

// The plot area of a 600 x 300 chart: the margins are 64 left, 16 right, 34 top, 46 bottom.
const PLOT = { left: 64, right: 584, top: 34, bottom: 254 };
const lineSpec = (series: ChartSvgSpec['series'], extra: Partial<ChartSvgSpec> = {}) => spec({ series, ...extra });
/** Markers on points, in drawing order (the legend's entries are drawn last and left out). */
function markers(svg: string): { x: number; y: number; r: number; fill: string }[] {
  const body = svg.slice(0, svg.indexOf('<text', svg.lastIndexOf('</g>')));
  return [...body.matchAll(/<circle cx="([^"]*)" cy="([^"]*)" r="([^"]*)" fill="([^"]*)"/g)]
    .map((m) => ({ x: Number(m[1]), y: Number(m[2]), r: Number(m[3]), fill: m[4] }));
}
const inPlot = (p: { x: number; y: number }) => p.x >= PLOT.left && p.x <= PLOT.right && p.y >= PLOT.top && p.y <= PLOT.bottom;

test('a series of one point gets a marker in its colour at the point, inside the plot: a path of one point draws nothing', () => {
  for (const kind of ['step', 'line'] as const) {
    const svg = chartSvg(lineSpec([{ label: 'first result', colour: '#1a85ff', kind, x: [0.4], y: [0.3] }], { xExtent: [0, 1] }));
    assert.doesNotMatch(svg, /NaN|Infinity/);
    const marks = markers(svg);
    assert.equal(marks.length, 1, `${kind}: one marker`);
    assert.equal(marks[0].fill, '#1a85ff');
    assert.ok(marks[0].r > 0);
    assert.ok(inPlot(marks[0]), `${kind}: ${JSON.stringify(marks[0])} inside the plot`);
    assert.equal(marks[0].x, 64 + 0.4 * 520, 'at the point\'s x (0.4 of the way from 0 to 1)');
    assert.equal(marks[0].y, 34 + 220 / 2, 'a single value sits in the middle of its widened axis');
    assert.doesNotMatch(svg, />-[\d.]+<\/text>/, 'the widened axis of a positive value shows no negative ticks');
  }
});

test('each point cut off by gaps (null, NaN, a value a log axis cannot show) gets a marker; points on a drawn line do not', () => {
  const svg = chartSvg(lineSpec([
    { label: 'gaps', colour: '#d1412a', kind: 'line', x: [1, 2, 3, 4, 5, 6, 7], y: [0.5, null, 0.4, NaN, 0.3, 0.2, 0.25] },
    { label: 'whole', colour: '#388a34', kind: 'step', x: [1, 2, 3], y: [0.6, 0.5, 0.45] },
    { label: 'dots', colour: '#000000', kind: 'scatter', x: [2, 3], y: [0.1, 0.15] },
  ]));
  assert.doesNotMatch(svg, /NaN|Infinity/);
  const lone = markers(svg).filter((m) => m.r === 3);
  assert.deepEqual(lone.map((m) => m.fill), ['#d1412a', '#d1412a'], 'x = 1 and x = 3 of the broken line; 5-6-7 is a line; the whole step line has none');
  assert.deepEqual(lone.map((m) => m.x), [64, Number((64 + 520 * 2 / 6).toFixed(1))]);
  assert.equal(markers(svg).filter((m) => m.r === 2.2).length, 2, 'the scatter is drawn as before');
  const log = chartSvg(lineSpec([{ label: 'log', colour: '#123456', kind: 'line', x: [1, 2, 3], y: [0.2, 0, 0.1] }], { yLog: true }));
  assert.equal(markers(log).length, 2, 'y = 0 on a log axis is a gap: both sides are lone');
  const normal = chartSvg(lineSpec([{ label: 'curve', colour: '#000000', kind: 'line', x: [1, 2, 3, 4], y: [0.9, 0.5, 0.4, 0.3] }]));
  assert.equal(markers(normal).length, 0, 'a line of drawn points has no markers');
});

test('a lone point on the edge of the plot shows its whole marker; one outside a fixed y range is not drawn', () => {
  // A learning curve of a trial stopped at epoch 1 is at the left edge of the epoch axis.
  const svg = chartSvg(lineSpec([
    { label: 'stopped', colour: '#1a85ff', kind: 'line', x: [1], y: [0.5] },
    { label: 'full', colour: '#d1412a', kind: 'line', x: [1, 2, 3], y: [0.6, 0.4, 0.3] },
    { label: 'off the zoom', colour: '#388a34', kind: 'line', x: [2], y: [0.9] },
  ], { yExtent: [0.2, 0.7] }));
  const marks = markers(svg);
  assert.deepEqual(marks.map((m) => m.fill), ['#1a85ff']);
  assert.equal(marks[0].x, PLOT.left);
  const unclipped = svg.slice(svg.lastIndexOf('</g>'));
  assert.ok(unclipped.includes(`<circle cx="${PLOT.left.toFixed(1)}"`), 'drawn after the clipped group, so half of it is not cut off');
});

test('a flat series and a fixed range of zero width are widened: finite coordinates inside the plot', () => {
  const cases: Partial<ChartSvgSpec>[] = [
    { series: [{ label: 'flat', colour: '#000000', kind: 'step', x: [0, 1, 2], y: [0.2, 0.2, 0.2] }] },
    { series: [{ label: 'zero', colour: '#000000', kind: 'line', x: [0], y: [0] }] },
    { series: [{ label: 'one', colour: '#000000', kind: 'line', x: [3], y: [0.3] }], yExtent: [0.3, 0.3], xExtent: [3, 3] },
    { series: [{ label: 'log', colour: '#000000', kind: 'step', x: [5], y: [0.07] }], xLog: true, yLog: true },
    { series: [{ label: 'bad range', colour: '#000000', kind: 'line', x: [1, 2], y: [0.3, 0.4] }], yExtent: [NaN, NaN] },
    { series: [{ label: 'negative', colour: '#000000', kind: 'line', x: [1], y: [-2] }] },
  ];
  for (const extra of cases) {
    const svg = chartSvg(spec(extra));
    const label = extra.series?.[0].label;
    assert.doesNotMatch(svg, /NaN|Infinity/, `${label}: finite`);
    const d = /<path d="([^"]*)"/.exec(svg)?.[1] ?? '';
    const points = [...d.matchAll(/[ML](-?[\d.]+) (-?[\d.]+)/g)].map((m) => ({ x: Number(m[1]), y: Number(m[2]) }));
    assert.ok(points.length > 0, `${label}: something is drawn`);
    for (const p of [...points, ...markers(svg)]) assert.ok(inPlot(p), `${label}: ${JSON.stringify(p)} inside the plot`);
    // One value on the y axis: it is widened around the value (0 is the bottom of 0 to 1).
    if (['flat', 'one', 'log', 'negative'].includes(label ?? '')) assert.equal(points[0].y, (PLOT.top + PLOT.bottom) / 2, `${label}: the value is in the middle`);
  }
});
