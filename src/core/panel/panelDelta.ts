/**
 * Applies a delta to a panel model: rows, curves and calls are upserted by id (new ones appended in
 * arrival order), marks appended, whole sections replaced when the delta has them. The webview runs
 * this; the unit tests check that a snapshot plus deltas equals one snapshot of all events.
 */
import type { PanelDelta, PanelModel, RungMarks } from './panelModel';

export function applyPanelDelta(model: PanelModel, delta: PanelDelta): PanelModel {
  return {
    overview: delta.overview,
    // Trial ids count up from 0 in start order, so a trial's id is (almost always) its index.
    trials: upsert(model.trials, delta.trials, (t) => t.id, (t) => t.id),
    curves: upsert(model.curves, delta.curves, (c) => c.id, (c) => c.id),
    marks: appendMarks(model.marks, delta.marks),
    ledger: delta.ledger ?? model.ledger,
    incumbentPath: delta.incumbentPath ?? model.incumbentPath,
    llmCalls: upsert(model.llmCalls, delta.llmCalls, (c) => c.callId),
    correlation: delta.correlation ?? model.correlation,
    calibration: delta.calibration ?? model.calibration,
  };
}

/**
 * Items of `base` replaced by same-key items of `changes`; unknown keys appended in order. `guess`
 * proposes an item's index; when it is right, no key index over all of `base` is built.
 */
export function upsert<T, K>(base: readonly T[], changes: readonly T[], key: (item: T) => K, guess?: (item: T) => number): readonly T[] {
  if (changes.length === 0) return base;
  let index: Map<K, number> | undefined;
  const out = base.slice();
  const find = (item: T): number | undefined => {
    const k = key(item);
    const g = guess?.(item);
    if (g !== undefined && g >= 0 && g < out.length && key(out[g]) === k) return g;
    if (!index) {
      index = new Map<K, number>();
      out.forEach((existing, i) => (index as Map<K, number>).set(key(existing), i));
    }
    return index.get(k);
  };
  for (const item of changes) {
    const at = find(item);
    if (at === undefined) {
      index?.set(key(item), out.length);
      out.push(item);
    } else {
      out[at] = item;
    }
  }
  return out;
}

function appendMarks(a: RungMarks, b: RungMarks): RungMarks {
  if (b.trialIds.length === 0) return a;
  return {
    trialIds: [...a.trialIds, ...b.trialIds], levels: [...a.levels, ...b.levels],
    errors: [...a.errors, ...b.errors], kinds: [...a.kinds, ...b.kinds],
  };
}
