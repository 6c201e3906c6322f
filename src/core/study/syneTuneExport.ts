/**
 * Export in Syne Tune's experiment format, so Syne Tune's plotting and benchmarking tools can read
 * our studies: `results.csv.zip` (one row per reported result) and `metadata.json`.
 */
import { zipSync, strToU8 } from 'fflate';
import { OPS, SYNE_TUNE_KEYS } from '../nb201/searchSpace';
import { csvText, type CsvValue } from './csvExport';
import type { StudyIdentity, StudyReadModel } from '../readModel/studyReadModel';
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

/** results.csv text: one row per reported result, in report order, with the decision after it. */
export function syneTuneResultsCsv(model: StudyReadModel): string {
  const log = model.resultLog;
  if (!log) throw new Error('syneTuneResultsCsv needs a read model built with keepResults: true');
  const configs = new Map<number, string[]>();
  const configOf = (trialId: number): string[] => {
    let config = configs.get(trialId);
    if (!config) configs.set(trialId, (config = model.trials.opsOf(trialId)?.map((op) => OPS[op]) ?? SYNE_TUNE_KEYS.map(() => '')));
    return config;
  };
  return csvText(SYNE_TUNE_RESULT_COLUMNS, log.results.map((r): CsvValue[] => [
    r.trialId, r.epoch, r.error, r.runtime, r.elapsed, r.time, r.decision, r.status, ...configOf(r.trialId),
  ]));
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
export function syneTuneExportFiles(model: StudyReadModel, study: StudyIdentity, created: string): Record<string, Uint8Array> {
  const zip = zipSync({ 'results.csv': strToU8(syneTuneResultsCsv(model)) }, { level: 6, mtime: created });
  return {
    'results.csv.zip': zip,
    'metadata.json': strToU8(JSON.stringify(syneTuneMetadata(study, created), null, 2) + '\n'),
  };
}

function isSchedulerKind(name: string): name is SchedulerKind {
  return (SCHEDULER_KINDS as readonly string[]).includes(name);
}
