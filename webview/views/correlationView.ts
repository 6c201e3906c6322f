/**
 * Rung correlation tab: how well a short training ranks cells as the next rung does (Spearman between
 * errors at consecutive rung levels, for the trials that reached both, with a scatter of one pair),
 * and how well LLAMBO's surrogate is calibrated (predicted mean ± std against the true error at the
 * level it predicted for, against the diagonal).
 */
import type { PanelModel, RungPairCorrelation } from '../../src/core/panel/panelModel';
import { MIN_RUNG_PAIRS } from '../../src/core/panel/rungCorrelation';
import type { ChartColours } from '../chartTheme';
import { el, factList } from '../elementBuilder';
import { formatCount, formatError, formatFixed, toPercent } from '../numberFormat';
import type { PanelActions, PanelView, ViewContext } from '../panelView';
import type { ChartSpec, SeriesSpec, ThemedChart } from '../themedChart';
import { chartBox } from './chartBox';

export class CorrelationView implements PanelView {
  readonly element = el('section', { className: 'view correlation-view', attrs: { 'aria-label': 'Rung correlation' } });
  readonly modelThrottleMs = 500;
  private readonly pairs = el('div', { className: 'pair-table' });
  private readonly calibrationFacts = el('div', { className: 'calibration-facts' });
  private readonly scatter: ThemedChart;
  private readonly calibration: ThemedChart;
  private readonly calibrationBox: HTMLElement;
  private model: PanelModel | null = null;

  constructor(private readonly actions: PanelActions) {
    const scatter = chartBox(actions, 'rung-scatter', 'Error at one rung vs the next', (c) => this.scatterSpec(c), (id) => actions.selectTrial(id));
    const calibration = chartBox(actions, 'calibration', 'Surrogate calibration', (c) => this.calibrationSpec(c), (id) => actions.selectTrial(id));
    this.scatter = scatter.chart;
    this.calibration = calibration.chart;
    this.calibrationBox = calibration.element;
    this.element.append(
      el('div', { className: 'chart-row' }, [
        el('div', {}, [el('h3', { text: 'Spearman between consecutive rungs' }), this.pairs]),
        scatter.element,
      ]),
      el('div', { className: 'chart-row' }, [
        el('div', {}, [el('h3', { text: 'Surrogate calibration' }), this.calibrationFacts]),
        calibration.element,
      ]),
    );
  }

  render({ model }: ViewContext): void {
    this.model = model;
    this.renderPairs(model);
    const c = model.calibration;
    this.calibrationFacts.replaceChildren(c.n === 0
      ? el('p', { className: 'muted', text: 'No trial with a surrogate prediction has reached the level it was predicted for yet (only LLAMBO predicts).' })
      : factList([
        ['Trials', formatCount(c.n)],
        ['Spearman (predicted vs true)', formatFixed(c.spearman, 3)],
        ['Within ±1 std', c.within1Std === null ? '—' : `${(c.within1Std * 100).toFixed(1)}% (68% if calibrated)`],
        ['Within ±2 std', c.within2Std === null ? '—' : `${(c.within2Std * 100).toFixed(1)}% (95% if calibrated)`],
        ['Mean absolute error', c.meanAbsError === null ? '—' : `${(c.meanAbsError * 100).toFixed(2)} pp`],
      ], 'facts calibration'));
    this.scatter.refresh();
    this.calibrationBox.hidden = c.n === 0;
    if (c.n > 0) this.calibration.refresh();
  }

