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
  assert.equal((svg.match(/<circle [^>]*r="3"/g) ?? []).length, 1, 'the scatter\'s legend entry is a point, the lines\' are strokes');
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
