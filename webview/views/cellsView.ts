/**
 * Cells tab: two cells side by side with their edge diff (by default the incumbent and the selected
 * trial; any two trial ids can be typed in), and the incumbent path: each new incumbent's cell with
 * the edges that changed from the one before. Diagrams show ops on edges, `none` edges dashed, and
 * grey out what lies on no input-to-output path.
 */
import { OP_LABELS } from '../../src/core/panel/cellDiagramSvg';
import { changedEdges } from '../../src/core/panel/cellPaths';
import type { IncumbentStep, PanelModel, TrialView } from '../../src/core/panel/panelModel';
import { EDGES, OPS } from '../../src/core/nb201/searchSpace';
import { cellDiagram } from '../cellGraphics';
import { el } from '../elementBuilder';
import { formatError, formatHours } from '../numberFormat';
import type { PanelActions, PanelView, ViewContext } from '../panelView';
import { textField, type ValueElement } from '../toolkit';

export class CellsView implements PanelView {
  readonly element = el('section', { className: 'view cells-view', attrs: { 'aria-label': 'Cells' } });
  private readonly compare = el('div', { className: 'cell-compare', attrs: { id: 'cell-compare' } });
  private readonly path = el('ol', { className: 'incumbent-path', attrs: { id: 'incumbent-path' } });
  private readonly fields: [ValueElement, ValueElement];
  private pathLength = -1;

  constructor(private readonly actions: PanelActions) {
    const field = (slot: 0 | 1, label: string) => textField({
      id: `compare-${slot}`, placeholder: 'trial id', value: '', label,
      onInput: (text) => {
        const id = /^\s*#?(\d+)\s*$/.exec(text);
        const ids = [...this.compareIds()] as [number | null, number | null];
        ids[slot] = id ? Number(id[1]) : null;
        actions.setState({ compareTrialIds: ids });
      },
    });
    this.fields = [field(0, 'First trial to compare'), field(1, 'Second trial to compare')];
    this.element.append(
      el('h3', { text: 'Compare two cells' }),
      el('div', { className: 'toolbar' }, [el('span', { text: 'Trial' }), this.fields[0], el('span', { text: 'against trial' }), this.fields[1],
        el('span', { className: 'hint', text: 'Empty fields use the incumbent and the selected trial.' })]),
      this.compare,
      legend(),
      el('h3', { text: 'Incumbent path' }),
      el('p', { className: 'muted', text: 'Each new incumbent, with the edges that changed from the previous one highlighted.' }),
      this.path,
    );
  }

  render({ model, reasons }: ViewContext): void {
    if (reasons.state || reasons.model) this.renderCompare(model);
    if (model.incumbentPath.length !== this.pathLength) {
      this.pathLength = model.incumbentPath.length;
      this.path.replaceChildren(...model.incumbentPath.map((step, i) => pathStep(step, model.incumbentPath[i - 1], i)));
    }
  }

  private compareIds(): [number | null, number | null] {
    return [...this.actions.state.compareTrialIds] as [number | null, number | null];
  }

  private renderCompare(model: PanelModel): void {
    const [a, b] = this.compareIds();
    const first = a ?? model.overview.incumbent?.trialId ?? null;
    const second = b ?? this.actions.state.selectedTrialId;
    for (const [slot, id] of [[0, a], [1, b]] as const) {
      if (document.activeElement !== this.fields[slot] && (this.fields[slot].value || '') !== (id === null ? '' : String(id))) this.fields[slot].value = id === null ? '' : String(id);
    }
    const byId = (id: number | null) => (id === null ? undefined : model.trials.find((t) => t.id === id));
    const left = byId(first), right = byId(second);
    if (!left && !right) {
      this.compare.replaceChildren(el('p', { className: 'muted', text: 'Select a trial, or type trial ids above.' }));
      return;
    }
    const diff = left && right ? changedEdges(left.ops, right.ops) : [];
    this.compare.replaceChildren(
      cellCard(left, first === model.overview.incumbent?.trialId ? 'incumbent' : 'first'),
      cellCard(right, 'second', left?.ops),
      el('div', { className: 'diff-list', attrs: { id: 'cell-diff' } }, [
        el('h4', { text: left && right ? `${diff.length} of 6 edges differ` : 'Diff' }),
        el('ul', {}, diff.map((e) => el('li', { text: edgeChange(e, left?.ops ?? [], right?.ops ?? []) }))),
      ]),
    );
  }
}

function cellCard(trial: TrialView | undefined, role: string, against?: readonly number[]): HTMLElement {
  if (!trial) return el('div', { className: 'cell-card empty muted', text: 'Select a trial in the Trials tab, or type a trial id above, to compare.' });
  return el('figure', { className: `cell-card ${role}`, attrs: { 'data-trial-id': String(trial.id) } }, [
    cellDiagram(trial.ops, { diffAgainst: against, title: `Cell of trial ${trial.id}: ${trial.arch}` }),
    el('figcaption', { text: `Trial #${trial.id}${role === 'incumbent' ? ' (incumbent)' : ''} · best ${formatError(trial.bestError)} · ${formatError(trial.error)} at epoch ${trial.epochs}` }),
  ]);
}

function pathStep(step: IncumbentStep, previous: IncumbentStep | undefined, index: number): HTMLElement {
  const changes = previous ? step.changedEdges.map((e) => edgeChange(e, previous.ops, step.ops)) : [];
  const what = !previous ? 'first incumbent' : changes.length === 0 ? 'same cell, trained longer' : changes.join('; ');
  return el('li', { className: 'path-step', attrs: { 'data-trial-id': String(step.trialId) } }, [
    cellDiagram(step.ops, { diffAgainst: previous?.ops, width: 290, height: 150, title: `Incumbent ${index + 1}: trial ${step.trialId}` }),
    el('div', { className: 'path-text' }, [
      el('strong', { text: `${formatError(step.error)} · trial #${step.trialId} · epoch ${step.epoch}` }),
      el('span', { className: 'muted', text: ` at ${formatHours(step.time)}` }),
      el('p', { text: what }),
    ]),
  ]);
}

function edgeChange(edge: number, before: readonly number[], after: readonly number[]): string {
  const [from, to] = EDGES[edge];
  return `${from}→${to}: ${OP_LABELS[OPS[before[edge]]]} → ${OP_LABELS[OPS[after[edge]]]}`;
}

function legend(): HTMLElement {
  const items = OPS.map((op) => el('span', { className: `legend-item op-${op}`, text: OP_LABELS[op], title: op }));
  return el('p', { className: 'cell-legend' }, [
    el('span', { text: 'Ops: ' }), ...items,
    el('span', { className: 'legend-item dead', text: 'grey: on no input→output path' }),
    el('span', { className: 'legend-item changed', text: 'highlighted: differs' }),
  ]);
}
