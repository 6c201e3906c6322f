/**
 * The one CSV writer (RFC 4180 quoting, LF line ends as pandas and Syne Tune write them) and the trials
 * table in CSV and JSONL: what the panel's "Export CSV" saves (its filtered, sorted rows) and what the
 * study export writes (every row). Every row names the table its numbers came from, since the bundled
 * table's intermediate epochs are model-generated.
 */
import { OPS, SYNE_TUNE_KEYS } from '../nb201/searchSpace';
import type { TrialRow } from '../readModel/trialRows';

export type CsvValue = string | number | boolean | null | undefined;

/** Which study and table the rows came from. */
export interface TrialsContext {
  readonly table: string;
  readonly studyId: string;
}

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

/** A header and rows as CSV text, each line ending in LF. */
export function csvText(header: readonly string[], rows: Iterable<readonly CsvValue[]>): string {
  const lines = [csvLine(header)];
  for (const row of rows) lines.push(csvLine(row));
  return lines.join('\n') + '\n';
}

type Column = readonly [name: string, value: (row: TrialRow, context: TrialsContext) => CsvValue];

const TRIAL_COLUMNS: readonly Column[] = [
  ['table', (_, c) => c.table],
  ['study_id', (_, c) => c.studyId],
  ['trial_id', (t) => t.id],
  ['arch', (t) => t.arch],
  ...SYNE_TUNE_KEYS.map((key, edge): Column => [key, (t) => OPS[t.ops[edge]]]),
  ['bracket', (t) => t.bracket],
  ['bracket_type', (t) => t.bracketType],
  ['rung', (t) => t.rung],
  ['seed', (t) => t.seed],
  ['iso_class', (t) => t.iso],
  ['source', (t) => t.source],
  ['predicted_mean', (t) => t.predictedMean],
  ['predicted_std', (t) => t.predictedStd],
  ['ei', (t) => t.ei],
  ['predicted_level', (t) => t.level],
  ['status', (t) => t.status],
  ['stop_reason', (t) => t.stopReason],
  ['epochs', (t) => t.epochs],
  ['valid_error', (t) => t.error],
  ['best_valid_error', (t) => t.bestError],
  ['best_valid_error_epoch', (t) => t.bestErrorEpoch],
  ['results', (t) => t.results],
  ['start_time', (t) => t.startTime],
  ['last_time', (t) => t.lastTime],
  ['elapsed', (t) => t.elapsed],
  ['fallback', (t) => t.fallback],
  ['llm_call_ids', (t) => t.callIds.join(' ')],
];

export const TRIAL_CSV_COLUMNS: readonly string[] = TRIAL_COLUMNS.map(([name]) => name);

/** trials.csv text: a header line, then one line per row in the order given. */
export function trialsCsv(rows: readonly TrialRow[], context: TrialsContext): string {
  return csvText(TRIAL_CSV_COLUMNS, rows.map((row) => TRIAL_COLUMNS.map(([, value]) => value(row, context))));
}

/** trials.jsonl text: one JSON object per trial, with the table label and study id. */
export function trialsJsonl(rows: readonly TrialRow[], context: TrialsContext): string {
  return rows.map((row) => JSON.stringify({ table: context.table, studyId: context.studyId, ...row })).join('\n') + (rows.length ? '\n' : '');
}
