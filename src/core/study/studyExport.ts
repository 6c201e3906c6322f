/**
 * Writes a persisted study in an export format. Never overwrites silently: existing target files
 * are an error unless `force` is set.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { strToU8 } from 'fflate';
import { trialsCsv, trialsJsonl } from './csvExport';
import type { EventLogContents } from './eventLog';
import { syneTuneExportFiles } from './syneTuneExport';
import { foldTrials } from './trialTable';

export const EXPORT_FORMATS = ['synetune', 'csv', 'jsonl'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export class ExportConflictError extends Error {
  override name = 'ExportConflictError';
  constructor(readonly existing: readonly string[]) {
    super(`refusing to overwrite ${existing.join(', ')} (use --force to replace)`);
  }
}

/** File name -> bytes for one format. */
export function exportFiles(contents: EventLogContents, format: ExportFormat): Record<string, Uint8Array> {
  const { record, events } = contents;
  if (format === 'synetune') return syneTuneExportFiles(record, events);
  const context = { table: record.table.label, studyId: record.studyId };
  const rows = foldTrials(events);
  if (format === 'csv') return { 'trials.csv': strToU8(trialsCsv(rows, context)) };
  return { 'trials.jsonl': strToU8(trialsJsonl(rows, context)) };
}

/** Writes the export into outDir and returns the paths written. */
export function exportStudy(contents: EventLogContents, format: ExportFormat, outDir: string, options: { force?: boolean } = {}): string[] {
  const files = exportFiles(contents, format);
  const paths = Object.keys(files).map((name) => join(outDir, name));
  const existing = paths.filter((path) => existsSync(path));
  if (existing.length > 0 && !options.force) throw new ExportConflictError(existing);
  mkdirSync(outDir, { recursive: true });
  for (const [name, bytes] of Object.entries(files)) writeFileSync(join(outDir, name), bytes);
  return paths;
}
