/**
 * The trials table as CSV (RFC 4180: comma separated, CRLF, quotes doubled), in the rows and order the
 * panel shows after its filter and sort, so "export table" gives what the user sees.
 */
import type { TrialView } from './panelModel';

const COLUMNS: readonly [string, (t: TrialView) => string | number | boolean | null][] = [
  ['trial_id', (t) => t.id],
  ['arch', (t) => t.arch],
  ['bracket', (t) => t.bracket],
  ['bracket_type', (t) => t.bracketType],
  ['rung', (t) => t.rung],
  ['epochs', (t) => t.epochs],
  ['seed', (t) => t.seed],
  ['iso_class', (t) => t.iso],
  ['source', (t) => t.source],
  ['predicted_mean', (t) => t.predictedMean],
  ['predicted_std', (t) => t.predictedStd],
  ['ei', (t) => t.ei],
  ['predicted_level', (t) => t.level],
  ['valid_error', (t) => t.error],
  ['best_valid_error', (t) => t.bestError],
  ['status', (t) => t.status],
  ['fallback', (t) => t.fallback],
  ['llm_call_ids', (t) => t.callIds.join(' ')],
];

export function trialsCsv(rows: readonly TrialView[]): string {
  const lines = [COLUMNS.map(([name]) => name).join(',')];
  for (const row of rows) lines.push(COLUMNS.map(([, get]) => csvField(get(row))).join(','));
  return `${lines.join('\r\n')}\r\n`;
}

export function csvField(value: string | number | boolean | null): string {
  if (value === null) return '';
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
