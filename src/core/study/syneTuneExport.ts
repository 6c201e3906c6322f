/**
 * Export in Syne Tune's experiment format, so Syne Tune's plotting and benchmarking tools can read
 * our studies: `results.csv.zip` (one row per reported result) and `metadata.json`.
 */
import { zipSync, strToU8 } from 'fflate';
import { OPS, SYNE_TUNE_KEYS } from '../nb201/searchSpace';
import { csvLine, type CsvValue } from './csvExport';
import type { StudyEvent } from '../events/studyEvents';
import type { StudyRecord } from './eventLog';

export const SYNE_TUNE_RESULT_COLUMNS = [
  'trial_id', 'hp_epoch', 'metric_valid_error', 'metric_runtime', 'metric_elapsed_time', 'st_tuner_time',
  'st_decision', 'st_status', ...SYNE_TUNE_KEYS.map((key) => `config_${key}`),
] as const;

export const SYNE_TUNE_BENCHMARK_NAME = 'nas201-cifar10';

/** Syne Tune class names for our scheduler kinds (metadata `scheduler_name`). */
const SCHEDULER_CLASS: Record<string, string> = {
  'sync-hyperband': 'SynchronousGeometricHyperbandScheduler',
  'sync-sh': 'SynchronousGeometricHyperbandScheduler(brackets=1)',
  asha: 'HyperbandScheduler(type=promotion)',
  fifo: 'FIFOScheduler',
};

type Decision = 'CONTINUE' | 'PAUSE' | 'STOP';
type Status = 'InProgress' | 'Paused' | 'Stopped' | 'Completed';

/**
 * results.csv text. A result's st_decision/st_status are settled by the trial's next event: another
 * result or a resume (CONTINUE/InProgress), a pause (PAUSE/Paused), a stop (STOP/Stopped, or
 * CONTINUE/Completed at r_max as Syne Tune records it). A result with nothing after it stays InProgress.
 */
export function syneTuneResultsCsv(events: readonly StudyEvent[]): string {
  const configs = new Map<number, string[]>();
  const rows: CsvValue[][] = [];
  const pendingRow = new Map<number, number>();
  const settle = (trialId: number, decision: Decision, status: Status) => {
    const index = pendingRow.get(trialId);
    if (index === undefined) return;
    rows[index][6] = decision;
    rows[index][7] = status;
    pendingRow.delete(trialId);
  };
  for (const event of events) {
    switch (event.type) {
      case 'trialStarted':
        configs.set(event.trialId, event.ops.map((op) => OPS[op]));
        break;
      case 'result':
        settle(event.trialId, 'CONTINUE', 'InProgress');
        pendingRow.set(event.trialId, rows.length);
        rows.push([
          event.trialId, event.epoch, event.error, event.runtime, event.elapsed, event.time,
          'CONTINUE', 'InProgress', ...(configs.get(event.trialId) ?? ['', '', '', '', '', '']),
        ]);
        break;
      case 'trialResumed':
        settle(event.trialId, 'CONTINUE', 'InProgress');
        break;
      case 'trialPaused':
        settle(event.trialId, 'PAUSE', 'Paused');
        break;
      case 'trialStopped':
        if (event.reason === 'completed') settle(event.trialId, 'CONTINUE', 'Completed');
        else if (event.reason === 'budget') settle(event.trialId, 'CONTINUE', 'InProgress');
        else settle(event.trialId, 'STOP', 'Stopped');
        break;
    }
  }
  const lines = [csvLine(SYNE_TUNE_RESULT_COLUMNS)];
  for (const row of rows) lines.push(csvLine(row));
  return lines.join('\n') + '\n';
}

export interface SyneTuneMetadata {
  readonly metric_names: string[];
  readonly metric_mode: 'min';
  readonly algorithm: string;
  readonly seed: number;
  readonly tag: string;
  readonly benchmark: string;
  readonly scheduler_name: string;
  readonly n_workers: number | null;
  readonly max_wallclock_time: number | null;
  readonly st_tuner_creation_timestamp: number;
  readonly study_id: string;
  /** Which table the numbers came from; the bundled one has model-generated epochs 1-199. */
  readonly table: { readonly label: string; readonly kind: string; readonly provenanceNote: string };
}

export function syneTuneMetadata(record: StudyRecord): SyneTuneMetadata {
  const spec = (record.spec ?? {}) as Record<string, unknown>;
  const searcher = String(spec.searcher ?? 'unknown');
  const scheduler = String(spec.scheduler ?? 'unknown');
  return {
    metric_names: ['metric_valid_error'],
    metric_mode: 'min',
    algorithm: `${searcher}-${scheduler}`,
    seed: typeof spec.seed === 'number' ? spec.seed : 0,
    tag: typeof spec.tag === 'string' && spec.tag !== '' ? spec.tag : record.studyId,
    benchmark: SYNE_TUNE_BENCHMARK_NAME,
    scheduler_name: SCHEDULER_CLASS[scheduler] ?? scheduler,
    n_workers: typeof spec.workers === 'number' ? spec.workers : null,
    max_wallclock_time: typeof spec.budgetSeconds === 'number' ? spec.budgetSeconds : null,
    st_tuner_creation_timestamp: Date.parse(record.created) / 1000,
    study_id: record.studyId,
    table: { label: record.table.label, kind: record.table.kind, provenanceNote: record.table.provenanceNote },
  };
}

/** The two files of the export, as bytes keyed by file name. */
export function syneTuneExportFiles(record: StudyRecord, events: readonly StudyEvent[]): Record<string, Uint8Array> {
  const zip = zipSync({ 'results.csv': strToU8(syneTuneResultsCsv(events)) }, { level: 6, mtime: record.created });
  return {
    'results.csv.zip': zip,
    'metadata.json': strToU8(JSON.stringify(syneTuneMetadata(record), null, 2) + '\n'),
  };
}