  private renderPairs(model: PanelModel): void {
    if (model.correlation.length === 0) {
      this.pairs.replaceChildren(el('p', { className: 'muted', text: 'No trial has reached two rungs yet.' }));
      return;
    }
    const selected = this.pairIndex(model);
    const table = el('table', { className: 'small-table', attrs: { id: 'rung-pairs' } });
    table.append(el('thead', {}, [el('tr', {}, ['Rungs (epochs)', 'Trials', 'Spearman ρ', ''].map((h) => el('th', { text: h, attrs: { scope: 'col' } })))]));
    const body = el('tbody');
    model.correlation.forEach((p, i) => {
      const show = el('button', { className: 'link-button', text: i === selected ? 'shown' : 'show', attrs: { type: 'button', 'aria-pressed': String(i === selected) } });
      show.addEventListener('click', () => this.actions.setState({ correlationPair: i }));
      body.append(el('tr', { className: i === selected ? 'selected' : '', attrs: { 'data-pair': `${p.low}-${p.high}` } }, [
        el('td', { text: `${p.low} → ${p.high}` }), el('td', { text: formatCount(p.n) }),
        el('td', { className: 'spearman', text: rhoText(p), title: p.n < MIN_RUNG_PAIRS ? `A rank correlation needs at least ${MIN_RUNG_PAIRS} trials at both rungs` : '' }), el('td', {}, [show]),
      ]));
    });
    table.append(body);
    this.pairs.replaceChildren(table);
  }

  private pairIndex(model: PanelModel): number {
    return Math.min(this.actions.state.correlationPair, Math.max(0, model.correlation.length - 1));
  }

  private scatterSpec(colours: ChartColours): ChartSpec {
    const model = this.model;
    const pair = model?.correlation[this.pairIndex(model)];
    const series: SeriesSpec[] = pair ? [{
      label: `trials at epochs ${pair.low} and ${pair.high}`, colour: colours.series[0], kind: 'scatter', x: pair.x.map((v) => toPercent(v)), y: pair.y.map((v) => toPercent(v)), ids: pair.trialIds,
      tooltip: (i) => `trial ${pair.trialIds[i]}: ${formatError(pair.x[i])} → ${formatError(pair.y[i])}`,
    }] : [];
    const rho = pair && pair.n < MIN_RUNG_PAIRS ? rhoText(pair) : `ρ = ${formatFixed(pair?.spearman, 3)}`;
    return { title: pair ? `Error at epoch ${pair.low} vs epoch ${pair.high} (${rho})` : 'Rung scatter', xLabel: pair ? `error at epoch ${pair.low} (%)` : 'error (%)', yLabel: pair ? `error at epoch ${pair.high} (%)` : 'error (%)', series };
  }

  /** In percent, like every error axis of the panel. */
  private calibrationSpec(colours: ChartColours): ChartSpec {
    const fraction = this.model?.calibration;
    const series: SeriesSpec[] = [];
    if (fraction && fraction.n > 0) {
      const c = { ...fraction, mean: fraction.mean.map((v) => toPercent(v)), std: fraction.std.map((v) => toPercent(v)), trueError: fraction.trueError.map((v) => toPercent(v)) };
      const lo = Math.min(...c.trueError, ...c.mean.map((m, i) => m - c.std[i]));
      const hi = Math.max(...c.trueError, ...c.mean.map((m, i) => m + c.std[i]));
      series.push({ label: 'perfect prediction', colour: colours.muted, kind: 'line', width: 1, x: [lo, hi], y: [lo, hi], legend: false });
      // Whiskers: one horizontal segment per trial from mean - std to mean + std, broken by nulls.
      const wx: number[] = [], wy: (number | null)[] = [];
      c.mean.forEach((m, i) => { wx.push(m - c.std[i], m + c.std[i], m + c.std[i]); wy.push(c.trueError[i], c.trueError[i], null); });
      series.push({ label: '± std', colour: colours.series[1], kind: 'line', width: 1, x: wx, y: wy });
      series.push({
        label: 'predicted mean', colour: colours.series[0], kind: 'scatter', x: c.mean, y: c.trueError, ids: c.trialIds,
        tooltip: (i) => `trial ${c.trialIds[i]}: predicted ${formatError(fraction.mean[i])} ± ${formatError(fraction.std[i])}, true ${formatError(fraction.trueError[i])}`,
      });
    }
    return { title: 'Predicted vs true error at the predicted level', xLabel: 'predicted error (%, mean ± std)', yLabel: 'true error (%)', series };
  }
}

/** ρ to three decimals, or why there is none. */
function rhoText(p: RungPairCorrelation): string {
  if (p.n < MIN_RUNG_PAIRS) return `too few trials (${p.n} < ${MIN_RUNG_PAIRS})`;
  return formatFixed(p.spearman, 3);
}
