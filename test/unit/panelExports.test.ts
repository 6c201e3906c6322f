import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chartSvg, type ChartSvgSpec } from '../../src/core/panel/chartSvg';
import { csvField, trialsCsv } from '../../src/core/panel/trialsCsv';
import type { TrialView } from '../../src/core/panel/panelModel';

const row = (id: number, extra: Partial<TrialView> = {}): TrialView => ({
  id, arch: '|nor_conv_3x3~0|+|none~0|skip_connect~1|+|none~0|none~1|nor_conv_3x3~2|', ops: [3, 0, 1, 0, 0, 3],
  bracket: 0, bracketType: 0, rung: 1, epochs: 3, seed: 2, iso: 17, source: 'llambo', predictedMean: 0.31, predictedStd: 0.02,
  ei: 0.004, level: 1, callIds: ['llambo-2', 'llambo-7'], error: 0.35, bestError: 0.3, status: 'paused', fallback: false, startTime: 0, ...extra,
});

/** A minimal RFC 4180 reader, to check the writer round-trips. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let field = '', rowFields: string[] = [], quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { field += '"'; i++; } else if (c === '"') quoted = false; else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') { rowFields.push(field); field = ''; }
    else if (c === '\r' && text[i + 1] === '\n') { rowFields.push(field); rows.push(rowFields); rowFields = []; field = ''; i++; }
    else field += c;
  }
  return rows;
}

test('the trials CSV has a header, one line per row in the given order, and quotes what needs quoting', () => {
  const csv = trialsCsv([row(5), row(2, { source: 'say "hi", then\nleave', predictedMean: null, fallback: true })]);
  const rows = parseCsv(csv);
  assert.equal(rows.length, 3);
  const header = rows[0];
  const col = (name: string) => header.indexOf(name);
  assert.deepEqual([rows[1][col('trial_id')], rows[2][col('trial_id')]], ['5', '2']);
  assert.equal(rows[2][col('source')], 'say "hi", then\nleave');
  assert.equal(rows[2][col('predicted_mean')], '');
  assert.equal(rows[2][col('fallback')], 'true');
  assert.equal(rows[1][col('llm_call_ids')], 'llambo-2 llambo-7');
  assert.equal(rows[1][col('arch')], row(0).arch);
  assert.equal(csvField('a,b'), '"a,b"');
  assert.equal(csvField(0.5), '0.5');
});

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
  assert.equal((svg.match(/<circle /g) ?? []).length, 2);
  for (const label of ['llambo', 'random', 'marks']) assert.ok(svg.includes(`>${label}</text>`));
});

test('a log axis gets 1-2-5 ticks and leaves out values it cannot draw', () => {
  const svg = chartSvg(spec({ xLog: true, series: [{ label: 'curve', colour: '#000', kind: 'line', x: [0, 1, 10, 200], y: [0.9, 0.8, 0.5, 0.1] }] }));
  const ticks = [...svg.matchAll(/text-anchor="middle" fill="#111111">([^<]*)<\/text>/g)].map((m) => m[1]);
  for (const t of ['1', '2', '5', '10', '20', '50', '100', '200']) assert.ok(ticks.includes(t), `tick ${t} in ${ticks.join(',')}`);
  const d = /<path d="([^"]*)"/.exec(svg)?.[1] ?? '';
  assert.equal(d.split(/[ML]/).filter(Boolean).length, 3, 'x = 0 is left out on a log axis');
});
