/**
 * The trials table's filter and sort: free text (trial id, op names, arch string, source), a status,
 * fallbacks only; any column ascending or descending, empty values last, ties by trial id. Pure, so
 * it is tested here and runs the same in the webview.
 */
import type { TrialView } from './panelModel';

export type TrialSortKey = 'id' | 'bracket' | 'rung' | 'epochs' | 'seed' | 'iso' | 'predictedMean' | 'ei' | 'error' | 'status' | 'fallback';

export interface TrialQuery {
  readonly text: string;
  readonly status: 'all' | TrialView['status'];
  readonly fallbackOnly: boolean;
  readonly sort: { readonly column: TrialSortKey; readonly descending: boolean };
}

export function queryTrials(trials: readonly TrialView[], query: TrialQuery): TrialView[] {
  const match = textMatcher(query.text);
  const rows = trials.filter((t) => (query.status === 'all' || t.status === query.status) && (!query.fallbackOnly || t.fallback) && match(t));
  const { column, descending } = query.sort;
  const sign = descending ? -1 : 1;
  return rows.sort((a, b) => {
    const va = sortValue(a, column), vb = sortValue(b, column);
    if (va === null || vb === null) return va === vb ? a.id - b.id : va === null ? 1 : -1;
    if (va !== vb) return (va < vb ? -1 : 1) * sign;
    return a.id - b.id;
  });
}

function sortValue(t: TrialView, column: TrialSortKey): number | string | null {
  switch (column) {
    case 'fallback': return t.fallback ? 1 : 0;
    case 'status': return t.status;
    default: return t[column];
  }
}

/** Every space-separated word must match: `#12` or `12` the trial id, otherwise a substring of arch or source. */
function textMatcher(text: string): (t: TrialView) => boolean {
  const words = text.trim().toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return () => true;
  return (t) => words.every((word) => {
    const id = /^#?(\d+)$/.exec(word);
    if (id) return t.id === Number(id[1]);
    return t.arch.toLowerCase().includes(word) || (t.source ?? '').toLowerCase().includes(word) || t.status === word;
  });
}
