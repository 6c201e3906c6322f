/**
 * Trials as CSV (RFC 4180 quoting) and JSONL. Every row names the table its numbers came from, since
 * the bundled table's intermediate epochs are model-generated.
 */
import { OPS, SYNE_TUNE_KEYS } from '../nb201/searchSpace';
import type { TrialRow } from './trialTable';

export type CsvValue = string | number | boolean | null | undefined;

/** One CSV field: quoted when it holds a comma, quote, CR or LF (quotes doubled); null/undefined/NaN empty. */
export function csvField(value: CsvValue): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function csvLine(values: readonly CsvValue[]): string {
  return values.map(csvField).join(',');
}

export const TRIAL_CSV_COLUMNS = [
  'table', 'study_id', 'trial_id', 'arch', ...SYNE_TUNE_KEYS, 'bracket', 'seed', 'status', 'stop_reason',
  'epochs_reached', 'last_error', 'best_error', 'best_error_epoch', 'results', 'resumes', 'start_time',
  'last_time', 'elapsed', 'fallback',
] as const;

/** trials.csv text: a header line, then one line per trial (CRLF-free, ends with a newline). */
export function trialsCsv(rows: readonly TrialRow[], context: { table: string; studyId: string }): string {
  const lines = [csvLine(TRIAL_CSV_COLUMNS)];
  for (const row of rows) {
    lines.push(csvLine([
      context.table, context.studyId, row.trialId, row.arch, ...row.ops.map((op) => OPS[op]), row.bracket, row.seed,
      row.status, row.stopReason, row.epochsReached, row.lastError, row.bestError, row.bestErrorEpoch, row.results,
      row.resumes, row.startTime, row.lastTime, row.elapsed, row.fallback,
    ]));
  }
  return lines.join('\n') + '\n';
}

/** trials.jsonl text: one JSON object per trial, with the table label. */
export function trialsJsonl(rows: readonly TrialRow[], context: { table: string; studyId: string }): string {
  return rows.map((row) => JSON.stringify({ table: context.table, studyId: context.studyId, ...row })).join('\n') + (rows.length ? '\n' : '');
}
