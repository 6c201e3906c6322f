import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lineChartSvg, linearTicks, logTicks, stepPoints } from '../../src/extension/lineChartSvg';

const polylines = (svg: string) => [...svg.matchAll(/<polyline points="([^"]+)" fill="none" stroke="(#[0-9a-f]{6})"/g)]
  .map((m) => ({ color: m[2], points: m[1].split(' ').map((p) => p.split(',').map(Number)) }));

test('ticks are round numbers inside the range', () => {
  assert.deepEqual(linearTicks(0, 5), [0, 1, 2, 3, 4, 5]);
  assert.deepEqual(linearTicks(0, 0.9), [0, 0.2, 0.4, 0.6, 0.8]);
  assert.deepEqual(linearTicks(0, 18), [0, 5, 10, 15]);
  assert.deepEqual(logTicks(0.05, 0.95), [0.05, 0.1, 0.2, 0.5]);
});

test('a step curve holds each value until the next point and to the end', () => {
  assert.deepEqual(stepPoints([{ x: 0, y: 3 }, { x: 2, y: 1 }], 5), [{ x: 0, y: 3 }, { x: 2, y: 3 }, { x: 2, y: 1 }, { x: 5, y: 1 }]);
  assert.deepEqual(stepPoints([{ x: 5, y: 1 }], 5), [{ x: 5, y: 1 }]);
});

test('the incumbent curve goes down the page as the error falls, within the plot', () => {
  const points = [{ x: 0.1, y: 0.4 }, { x: 1, y: 0.2 }, { x: 3, y: 0.08 }];
  const svg = lineChartSvg({
    title: 'Incumbent <study & co>', xLabel: 'h', yLabel: 'error', xMax: 5, yScale: 'log',
    series: [{ name: 'best', points, color: '#1f77b4', step: true }], referenceLines: [{ y: 0.0563, label: 'optimum' }],
  });
  assert.match(svg, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg" width="720" height="360"/);
  assert.match(svg, /Incumbent &lt;study &amp; co&gt;/);
  assert.doesNotMatch(svg, /<study/);
  const curve = polylines(svg).find((p) => p.color === '#1f77b4')!;
  assert.equal(curve.points.length, 6, 'three values as steps plus the hold to x = 5');
  const ys = curve.points.map((p) => p[1]);
  for (let i = 1; i < ys.length; i++) assert.ok(ys[i] >= ys[i - 1], 'lower error is drawn lower (larger y)');
  const xs = curve.points.map((p) => p[0]);
  assert.ok(xs.every((x) => x >= 64 && x <= 704), 'inside the plot area');
  assert.equal(xs[xs.length - 1], 704, 'held to the budget at the right edge');
  assert.match(svg, /stroke-dasharray="5 4"/, 'the optimum line');
  assert.equal(lineChartSvg({ title: 't', xLabel: 'x', yLabel: 'y', series: [{ name: 'best', points, color: '#1f77b4' }] }),
    lineChartSvg({ title: 't', xLabel: 'x', yLabel: 'y', series: [{ name: 'best', points, color: '#1f77b4' }] }), 'deterministic');
});

test('an empty chart says so instead of failing', () => {
  const svg = lineChartSvg({ title: 't', xLabel: 'x', yLabel: 'y', yScale: 'log', series: [{ name: 's', points: [], color: '#000000' }] });
  assert.match(svg, /no data yet/);
  assert.doesNotMatch(svg, /NaN|Infinity/);
});
