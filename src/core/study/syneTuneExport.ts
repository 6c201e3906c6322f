/**
 * Export in Syne Tune's experiment format, so Syne Tune's plotting and benchmarking tools can read
 * our studies: `results.csv.zip` (one row per reported result) and `metadata.json`.
 */
import { strToU8, Zip, ZipDeflate } from 'fflate';
import { OPS, SYNE_TUNE_KEYS } from '../nb201/searchSpace';
import { csvLine, type CsvValue } from './csvExport';
import type { LoggedResult } from '../readModel/resultLog';
import type { StudyIdentity } from '../readModel/studyReadModel';
import { SCHEDULER_KINDS, type SchedulerKind } from '../schedulers/scheduler';

export const SYNE_TUNE_RESULT_COLUMNS = [
  'trial_id', 'hp_epoch', 'metric_valid_error', 'metric_runtime', 'metric_elapsed_time', 'st_tuner_time',
  'st_decision', 'st_status', ...SYNE_TUNE_KEYS.map((key) => `config_${key}`),
] as const;

export const SYNE_TUNE_BENCHMARK_NAME = 'nas201-cifar10';

/** Syne Tune class names for our scheduler kinds (metadata `scheduler_name`). */
const SCHEDULER_CLASS: Record<SchedulerKind, string> = {
  'sync-hyperband': 'SynchronousGeometricHyperbandScheduler',
  'sync-sh': 'SynchronousGeometricHyperbandScheduler(brackets=1)',
  asha: 'HyperbandScheduler(type=promotion)',
  fifo: 'FIFOScheduler',
  dehb: 'GeometricDifferentialEvolutionHyperbandScheduler',
};

/**
 * results.csv.zip written as the results arrive (StudyReadModel's onResult): each row is deflated into
 * the archive at once, so only the compressed bytes are held, never a row object or the CSV text of
 * the whole study. One row per reported result, in report order, with the decision after it.
 */
export class SyneTuneResultsZip {
  private readonly parts: Uint8Array[] = [];
  private readonly zip = new Zip((error, chunk) => { if (error) throw error; this.parts.push(chunk); });
  private readonly csv: ZipDeflate;
  private pending: string[] = [];
  private pendingChars = 0;

  /** `opsOf` gives a trial's cell (the config columns); `created` is the archive entry's mtime. */
  constructor(private readonly opsOf: (trialId: number) => readonly number[] | undefined, created: string) {
    this.csv = new ZipDeflate('results.csv', { level: 6 });
    this.csv.mtime = created;
    this.zip.add(this.csv);
    this.line(SYNE_TUNE_RESULT_COLUMNS);
  }

  readonly add = (r: LoggedResult): void => {
    const config = this.opsOf(r.trialId)?.map((op) => OPS[op]) ?? SYNE_TUNE_KEYS.map(() => '');
    this.line([r.trialId, r.epoch, r.error, r.runtime, r.elapsed, r.time, r.decision, r.status, ...config]);
  };

  /** The archive's bytes; nothing may be added after. */
  finish(): Uint8Array {
    this.flush(true);
    this.zip.end();
    return Buffer.concat(this.parts);
  }

  private line(values: readonly CsvValue[]): void {
    const text = csvLine(values) + '\n';
    this.pending.push(text);
    this.pendingChars += text.length;
    if (this.pendingChars >= DEFLATE_BATCH_CHARS) this.flush(false);
  }

  private flush(final: boolean): void {
    this.csv.push(strToU8(this.pending.join('')), final);
    this.pending = [];
    this.pendingChars = 0;
  }
}

/** Rows are handed to the deflater in batches of about this many characters (a call per row is slow). */
const DEFLATE_BATCH_CHARS = 1 << 16;

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

export function syneTuneMetadata(study: StudyIdentity, created: string): SyneTuneMetadata {
  const spec = (study.spec ?? {}) as Record<string, unknown>;
  const { searcher, scheduler } = study;
  return {
    metric_names: ['metric_valid_error'],
    metric_mode: 'min',
    algorithm: `${searcher || 'unknown'}-${scheduler || 'unknown'}`,
    seed: study.seed ?? 0,
    tag: typeof spec.tag === 'string' && spec.tag !== '' ? spec.tag : study.studyId,
    benchmark: SYNE_TUNE_BENCHMARK_NAME,
    scheduler_name: isSchedulerKind(scheduler) ? SCHEDULER_CLASS[scheduler] : scheduler || 'unknown',
    n_workers: typeof spec.workers === 'number' ? spec.workers : null,
    max_wallclock_time: study.budgetSeconds,
    st_tuner_creation_timestamp: Date.parse(created) / 1000,
    study_id: study.studyId,
    table: { label: study.table.label, kind: study.table.kind, provenanceNote: study.table.provenanceNote },
  };
}

/** The two files of the export, as bytes keyed by file name. */
export function syneTuneExportFiles(results: SyneTuneResultsZip, study: StudyIdentity, created: string): Record<string, Uint8Array> {
  return {
    'results.csv.zip': results.finish(),
    'metadata.json': strToU8(JSON.stringify(syneTuneMetadata(study, created), null, 2) + '\n'),
  };
}

function isSchedulerKind(name: string): name is SchedulerKind {
  return (SCHEDULER_KINDS as readonly string[]).includes(name);
}
