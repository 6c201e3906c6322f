/**
 * The selected trial: facts, its cell diagram, its learning curve with rung decisions, and "why this
 * cell": where the searcher got it and the LLM calls (sampler, surrogate, warm start, repair) whose ids
 * the trial carries, each openable to its full prompt and reply.
 */
import type { LlmCallSummary, PanelModel, TrialCurve, TrialView } from '../../src/core/panel/panelModel';
import { ERROR_AXIS_LABEL } from '../../src/core/readModel/errorMetric';
import { cellDiagram } from '../cellGraphics';
import { el, factList } from '../elementBuilder';
import { formatError, formatHours, formatScore, toPercent } from '../numberFormat';
import type { PanelViewState } from '../../src/protocol';
import type { PanelActions, RenderReasons } from '../panelView';
import type { ChartSpec, ThemedChart } from '../themedChart';
import { button } from '../toolkit';
import { chartBox } from './chartBox';
import { llmCallCard } from './llmCallCard';

const COMPONENT_ORDER = ['warmstart', 'sampler', 'repair', 'surrogate'];

export class TrialDetail {
  readonly element = el('aside', { className: 'trial-detail', attrs: { 'aria-label': 'Selected trial', id: 'trial-detail' } });
  private readonly content = el('div', { className: 'trial-detail-content' });
  private readonly chart: ThemedChart;
  private readonly chartElement: HTMLElement;
  private trial: TrialView | undefined;
  private curve: TrialCurve | undefined;
  /** The selected trial's every-epoch curve from the host, and which (trial, epochs) was last asked for. */
  private fullCurve: TrialCurve | undefined;
  private askedCurve = '';
  private marks: { epochs: number[]; errors: (number | null)[]; kinds: string[] } = { epochs: [], errors: [], kinds: [] };
  private readonly openCalls = new Set<string>();
  private shown: { trial?: TrialView; calls?: readonly LlmCallSummary[] } = {};

  constructor(private readonly actions: PanelActions) {
    const box = chartBox(actions, 'trial-curve', 'Learning curve', (c) => this.curveSpec(c.series, c.foreground));
    this.chart = box.chart;
    box.element.classList.add('small-chart');
    this.chartElement = box.element;
    this.element.append(el('p', { className: 'placeholder', text: 'Select a trial (click a row, or use the arrow keys in the table) to see its cell, curve and why it was proposed.' }), this.content);
  }

  render(model: PanelModel, state: PanelViewState, reasons: RenderReasons): void {
    const id = state.selectedTrialId;
    this.trial = id === null ? undefined : model.trials.find((t) => t.id === id);
    const placeholder = this.element.querySelector('.placeholder') as HTMLElement;
    placeholder.hidden = this.trial !== undefined;
    if (!this.trial) { this.content.replaceChildren(); this.shown = {}; return; }
    this.curve = model.curves.find((c) => c.id === id);
    this.askFullCurve(this.trial);
    this.marks = marksOf(model, this.trial.id);
    const calls = callsOf(model, this.trial);
    if (this.shown.trial !== this.trial || this.shown.calls?.length !== calls.length || reasons.state) {
      this.shown = { trial: this.trial, calls };
      this.content.replaceChildren(...this.sections(this.trial, calls, model));
    }
    this.chart.refresh();
  }

  /** The model's curves are decimated; the selected trial's own chart shows every epoch it trained, asked of the host. */
  private askFullCurve(t: TrialView): void {
    const key = `${t.id}@${t.epochs}`;
    if (key === this.askedCurve) return;
    this.askedCurve = key;
    this.actions.request('panel/trialCurve', { trialId: t.id }).then((curve) => {
      if (!curve || curve.id !== this.trial?.id) return;
      this.fullCurve = curve;
      this.chart.refresh();
    }, () => undefined);
  }

  private sections(t: TrialView, calls: readonly LlmCallSummary[], model: PanelModel): HTMLElement[] {
    const incumbent = model.overview.incumbent;
    const facts: [string, string][] = [
      ['Status', `${t.status}${t.fallback ? ' · fallback' : ''}`],
      ['Bracket', t.bracketType === null ? String(t.bracket) : `${t.bracket} (type b${t.bracketType})`],
      ['Rung · epochs', `${t.rung} · ${t.epochs}`],
      ['Seed · iso class', `${t.seed} · ${t.iso ?? '—'}`],
      ['True error', `${formatError(t.error)} at epoch ${t.epochs} (best ${formatError(t.bestError)})`],
      ['Started', formatHours(t.startTime)],
      ['Arch', t.arch],
    ];
    const actionsRow = el('div', { className: 'toolbar' }, [
      button('Compare with incumbent', () => this.actions.setState({ compareTrialIds: [incumbent?.trialId ?? null, t.id], tab: 'cells' }), { id: 'compare-with-incumbent' }),
      button('Open cell', () => this.actions.post({ method: 'webview/openArch', params: { arch: t.arch } }), { title: 'Open the cell in an editor-side view' }),
    ]);
    const why = el('section', { className: 'why-this-cell', attrs: { id: 'why-this-cell', 'aria-label': 'Why this cell' } }, [
      el('h3', { text: 'Why this cell' }),
      el('p', { className: 'why-source', text: explainSource(t) }),
      calls.length > 0
        ? el('div', { className: 'why-calls' }, calls.map((call) => llmCallCard(call, this.actions, {
          open: this.openCalls.has(call.callId),
          onToggle: (open) => {
            if (open) this.openCalls.add(call.callId); else this.openCalls.delete(call.callId);
            this.shown = {};
            this.actions.setState({});
          },
        })))
        : el('p', { className: 'muted', text: t.callIds.length > 0 ? 'The calls are not in the log.' : 'No LLM calls led to this cell.' }),
    ]);
    return [
      el('h2', { text: `Trial #${t.id}` }),
      factList(facts),
      actionsRow,
      el('div', { className: 'cell-large' }, [cellDiagram(t.ops, { title: `Cell of trial ${t.id}: ${t.arch}` })]),
      // The same chart element each time: chart.js keeps drawing into its canvas.
      this.chartElement,
      why,
    ];
  }

