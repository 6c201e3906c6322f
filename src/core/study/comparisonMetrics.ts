/**
 * The columns of a comparison: each a figure of one run, summarised over seeds (IQM with CI) and shown
 * per seed. Every view (CLI text, panel table, Markdown report) draws the columns it is given, in order,
 * so a new figure (LLM requests, tokens, dollars, LLM seconds per entry) is one more entry here, read
 * off a field of ComparisonRunInput, and shows up everywhere. The first column is what entries rank by.
 */
import type { DistributionSummary } from './compareStats';
import type { ComparisonRunInput } from './comparisonRun';
import { formatError, formatRegret } from './resultFormat';

/** How a column's values read: an error rate in %, a difference in pp, a plain number. */
export type ComparisonMetricUnit = 'error' | 'pp' | 'count';

/** What a view needs to draw a column (plain JSON: it crosses to the webview and into --json). */
export interface ComparisonMetricColumn {
  readonly key: string;
  readonly label: string;
  readonly unit: ComparisonMetricUnit;
  /** A labelled secondary figure, never the headline (e.g. the best error at any epoch). */
  readonly secondary?: boolean;
}

export interface ComparisonMetric extends ComparisonMetricColumn {
  /** The run's value; null when the run has none (e.g. no trial reported a result). */
  of(run: ComparisonRunInput): number | null;
}

export const FINAL_ERROR_KEY = 'finalError';
export const REGRET_KEY = 'regret';

export const COMPARISON_METRICS: readonly ComparisonMetric[] = [
  { key: FINAL_ERROR_KEY, label: 'final error (seed mean)', unit: 'error', of: (r) => r.headline?.finalError ?? null },
  { key: REGRET_KEY, label: 'regret', unit: 'pp', of: (r) => r.headline?.regret ?? null },
  {
    key: 'observedAtMax', label: 'observed at r_max (1 seed)', unit: 'error',
    of: (r) => (r.headline?.reachedMaxEpoch ? r.headline.observedErrorAtMax : null),
  },
  { key: 'bestAnyEpoch', label: 'best at any epoch', unit: 'error', secondary: true, of: (r) => r.headline?.bestAnyEpoch?.error ?? null },
];

/** A column's value as text: "6.12%", "0.29 pp", "12.0"; "—" for none. */
export function formatMetric(unit: ComparisonMetricUnit, value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—';
  if (unit === 'error') return formatError(value);
  if (unit === 'pp') return formatRegret(value);
  return value.toFixed(1);
}

/** "6.12% [5.90%, 6.40%]": IQM [95% CI], with "(n of m seeds)" when some seeds have no value. */
export function intervalText(unit: ComparisonMetricUnit, d: DistributionSummary | undefined): string {
  if (!d || d.iqm === null) return '—';
  const missing = d.missing > 0 ? ` (${d.n} of ${d.n + d.missing} seeds)` : '';
  return `${formatMetric(unit, d.iqm)} [${formatMetric(unit, d.ciLow)}, ${formatMetric(unit, d.ciHigh)}]${missing}`;
}
