/**
 * The columns of a comparison: each a figure of one run, summarised over seeds (IQM with CI) and shown
 * per seed. Every view (CLI text, panel table, Markdown report) draws the columns it is given, in order,
 * so a new figure is one more entry here, read off a field of ComparisonRunInput, and shows up
 * everywhere. The first column is what entries rank by. Columns of a group ('llm': what the LLM did per
 * study; 'delay': what its delay cost) are drawn in a second table, so the results table stays readable.
 */
import type { DistributionSummary } from './compareStats';
import type { ComparisonRunInput } from './comparisonRun';
import { fallbackShare, proposalYieldShare } from './entryLlmTotals';
import { formatError, formatRegret } from './resultFormat';
import { timeToTarget } from './timeToTarget';

/**
 * How a column's values read: an error rate in %, a difference in pp, a plain number, dollars, seconds,
 * a share in %, simulated hours.
 */
export type ComparisonMetricUnit = 'error' | 'pp' | 'count' | 'usd' | 'seconds' | 'share' | 'hours';

/** The second table's column groups; a column without one is a result column. */
export type ComparisonMetricGroup = 'llm' | 'delay';

/** What a view needs to draw a column (plain JSON: it crosses to the webview and into --json). */
export interface ComparisonMetricColumn {
  readonly key: string;
  readonly label: string;
  readonly unit: ComparisonMetricUnit;
  /** A labelled secondary figure, never the headline (e.g. the best error at any epoch). */
  readonly secondary?: boolean;
  readonly group?: ComparisonMetricGroup;
  /** What a seed without a value means, said next to the count (e.g. "not reached"). */
  readonly missingMeans?: string;
}

export interface ComparisonMetric extends ComparisonMetricColumn {
  /** The run's value; null when the run has none (e.g. no trial reported a result). */
  of(run: ComparisonRunInput): number | null;
}

export const FINAL_ERROR_KEY = 'finalError';
export const REGRET_KEY = 'regret';

export const TIME_TO_TARGET_KEY = 'timeToTarget';

/** The result columns; the first ranks the entries. */
export const RESULT_METRICS: readonly ComparisonMetric[] = [
  { key: FINAL_ERROR_KEY, label: 'final error (seed mean)', unit: 'error', of: (r) => r.headline?.finalError ?? null },
  { key: REGRET_KEY, label: 'regret', unit: 'pp', of: (r) => r.headline?.regret ?? null },
  {
    key: 'observedAtMax', label: 'observed at r_max (1 seed)', unit: 'error',
    of: (r) => (r.headline?.reachedMaxEpoch ? r.headline.observedErrorAtMax : null),
  },
  { key: 'bestAnyEpoch', label: 'best at any epoch', unit: 'error', secondary: true, of: (r) => r.headline?.bestAnyEpoch?.error ?? null },
];

/** Per study, what its LLM did (null for a run without an LLM): the figures of entryLlmTotals, per seed. */
export const LLM_METRICS: readonly ComparisonMetric[] = [
  { key: 'llmRequests', label: 'LLM requests', unit: 'count', group: 'llm', of: (r) => r.llm?.requests ?? null },
  { key: 'promptTokens', label: 'prompt tokens', unit: 'count', group: 'llm', of: (r) => r.llm?.promptTokens ?? null },
  { key: 'completionTokens', label: 'completion tokens', unit: 'count', group: 'llm', of: (r) => r.llm?.completionTokens ?? null },
  { key: 'llmUsd', label: 'dollars per study', unit: 'usd', group: 'llm', of: (r) => r.llm?.costUsd ?? null },
  { key: 'llmSeconds', label: 'LLM seconds', unit: 'seconds', group: 'llm', of: (r) => r.llm?.llmSeconds ?? null },
  { key: 'parseFailures', label: 'parse failures', unit: 'count', group: 'llm', of: (r) => r.llm?.parseFailures ?? null },
  {
    key: 'fallbackShare', label: 'fallback share', unit: 'share', group: 'llm',
    of: (r) => (r.llm ? fallbackShare(r.llm.fallbacks, r.llm.newConfigs) : null),
  },
  { key: 'proposalYield', label: 'proposal yield', unit: 'share', group: 'llm', of: (r) => (r.llm ? proposalYieldShare(r.llm.proposalYield) : null) },
];

