/**
 * The panel's UI state (tab, selection, filters) with its defaults, and the reading of a state restored
 * by VS Code: anything missing or malformed falls back to the default instead of breaking the panel.
 */
import { TRIAL_STATUSES } from '../src/core/readModel/trialRows';
import { PANEL_TABS, type PanelTab, type PanelViewState, type TrialSortColumn } from '../src/protocol';

const SORT_COLUMNS: readonly TrialSortColumn[] = ['id', 'bracket', 'rung', 'epochs', 'seed', 'iso', 'predictedMean', 'ei', 'error', 'status', 'fallback'];
const STATUS_FILTERS: readonly PanelViewState['statusFilter'][] = ['all', ...TRIAL_STATUSES];

export function defaultViewState(studyId = ''): PanelViewState {
  return {
    studyId, tab: 'overview', selectedTrialId: null, trialFilter: '', statusFilter: 'all', fallbackOnly: false,
    sort: { column: 'id', descending: false }, logTime: false, logError: false, curvesLogEpoch: true, curvesBracketType: null,
    compareTrialIds: [null, null], llmQuery: '', llmSkipSystem: false, llmComponent: 'all', openCallId: null, correlationPair: 0,
  };
}

export function restoreViewState(saved: unknown): PanelViewState {
  const d = defaultViewState();
  if (typeof saved !== 'object' || saved === null) return d;
  const s = saved as Record<string, unknown>;
  const sort = (typeof s.sort === 'object' && s.sort !== null ? s.sort : {}) as Record<string, unknown>;
  const compare = Array.isArray(s.compareTrialIds) ? s.compareTrialIds : [];
  return {
    studyId: str(s.studyId, d.studyId),
    tab: PANEL_TABS.includes(s.tab as PanelTab) ? (s.tab as PanelTab) : d.tab,
    selectedTrialId: intOrNull(s.selectedTrialId),
    trialFilter: str(s.trialFilter, d.trialFilter),
    statusFilter: STATUS_FILTERS.includes(s.statusFilter as PanelViewState['statusFilter']) ? (s.statusFilter as PanelViewState['statusFilter']) : d.statusFilter,
    fallbackOnly: s.fallbackOnly === true,
    sort: {
      column: SORT_COLUMNS.includes(sort.column as TrialSortColumn) ? (sort.column as TrialSortColumn) : d.sort.column,
      descending: sort.descending === true,
    },
    logTime: s.logTime === true,
    logError: s.logError === true,
    curvesLogEpoch: s.curvesLogEpoch !== false,
    curvesBracketType: intOrNull(s.curvesBracketType),
    compareTrialIds: [intOrNull(compare[0]), intOrNull(compare[1])],
    llmQuery: str(s.llmQuery, d.llmQuery),
    llmSkipSystem: s.llmSkipSystem === true,
    llmComponent: str(s.llmComponent, d.llmComponent),
    openCallId: typeof s.openCallId === 'string' ? s.openCallId : null,
    correlationPair: intOrNull(s.correlationPair) ?? 0,
  };
}

function str(value: unknown, fallback: string): string {
  return typeof value === 'string' ? value : fallback;
}

function intOrNull(value: unknown): number | null {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 ? value : null;
}
