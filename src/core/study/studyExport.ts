/**
 * Writes a study's export folder: Syne Tune format (results.csv.zip + metadata.json), trials as CSV
 * and JSONL, the LLM transcript as JSONL, the curves as SVG and report.md (which embeds them). Every
 * file is a projection of one read model folded once over the events. The CLI's `export` and the
 * extension's "Export results" both call writeStudyExport, so they write the same bytes. Never
 * overwrites silently: existing target files are an error unless overwriting was asked for.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { strToU8 } from 'fflate';
import { loadTable } from '../benchmark/tableLoader';
import type { StudyEvent } from '../events/studyEvents';
import { StudyReadModel } from '../readModel/studyReadModel';
import type { FinalErrorLookup } from '../readModel/studyResult';
import { trialsCsv, trialsJsonl } from './csvExport';
import type { StudyRecord } from './eventLog';
import { preparingOutputFolder } from './outputFolderError';
import { studyChartFiles } from './studyCharts';
import { studyReportMarkdown } from './studyReport';
import { SyneTuneResultsZip, syneTuneExportFiles } from './syneTuneExport';

export const REPORT_FILE = 'report.md';
export const TRANSCRIPT_FILE = 'llm-transcript.jsonl';

/** 'all' is the whole folder; the others one part of it (for scripts that want only that). */
export const EXPORT_FORMATS = ['all', 'synetune', 'csv', 'jsonl'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export interface StudyExportOptions {
  /** ISO time the study was created (study.json): Syne Tune's st_tuner_creation_timestamp and the zip's mtime. */
  readonly created: string;
  /** Seed-mean error at the table's last epoch, for the report's headline; without it the report says it is unknown. */
  readonly finalErrorOf?: FinalErrorLookup;
  readonly format?: ExportFormat;
  /** Replace files that exist in the folder (otherwise ExportConflictError, and nothing is written). */
  readonly overwrite?: boolean;
}

export class ExportConflictError extends Error {
  override name = 'ExportConflictError';
  constructor(readonly existing: readonly string[]) {
    super(`refusing to overwrite ${existing.join(', ')} (use --force to replace)`);
  }
}

/**
 * What a persisted study's export needs beyond its events: its creation time and the seed-mean lookup
 * of the table it ran on (study.json records the table's path; a table no longer there leaves the
 * headline's seed mean unknown). The CLI and the extension both take their options from here.
 */
export function studyExportOptions(record: StudyRecord): Pick<StudyExportOptions, 'created' | 'finalErrorOf'> {
  const path = record.table.path;
  if (path === undefined || !existsSync(path)) return { created: record.created };
  const table = loadTable(path);
  return { created: record.created, finalErrorOf: (ops) => table.finalErrorMean(table.indexOf(ops)) };
}

/**
 * File name -> bytes of the export, in one pass over the events (a log read as a stream is never held
 * whole: the read model keeps what the files need, the transcript its llmCall lines).
 */
export function studyExportFiles(events: Iterable<StudyEvent>, options: StudyExportOptions): Record<string, Uint8Array> {
  const format = options.format ?? 'all';
  // Only the Syne Tune files list every result, deflated as they settle; trials CSV/JSONL need one row per trial.
  let results: SyneTuneResultsZip | undefined;
  const model = new StudyReadModel({ finalErrorOf: options.finalErrorOf, ...(format === 'all' || format === 'synetune' ? { onResult: (r) => results!.add(r) } : {}) });
  if (format === 'all' || format === 'synetune') results = new SyneTuneResultsZip((trialId) => model.trials.opsOf(trialId), options.created);
  // The transcript holds exactly the llmCall events: prompts, replies, usage (the key was cut out before any sink).
  const transcript: string[] = [];
  for (const event of events) {
    model.add(event);
    if (event.type === 'llmCall') transcript.push(JSON.stringify(event));
  }
  model.finishResults();
  const { study } = model;
  if (!study) throw new Error('the events hold no studyStarted event: this is not a study log (events.jsonl starts with one)');
  const context = { table: study.table.label, studyId: study.studyId };
  const files: Record<string, Uint8Array> = {};
  if (results) Object.assign(files, syneTuneExportFiles(results, study, options.created));
  if (format === 'all' || format === 'csv') files['trials.csv'] = strToU8(trialsCsv(model.trials.rows(), context));
  if (format === 'all' || format === 'jsonl') files['trials.jsonl'] = strToU8(trialsJsonl(model.trials.rows(), context));
  if (format !== 'all') return files;
  files[TRANSCRIPT_FILE] = strToU8(transcript.length === 0 ? '' : transcript.join('\n') + '\n');
  for (const [name, svg] of Object.entries(studyChartFiles(model))) files[name] = strToU8(svg);
  files[REPORT_FILE] = strToU8(studyReportMarkdown(model, options.created, [...Object.keys(files), REPORT_FILE]));
  return files;
}

/** Writes the export into `folder` (created if missing) and returns the paths written. */
export function writeStudyExport(folder: string, events: Iterable<StudyEvent>, options: StudyExportOptions): string[] {
  const files = studyExportFiles(events, options);
  const paths = Object.keys(files).map((name) => join(folder, name));
  const existing = paths.filter((path) => existsSync(path));
  if (existing.length > 0 && !options.overwrite) throw new ExportConflictError(existing);
  preparingOutputFolder(folder, () => {
    mkdirSync(folder, { recursive: true });
    for (const [name, bytes] of Object.entries(files)) writeFileSync(join(folder, name), bytes);
  });
  return paths;
}