/** Per study whose LLM decision time was charged (measured or modelled latency): what the delay cost. */
export const DELAY_METRICS: readonly ComparisonMetric[] = [
  { key: 'chargedSeconds', label: 'LLM seconds charged', unit: 'seconds', group: 'delay', of: (r) => r.delay?.chargedSeconds ?? null },
  { key: 'idleWorkerSeconds', label: 'idle worker-seconds', unit: 'seconds', group: 'delay', of: (r) => r.delay?.idleWorkerSeconds ?? null },
  { key: 'idleShare', label: 'idle share of budget', unit: 'share', group: 'delay', of: (r) => r.delay?.idleShare ?? null },
];

/** The simulated time at which the incumbent at r_max first reached `target` or better; a seed that never did is not reached. */
export function timeToTargetMetric(target: number): ComparisonMetric {
  return {
    key: TIME_TO_TARGET_KEY, label: `time to ≤ ${formatError(target)}`, unit: 'hours', missingMeans: 'not reached',
    of: (r) => timeToTarget(r.incumbentAtMax, target),
  };
}

/** Every column of a comparison, with the time-to-target column for `target` after the results. */
export function comparisonMetrics(target: number): ComparisonMetric[] {
  return [...RESULT_METRICS, timeToTargetMetric(target), ...LLM_METRICS, ...DELAY_METRICS];
}

/** The result columns (no group) and the LLM and delay columns, for views that draw them as two tables. */
export function splitColumns<C extends ComparisonMetricColumn>(columns: readonly C[]): { result: C[]; llm: C[] } {
  return { result: columns.filter((c) => c.group === undefined), llm: columns.filter((c) => c.group !== undefined) };
}

/** A column's value as text: "6.12%", "0.29 pp", "12.0", "$0.0123", "41.0 s", "3.2%", "1.25 h"; "—" for none. */
export function formatMetric(unit: ComparisonMetricUnit, value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—';
  switch (unit) {
    case 'error': return formatError(value);
    case 'pp': return formatRegret(value);
    case 'usd': return `$${value.toFixed(4)}`;
    case 'seconds': return `${value.toFixed(1)} s`;
    case 'share': return `${(100 * value).toFixed(1)}%`;
    case 'hours': return `${(value / 3600).toFixed(2)} h`;
    default: return value.toFixed(1);
  }
}

/**
 * "6.12% [5.90%, 6.40%]": IQM [95% CI], with "(n of m seeds)" when some seeds have no value, and what
 * that means when the column says (e.g. "(3 of 5 seeds; 2 not reached)"; "— (5 of 5 seeds not reached)").
 */
export function intervalText(unit: ComparisonMetricUnit, d: DistributionSummary | undefined, missingMeans?: string): string {
  const { value, rest } = intervalParts(unit, d, missingMeans);
  return rest === '' ? value : `${value} ${rest}`;
}

/** intervalText in two parts, for views that set the interval under the value: "6.12%" and "[5.90%, 6.40%] (4 of 5 seeds)". */
export function intervalParts(unit: ComparisonMetricUnit, d: DistributionSummary | undefined, missingMeans?: string): { value: string; rest: string } {
  if (!d) return { value: '—', rest: '' };
  const total = d.n + d.missing;
  if (d.iqm === null) return { value: '—', rest: missingMeans && d.missing > 0 ? `(${d.missing} of ${total} seeds ${missingMeans})` : '' };
  const missing = d.missing === 0 ? '' : ` (${d.n} of ${total} seeds${missingMeans ? `; ${d.missing} ${missingMeans}` : ''})`;
  return { value: formatMetric(unit, d.iqm), rest: `[${formatMetric(unit, d.ciLow)}, ${formatMetric(unit, d.ciHigh)}]${missing}` };
}

/** A column's summary over seeds as text (intervalText with the column's unit and its meaning of a missing seed). */
export function columnText(column: ComparisonMetricColumn, d: DistributionSummary | undefined): string {
  return intervalText(column.unit, d, column.missingMeans);
}
