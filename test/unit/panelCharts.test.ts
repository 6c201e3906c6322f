import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { StudyEvent, StudyEventDraft } from '../../src/core/events/studyEvents';
import { toArchString } from '../../src/core/nb201/searchSpace';
import { errorAxisRange } from '../../src/core/panel/errorAxisRange';
import { chartSvg } from '../../src/core/panel/chartSvg';
import { PanelModelBuilder } from '../../src/core/panel/panelModelBuilder';
import { MIN_RUNG_PAIRS } from '../../src/core/panel/rungCorrelation';
import { SERIES_DASHES, seriesStyle } from '../../src/core/panel/seriesStyles';
import { tableCell } from '../../src/core/study/studyReport';
import { formatScore } from '../../webview/numberFormat';

const OPS = [3, 3, 3, 1, 3, 2];

function numbered(drafts: StudyEventDraft[]): StudyEvent[] {
  return drafts.map((draft, seq) => ({ seq, ...draft }) as StudyEvent);
}

const start = (trialId: number, untilEpoch: number): StudyEventDraft =>
  ({ type: 'trialStarted', time: 0, trialId, arch: toArchString(OPS), ops: OPS, bracket: 0, untilEpoch, seed: 0 });
const result = (trialId: number, epoch: number, error: number | null): StudyEventDraft =>
  ({ type: 'result', time: epoch, trialId, epoch, error, seed: 0, elapsed: epoch, runtime: 1 });

test('error axis: the top is the highest incumbent after the first tenth of the time, the optimum is inside', () => {
  // A first incumbent of 0.9 for one second, then values around 0.06 for 100 s.
  const traces = [
    { time: [0, 1, 50, 100], values: [0.9, 0.08, 0.065, 0.065] },
    { time: [0, 2, 30, 100], values: [0.7, 0.1, 0.07, 0.07], low: [0.6, 0.09, 0.066, 0.066], high: [0.8, 0.12, 0.075, 0.075] },
  ];
  const [lo, hi] = errorAxisRange(traces, 0.0563) ?? [NaN, NaN];
  assert.ok(hi < 0.2, `zoomed past the first incumbents: top ${hi}`);
  assert.ok(hi >= 0.12, `keeps the band of the value held at the settled time (0.12): top ${hi}`);
  assert.ok(lo < 0.0563 && lo > 0.04, `the optimum is inside, with a small margin: bottom ${lo}`);
  const [logLo] = errorAxisRange(traces, 0.0563, true) ?? [NaN];
  assert.ok(logLo > 0 && logLo < 0.0563, 'a log axis stays positive');
  assert.equal(errorAxisRange([{ time: [], values: [] }], null), undefined, 'no data, no range');
  // A single point (the study has just started): its own value, not an empty range.
  const [a, b] = errorAxisRange([{ time: [0], values: [0.3] }], null) ?? [NaN, NaN];
  assert.ok(a < 0.3 && b > 0.3);
});

test('series styles: the first ten have ten colours and ten dash patterns, also from a six-colour theme palette', () => {
  const themePalette = ['#111111', '#222222', '#333333', '#444444', '#555555', '#666666'];
  const styles = Array.from({ length: 10 }, (_, i) => seriesStyle(i, themePalette));
  assert.equal(new Set(styles.map((s) => s.colour)).size, 10);
  assert.equal(new Set(styles.map((s) => s.dash.join(','))).size, 10);
  assert.deepEqual(styles.slice(0, 6).map((s) => s.colour), themePalette, 'the theme colours come first');
  assert.equal(SERIES_DASHES[0].length, 0, 'the first series is solid');
  const twenty = Array.from({ length: 20 }, (_, i) => seriesStyle(i, themePalette));
  assert.equal(new Set(twenty.map((s) => `${s.colour}/${s.dash.join(',')}`)).size, 20, 'past ten, no style repeats');
  const svg = chartSvg({
    title: 't', width: 400, height: 200, xLabel: 'x', yLabel: 'y', background: '#fff', foreground: '#000', grid: '#ccc', yExtent: [0, 1],
    series: styles.map((s, i) => ({ label: `s${i}`, colour: s.colour, dash: s.dash, kind: 'line' as const, x: [0, 1], y: [i / 10, 2] })),
  });
  assert.equal((svg.match(/stroke-dasharray="[\d ]+"/g) ?? []).length, 2 * 9, 'nine dashed lines, each also in the legend');
  assert.ok(svg.includes('clip-path="url(#plot)"'), 'lines leaving a fixed y range are clipped');
});

test("a trial's own curve has every epoch it trained, so its best error is on it", () => {
  // Epoch 8 is not among the decimated curve's epochs (1, 2, 3, 4, 5, 6, 7, 9, ...): the case of trial 14.
  const errors = [0.5, 0.4, 0.35, 0.3, 0.28, 0.26, 0.25, 0.2038, 0.21, 0.22, 0.215, 0.214];
  const builder = new PanelModelBuilder();
  builder.add(numbered([start(14, 12), ...errors.map((e, i) => result(14, i + 1, e))]));
  const decimated = builder.snapshot().curves[0];
  assert.ok(!decimated.epochs.includes(8), 'the precondition: the decimated curve drops epoch 8');
  const full = builder.trialCurve(14);
  assert.deepEqual(full?.epochs, errors.map((_, i) => i + 1));
  assert.deepEqual(full?.errors, errors);
  const row = builder.snapshot().trials[0];
  assert.equal(full?.errors[(row.bestErrorEpoch ?? 0) - 1], row.bestError);
  assert.equal(builder.trialCurve(99), undefined);
});

test(`rung pairs with fewer than ${MIN_RUNG_PAIRS} trials give no Spearman`, () => {
  const pairOf = (trials: number) => {
    const drafts: StudyEventDraft[] = [];
    for (let id = 0; id < trials; id++) {
      drafts.push(start(id, 1), result(id, 1, 0.5 - id / 100), { type: 'trialResumed', time: 1, trialId: id, bracket: 0, fromEpoch: 1, untilEpoch: 3 }, result(id, 3, 0.4 - id / 50));
    }
    const builder = new PanelModelBuilder();
    builder.add(numbered(drafts));
    return builder.snapshot().correlation[0];
  };
  assert.deepEqual([pairOf(MIN_RUNG_PAIRS - 1).n, pairOf(MIN_RUNG_PAIRS - 1).spearman], [MIN_RUNG_PAIRS - 1, null]);
  assert.equal(pairOf(MIN_RUNG_PAIRS).spearman, 1);
});

test('report table cells escape the pipes of arch strings; EI below 1e-4 is written in scientific notation', () => {
  const arch = toArchString(OPS);
  const row = `| 1 | \`${tableCell(arch)}\` |`;
  // A GFM row splits at unescaped pipes: the row must still have exactly two cells.
  assert.equal(row.split(/(?<!\\)\|/).length - 2, 2, row);
  assert.equal(tableCell('a|b'), 'a\\|b');
  assert.equal(formatScore(0.00003162), '3.16e-5');
  assert.equal(formatScore(0.0123456), '0.0123');
  assert.equal(formatScore(0), '0.0000');
  assert.equal(formatScore(null), '—');
});
