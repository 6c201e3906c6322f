/** `export`: writes a saved study (study.json + events.jsonl) into a folder, as the extension's "Export results" does. */
import { resolve } from 'node:path';
import { openEventLog, truncatedTailNotice } from '../core/study/eventLog';
import { EXPORT_FORMATS, ExportConflictError, studyExportOptions, writeStudyExport } from '../core/study/studyExport';
import { choiceFlag, parseCommandArgs, stringFlag, UsageError } from './cliArgs';
import type { CommandOutput } from './commandOutput';

export const EXPORT_HELP = `Usage: node dist/cli.js export --study DIR --out DIR [--format all|synetune|csv|jsonl] [--force]

  --study DIR      a study folder written by \`study --out DIR\` (study.json + events.jsonl)
  --out DIR        folder to write into (created if missing)
  --format F       all (default): every file below, the same folder the extension's "Export results" writes
                   synetune: results.csv.zip + metadata.json (Syne Tune's experiment format)
                   csv:      trials.csv (one row per trial, with the table label in every row)
                   jsonl:    trials.jsonl
                   (all adds llm-transcript.jsonl, incumbent-curve.svg, llm-calls.svg for LLM studies, report.md)
  --force          replace files that already exist there (otherwise the export refuses)`;

export function exportCommand(args: readonly string[], out: CommandOutput): number {
  const values = parseCommandArgs('export', args, {
    study: { type: 'string' }, format: { type: 'string' }, out: { type: 'string' }, force: { type: 'boolean' },
  });
  if (values.help) { out.stdout(EXPORT_HELP); return 0; }
  const studyDir = stringFlag(values, 'study');
  const outDir = stringFlag(values, 'out');
  const format = choiceFlag(values, 'format', EXPORT_FORMATS) ?? 'all';
  if (studyDir === undefined) throw new UsageError('export: --study DIR is required');
  if (outDir === undefined) throw new UsageError('export: --out DIR is required');
  // The log is read as a stream, once: a study of any length exports without holding its events.
  const log = openEventLog(resolve(studyDir));
  let count = 0;
  const events = function* counted() {
    for (const event of log.events()) { count++; yield event; }
  };
  let written: string[];
  try {
    written = writeStudyExport(resolve(outDir), events(), {
      ...studyExportOptions(log.record), format, overwrite: values.force === true,
    });
  } catch (error) {
    if (error instanceof ExportConflictError) {
      out.stderr(`error: ${error.message}`);
      return 1;
    }
    throw error;
  }
  if (log.truncatedTail) out.stderr(truncatedTailNotice(log.eventsPath));
  for (const path of written) out.stdout(path);
  out.stderr(`Exported ${count} events of ${log.record.studyId} (table: ${log.record.table.label}).`);
  return 0;
}
