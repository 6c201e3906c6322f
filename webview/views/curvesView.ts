/**
 * Learning curves tab: every trial's error (1 − CIFAR-10 test accuracy) against epochs, coloured by bracket type, with
 * the scheduler's decisions at rungs (▲ promoted, ✕ stopped); and the rung ledger (per bracket and
 * rung: results in of slots, trials still training, promoted). All curves of one bracket type share
 * one series, broken between trials, so 5,000 trials are six datasets.
 */
import type { BracketLedger, PanelModel } from '../../src/core/panel/panelModel';
import { ERROR_AXIS_LABEL } from '../../src/core/readModel/errorMetric';
import { withAlpha, type ChartColours } from '../chartTheme';
import { el } from '../elementBuilder';
import { formatError, formatPercent, toPercent } from '../numberFormat';
import type { PanelActions, PanelView, ViewContext } from '../panelView';
import type { ChartSpec, SeriesSpec, ThemedChart } from '../themedChart';
import { checkbox, dropdown } from '../toolkit';
import { chartBox } from './chartBox';

const BRACKET_CHOICES = [{ value: 'all', label: 'All bracket types' }, ...[0, 1, 2, 3, 4, 5].map((b) => ({ value: String(b), label: `Bracket type b${b}` }))];
/** Ledger rows shown at most (newest brackets first). */
const LEDGER_ROWS = 60;

export class CurvesView implements PanelView {
  readonly element = el('section', { className: 'view curves-view', attrs: { 'aria-label': 'Learning curves' } });
  readonly modelThrottleMs = 500;
  private readonly chart: ThemedChart;
  private readonly ledger = el('div', { className: 'ledger' });
  private model: PanelModel | null = null;

  constructor(private readonly actions: PanelActions) {
    const s = actions.state;
    const box = chartBox(actions, 'curves', 'Learning curves by bracket', (c) => this.spec(c), (id) => actions.selectTrial(id));
    this.chart = box.chart;
    box.element.classList.add('tall-chart');
    this.element.append(
      el('div', { className: 'toolbar' }, [
        dropdown({ id: 'curves-bracket', label: 'Bracket type', value: s.curvesBracketType === null ? 'all' : String(s.curvesBracketType), choices: BRACKET_CHOICES, onChange: (v) => actions.setState({ curvesBracketType: v === 'all' ? null : Number(v) }) }),
        checkbox({ id: 'curves-log-epoch', label: 'Log epoch axis', checked: s.curvesLogEpoch, onChange: (curvesLogEpoch) => actions.setState({ curvesLogEpoch }) }),
        el('span', { className: 'hint', text: 'Click a curve to select its trial. ▲ promoted at a rung, × stopped.' }),
      ]),
      box.element,
      el('h3', { text: 'Rung ledger' }),
      this.ledger,
    );
  }

  render({ model, reasons }: ViewContext): void {
    this.model = model;
    this.chart.refresh();
    if (reasons.model || this.ledger.childElementCount === 0) this.ledger.replaceChildren(ledgerTable(model.ledger));
  }

  private spec(colours: ChartColours): ChartSpec {
    const model = this.model;
    const state = this.actions.state;
    const only = state.curvesBracketType;
    const series: SeriesSpec[] = [];
    if (model) {
      const byType = new Map<number, { x: number[]; y: (number | null)[]; ids: number[] }>();
      for (const curve of model.curves) {
        const type = curve.bracketType ?? 0;
        if (only !== null && type !== only) continue;
        let s = byType.get(type);
        if (!s) { s = { x: [], y: [], ids: [] }; byType.set(type, s); }
        for (let i = 0; i < curve.epochs.length; i++) { s.x.push(curve.epochs[i]); s.y.push(toPercent(curve.errors[i])); s.ids.push(curve.id); }
        // A null between curves lifts the pen.
        s.x.push(curve.epochs[curve.epochs.length - 1] ?? 1); s.y.push(null); s.ids.push(curve.id);
      }
      // Thousands of overlapping curves read better as a density: the more curves, the fainter each.
      const alpha = model.curves.length > 1500 ? 0.3 : model.curves.length > 300 ? 0.55 : 0.9;
      for (const [type, s] of [...byType.entries()].sort((a, b) => a[0] - b[0])) {
        series.push({ label: `b${type}`, colour: withAlpha(colours.series[type % colours.series.length], alpha), kind: 'line', width: 1, x: s.x, y: s.y, ids: s.ids, tooltip: (i) => `trial ${s.ids[i]}, epoch ${s.x[i]}: ${formatPercent(s.y[i])}` });
      }
      series.push(...this.markSeries(model, colours, only));
      const selected = model.curves.find((c) => c.id === state.selectedTrialId);
      if (selected) {
        series.push({ label: `trial ${selected.id}`, colour: colours.foreground, kind: 'line', width: 3, x: selected.epochs, y: selected.errors.map(toPercent), pointRadius: 2, tooltip: (i) => `trial ${selected.id}, epoch ${selected.epochs[i]}: ${formatError(selected.errors[i])}` });
      }
    }
    const maxEpoch = (model?.trials ?? []).reduce((m, t) => Math.max(m, t.epochs), 1);
    return { title: 'Learning curves', xLabel: 'epoch', yLabel: `${ERROR_AXIS_LABEL}, %`, xLog: state.curvesLogEpoch, xRange: [1, maxEpoch], series };
  }