  private curveSpec(palette: readonly string[], foreground: string): ChartSpec {
    const c = this.fullCurve?.id === this.trial?.id ? this.fullCurve : this.curve;
    const colour = palette[(this.trial?.bracketType ?? 0) % palette.length];
    const marks = this.marks;
    const kinds = ['promoted', 'stopped', 'completed'];
    const lastEpoch = Math.max(2, this.trial?.epochs ?? 2);
    // A log epoch axis only pays off past a few epochs; below that it shows no labels.
    const xLog = lastEpoch > 10;
    return {
      title: `Learning curve of trial ${this.trial?.id ?? ''}`, xLabel: 'epoch', yLabel: `${ERROR_AXIS_LABEL}, %`, xLog,
      // Padded so the rung marks at the first and last epoch are drawn whole.
      xRange: xLog ? [0.9, lastEpoch * 1.1] : [0.5, lastEpoch + 0.5],
      series: [
        { label: 'error', colour, kind: 'line', x: c?.epochs ?? [], y: (c?.errors ?? []).map(toPercent), pointRadius: 2, legend: false, tooltip: (i) => `epoch ${c?.epochs[i]}: ${formatError(c?.errors[i])}` },
        ...kinds.map((kind) => {
          const at = marks.kinds.map((k, i) => (k === kind ? i : -1)).filter((i) => i >= 0);
          return {
            label: kind, colour: kind === 'stopped' ? palette[4] : foreground, kind: 'scatter' as const,
            pointStyle: kind === 'stopped' ? 'crossRot' as const : 'triangle' as const, pointRadius: 6,
            x: at.map((i) => marks.epochs[i]), y: at.map((i) => toPercent(marks.errors[i])),
            tooltip: (j: number) => `${kind} at epoch ${marks.epochs[at[j]]}: ${formatError(marks.errors[at[j]])}`,
          };
        }).filter((s) => s.x.length > 0),
      ],
    };
  }
}

function marksOf(model: PanelModel, id: number): { epochs: number[]; errors: (number | null)[]; kinds: string[] } {
  const out = { epochs: [] as number[], errors: [] as (number | null)[], kinds: [] as string[] };
  const m = model.marks;
  for (let i = 0; i < m.trialIds.length; i++) {
    if (m.trialIds[i] !== id) continue;
    out.epochs.push(m.levels[i]);
    out.errors.push(m.errors[i]);
    out.kinds.push(m.kinds[i]);
  }
  return out;
}

function callsOf(model: PanelModel, t: TrialView): LlmCallSummary[] {
  if (t.callIds.length === 0) return [];
  const wanted = new Set(t.callIds);
  return model.llmCalls.filter((c) => wanted.has(c.callId))
    .sort((a, b) => COMPONENT_ORDER.indexOf(a.component) - COMPONENT_ORDER.indexOf(b.component) || a.seq - b.seq);
}

/** One sentence on where the cell came from, from the searcher's info. */
export function explainSource(t: TrialView): string {
  const target = typeof t.info?.target === 'number' ? ` The sampler asked for cells with error ${formatError(t.info.target)}${t.level !== null ? ` at epoch ${t.level}` : ''}.` : '';
  const rank = typeof t.info?.scoreRank === 'number' && typeof t.info.candidates === 'number' ? `, rank ${t.info.scoreRank} of ${t.info.candidates} candidates` : '';
  const prediction = target + (t.predictedMean !== null
    ? ` The surrogate predicted ${formatError(t.predictedMean)}${t.predictedStd !== null ? ` ± ${formatError(t.predictedStd)}` : ''}${t.level !== null ? ` at epoch ${t.level}` : ''}, expected improvement ${formatScore(t.ei)}${rank}.`
    : '');
  switch (t.source) {
    case 'warmstart': return 'Proposed by the LLM in the warm start (before any result was known).';
    case 'llambo': return `Proposed by LLAMBO's candidate sampler and picked by expected improvement.${prediction}`;
    case 'fallback-mutation': return `A fallback: the LLM gave too few usable cells, so this is a mutation of a good cell.${prediction}`;
    case 'fallback-random': return `A fallback: the LLM gave too few usable cells, so this cell was drawn at random.${prediction}`;
    case null: return t.fallback ? 'A fallback cell (the searcher gave no more detail).' : 'The searcher gave no reason for this cell.';
    default: return `Proposed by the ${t.source} searcher (no LLM involved).${prediction}`;
  }
}
