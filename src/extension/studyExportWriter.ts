/**
 * Writes every export of one study into one folder: Syne Tune format (results.csv.zip +
 * metadata.json), trials as CSV and JSONL, the LLM transcript as JSONL, the curves as SVG and
 * report.md (which embeds them). Checks every target first and writes nothing when one exists,
 * unless overwriting was confirmed.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { strToU8 } from 'fflate';
import type { EventLogContents } from '../core/study/eventLog';
import { ExportConflictError, exportFiles } from '../core/study/studyExport';
import { studyChartFiles } from './studyCharts';
import { studyReportMarkdown } from './studyReport';

export const REPORT_FILE = 'report.md';
export const TRANSCRIPT_FILE = 'llm-transcript.jsonl';

/** File name -> bytes of the whole export. */
export function studyExportFiles(contents: EventLogContents): Record<string, Uint8Array> {
  const files: Record<string, Uint8Array> = {
    ...exportFiles(contents, 'synetune'),
    ...exportFiles(contents, 'csv'),
    ...exportFiles(contents, 'jsonl'),
  };
  // The transcript holds exactly the llmCall events: prompts, replies, usage. The key is never in an event.
  const transcript = contents.events.filter((e) => e.type === 'llmCall').map((e) => JSON.stringify(e)).join('\n');
  files[TRANSCRIPT_FILE] = strToU8(transcript === '' ? '' : transcript + '\n');
  for (const [name, svg] of Object.entries(studyChartFiles(contents))) files[name] = strToU8(svg);
  files[REPORT_FILE] = strToU8(studyReportMarkdown(contents, [...Object.keys(files), REPORT_FILE]));
  return files;
}

/** Writes the export; throws ExportConflictError (writing nothing) when a file exists and !overwrite. */
export function writeStudyExport(contents: EventLogContents, folder: string, overwrite = false): string[] {
  const files = studyExportFiles(contents);
  const paths = Object.keys(files).map((name) => join(folder, name));
  const existing = paths.filter((path) => existsSync(path));
  if (existing.length > 0 && !overwrite) throw new ExportConflictError(existing);
  mkdirSync(folder, { recursive: true });
  for (const [name, bytes] of Object.entries(files)) writeFileSync(join(folder, name), bytes);
  return paths;
}