  private markSeries(model: PanelModel, colours: ChartColours, only: number | null): SeriesSpec[] {
    const typeOf = new Map(model.curves.map((c) => [c.id, c.bracketType ?? 0]));
    const m = model.marks;
    const kinds = [
      { kind: 'promoted', label: 'promoted', colour: colours.foreground, style: 'triangle' as const },
      { kind: 'stopped', label: 'stopped', colour: colours.muted, style: 'crossRot' as const },
    ];
    return kinds.map(({ kind, label, colour, style }) => {
      const x: number[] = [], y: (number | null)[] = [], ids: number[] = [];
      for (let i = 0; i < m.trialIds.length; i++) {
        if (m.kinds[i] !== kind || (only !== null && typeOf.get(m.trialIds[i]) !== only)) continue;
        x.push(m.levels[i]); y.push(toPercent(m.errors[i])); ids.push(m.trialIds[i]);
      }
      return { label, colour, kind: 'scatter' as const, pointStyle: style, pointRadius: 3.5, x, y, ids, tooltip: (i: number) => `trial ${ids[i]} ${kind} at epoch ${x[i]}: ${formatPercent(y[i])}` };
    }).filter((s) => s.x.length > 0);
  }
}

function ledgerTable(ledger: readonly BracketLedger[]): HTMLElement {
  if (ledger.length === 0) return el('p', { className: 'muted', text: 'No brackets: this scheduler does not use Hyperband rungs.' });
  const depth = Math.max(...ledger.map((b) => b.rungs.length));
  const table = el('table', { className: 'small-table ledger-table', attrs: { id: 'rung-ledger' } });
  const head = el('tr', {}, [el('th', { text: 'Bracket', attrs: { scope: 'col' } }), ...Array.from({ length: depth }, (_, k) => el('th', { text: `Rung ${k}`, attrs: { scope: 'col' } }))]);
  table.append(el('thead', {}, [head]));
  const body = el('tbody');
  for (const b of ledger.slice(-LEDGER_ROWS).reverse()) {
    const cells = b.rungs.map((r) => {
      const state = r.complete ? 'complete' : r.filled + r.pending > 0 ? 'filling' : 'waiting';
      const text = `${r.filled}/${r.slots} @${r.level}` + (r.pending > 0 ? ` · ${r.pending} running` : '') + (r.promoted !== null ? ` · ${r.promoted} promoted` : '');
      return el('td', { className: `rung-${state}`, text, title: `epoch ${r.level}: ${r.filled} of ${r.slots} slots have results, ${r.pending} trials training, ${r.promoted ?? 'not yet'} promoted` });
    });
    body.append(el('tr', { attrs: { 'data-bracket': String(b.bracket) } }, [el('th', { text: `${b.bracket} (b${b.bracketType})`, attrs: { scope: 'row' } }), ...cells]));
  }
  table.append(body);
  const note = ledger.length > LEDGER_ROWS ? el('p', { className: 'muted', text: `Newest ${LEDGER_ROWS} of ${ledger.length} brackets.` }) : null;
  return el('div', {}, [table, note]);
}
