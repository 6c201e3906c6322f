/**
 * Converts Syne Tune's nasbench201 blackbox (folder with hyperparameters.parquet,
 * objectives_evaluations.npy, fidelities_values.npy, metadata.json) into an NB201MF1 table holding the
 * exact cifar10 values, in the NB201 index order of a reference table (the bundled one), from which the
 * real per-arch columns (arch_ops, iso_class, params, FLOPs, 12-epoch accuracies) are copied.
 *
 * The .npy has shape (tasks, archs, seeds, epochs, objectives), float32, and is read a chunk of archs at
 * a time; only the requested task (cifar10) is touched.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { cellCode, EDGES, NUM_CELLS, OPS, type Cell } from '../nb201/searchSpace';
import { NpyReader } from './npyReader';
import { readSyneTuneCells } from './syneTuneHyperparameters';
import { convertTask, type ObjectiveColumns } from './syneTuneConversion';
import { readTableFile, writeTableFile } from './tableFile';
import type { DecodedTable, TableArrayInput, TableTypedArray } from './tableFormat';
import { EXACT_SOURCE } from './tableLoader';
import { defaultTablePath } from './tablePaths';
import { TABLE_FORMAT } from './tableSchema';

export const SYNETUNE_FILES = ['metadata.json', 'hyperparameters.parquet', 'fidelities_values.npy', 'objectives_evaluations.npy'] as const;
const DEFAULT_TASKS = ['cifar10', 'cifar100', 'ImageNet16-120'];

export type ImportProgress = (fraction: number, message: string) => void;

export interface ImportSyneTuneOptions {
  /** Folder holding the four blackbox files. */
  readonly sourceDir: string;
  readonly outPath: string;
  /** Table whose NB201 order and real per-arch columns are used; default: the bundled table. */
  readonly bundledTablePath?: string;
  /** Task (dataset) to import; default 'cifar10'. */
  readonly task?: string;
  readonly onProgress?: ImportProgress;
  readonly signal?: AbortSignal;
  /** Bytes of the .npy read per step (default 8 MiB); only tests of the chunking need to change it. */
  readonly chunkBytes?: number;
}

export interface ImportSyneTuneResult {
  readonly outPath: string;
  readonly archs: number;
  readonly seeds: number;
  readonly epochs: number;
  readonly seconds: number;
  /** Values that were NaN in the blackbox and were filled with the mean of the other seeds. */
  readonly imputedValues: number;
  /** Largest (max - min) / mean of metric_runtime within one arch over seeds and epochs (0 = constant). */
  readonly runtimeMaxRelativeSpread: number;
  /** Archs whose metric_params differs from the reference table's params_mb (a mapping check; expect 0). */
  readonly paramsMismatches: number;
}

interface SyneTuneMetadata {
  readonly objectives_names: string[];
  readonly task_names?: string[];
}

export class ImportError extends Error {
  override name = 'ImportError';
}

export async function importSyneTuneBlackbox(options: ImportSyneTuneOptions): Promise<ImportSyneTuneResult> {
  const started = performance.now();
  const { sourceDir, outPath, signal } = options;
  const task = options.task ?? 'cifar10';
  const progress: ImportProgress = (f, m) => options.onProgress?.(Math.min(1, Math.max(0, f)), m);

  const missing = SYNETUNE_FILES.filter((f) => !existsSync(join(sourceDir, f)));
  if (missing.length) {
    throw new ImportError(`${sourceDir} lacks ${missing.join(', ')}: it must hold Syne Tune's nasbench201 blackbox files (${SYNETUNE_FILES.join(', ')}); download them with the --download option`);
  }
  progress(0, `reading ${sourceDir}`);
  const metadata = await readMetadata(join(sourceDir, 'metadata.json'));
  const taskNames = metadata.task_names ?? DEFAULT_TASKS;
  const taskIndex = taskNames.indexOf(task);
  if (taskIndex < 0) throw new ImportError(`task ${task} is not in metadata.json task_names ${JSON.stringify(taskNames)}`);
  const columns = objectiveColumns(metadata.objectives_names);
  const cells = await readSyneTuneCells(join(sourceDir, 'hyperparameters.parquet'));
  const epochs = await readFidelities(join(sourceDir, 'fidelities_values.npy'));
  signal?.throwIfAborted();

  const referencePath = options.bundledTablePath ?? defaultTablePath();
  progress(0.03, `reading reference table ${referencePath}`);
  const reference = readTableFile(referencePath);
  const targetOf = mapRowsToReference(cells, reference.arrays.get('arch_ops') as Uint8Array, reference.header.numArchs);

  const reader = await NpyReader.open(join(sourceDir, 'objectives_evaluations.npy'));
  try {
    checkNpyShape(reader, taskNames.length, cells.length, epochs.length, metadata.objectives_names.length);
    const converted = await convertTask(reader, {
      taskIndex, targetOf, columns, chunkBytes: options.chunkBytes, signal,
      referenceParams: reference.arrays.get('params_mb') as Float32Array,
      referenceLatency: reference.arrays.get('latency_s') as Float32Array,
      onChunk: (done, total) => progress(0.05 + 0.85 * (done / total), `converting ${task}: ${done} / ${total} archs`),
    });
    signal?.throwIfAborted();
    progress(0.92, `writing ${outPath}`);
    const stats = {
      task, taskIndex, sourceShape: reader.header.shape, objectives: metadata.objectives_names, referenceTable: basename(referencePath),
      imputedValues: converted.imputedValues, runtimeMaxRelativeSpread: converted.runtimeMaxRelativeSpread, paramsMismatches: converted.paramsMismatches,
    };
    const { numArchs, numSeeds, numEpochs } = converted;
    writeTableFile(outPath, {
      format: TABLE_FORMAT, version: 1, source: EXACT_SOURCE,
      numArchs, numSeeds, numEpochs, ops: [...OPS], edges: EDGES.map((e) => [...e]),
      epochIndex: `array index t holds epoch t+1 (1..${numEpochs})`,
      metric: 'valid_error = metric_valid_error of Syne Tune nasbench201/cifar10 (1 - test acc after `epoch` epochs of the 200-epoch schedule)',
      quantisation: 'valid_error stored as uint16 x 1e-4 (rounding error <= 5e-5); final_error_mean is the float seed mean at the last epoch',
      provenance: {
        blackbox: 'valid_error, runtime_s, latency_s, final_error_mean: Syne Tune nasbench201 blackbox (real NB201 values)',
        reference: 'arch_ops, iso_class, params_mb, flops_m, acc12_valid, acc12_test: copied from the reference table (real NB201 values)',
        runtime: 'runtime_s = mean of metric_runtime over seeds and epochs (seconds per epoch)',
        imputation: 'Syne Tune filled seeds missing in NB201 with the mean of the other seeds; NaNs left in the file were filled the same way',
      },
      import: stats,
    }, [
      copyArray(reference, 'arch_ops'),
      { name: 'valid_error', dtype: 'uint16', scale: 1e-4, source: 'real', description: '[arch][seed][epoch-1], Syne Tune metric_valid_error', shape: [numArchs, numSeeds, numEpochs], data: converted.validError },
      { name: 'runtime_s', dtype: 'float32', scale: 1, source: 'real', description: 'seconds per epoch (metric_runtime, mean over seeds and epochs)', shape: [numArchs], data: converted.runtime },
      { name: 'latency_s', dtype: 'float32', scale: 1, source: columns.latency >= 0 ? 'real' : 'reference', description: 'inference latency s', shape: [numArchs], data: converted.latency },
      { name: 'runtime_is_real', dtype: 'uint8', scale: 1, source: 'real', description: '1 = runtime_s is a logged value', shape: [numArchs], data: new Uint8Array(numArchs).fill(1) },
      { name: 'final_error_mean', dtype: 'float32', scale: 1, source: 'real', description: `seed mean of metric_valid_error at epoch ${numEpochs}`, shape: [numArchs], data: converted.finalError },
      ...['params_mb', 'flops_m', 'iso_class', 'acc12_valid', 'acc12_test'].map((name) => copyArray(reference, name)),
    ]);
    const seconds = (performance.now() - started) / 1000;
    progress(1, `wrote ${outPath} (${numArchs} archs, ${seconds.toFixed(1)} s)`);
    return {
      outPath, archs: numArchs, seeds: numSeeds, epochs: numEpochs, seconds,
      imputedValues: stats.imputedValues, runtimeMaxRelativeSpread: stats.runtimeMaxRelativeSpread, paramsMismatches: stats.paramsMismatches,
    };
  } finally {
    await reader.close();
  }
}

function copyArray(reference: DecodedTable, name: string): TableArrayInput {
  const spec = reference.header.arrays.find((a) => a.name === name)!;
  return { ...spec, data: reference.arrays.get(name) as TableTypedArray };
}

function objectiveColumns(names: readonly string[]): ObjectiveColumns {
  const required = (name: string) => {
    const i = names.indexOf(name);
    if (i < 0) throw new ImportError(`objective ${name} is not in metadata.json objectives_names ${JSON.stringify(names)}`);
    return i;
  };
  return {
    validError: required('metric_valid_error'),
    runtime: required('metric_runtime'),
    latency: names.indexOf('metric_latency'),
    params: names.indexOf('metric_params'),
  };
}

async function readMetadata(path: string): Promise<SyneTuneMetadata> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(path, 'utf8'));
  } catch (err) {
    throw new ImportError(`cannot read ${path}: ${(err as Error).message}`);
  }
  const names = (parsed as SyneTuneMetadata)?.objectives_names;
  if (!Array.isArray(names) || !names.every((n) => typeof n === 'string')) throw new ImportError(`${path} has no objectives_names list`);
  return parsed as SyneTuneMetadata;
}

/** Fidelities must be the epochs 1..E in order: the table stores epoch e at position e-1. */
async function readFidelities(path: string): Promise<number[]> {
  const reader = await NpyReader.open(path);
  try {
    const values = await reader.readNumbers();
    if (values.length === 0 || !values.every((v, i) => v === i + 1)) {
      throw new ImportError(`${path} must hold the epochs 1..E in order, found ${JSON.stringify(values.slice(0, 5))}...`);
    }
    return values;
  } finally {
    await reader.close();
  }
}

/** Parquet row r -> index in the reference table; every reference cell must appear exactly once. */
function mapRowsToReference(cells: readonly Cell[], archOps: Uint8Array, numArchs: number): Int32Array {
  if (cells.length !== numArchs) throw new ImportError(`hyperparameters.parquet has ${cells.length} rows, the reference table ${numArchs} archs`);
  const indexByCode = new Int32Array(NUM_CELLS).fill(-1);
  for (let i = 0; i < numArchs; i++) indexByCode[cellCode(Array.from(archOps.subarray(i * 6, i * 6 + 6)))] = i;
  const seen = new Uint8Array(numArchs);
  return Int32Array.from(cells, (cell, r) => {
    const index = indexByCode[cellCode(cell)];
    if (index < 0) throw new ImportError(`row ${r} (${cell.map((op) => OPS[op]).join(',')}) is not in the reference table`);
    if (seen[index]++) throw new ImportError(`row ${r} repeats the architecture of an earlier row`);
    return index;
  });
}

function checkNpyShape(reader: NpyReader, tasks: number, rows: number, epochs: number, objectives: number): void {
  const { shape, dtype } = reader.header;
  if (dtype !== 'float32' && dtype !== 'float64') throw new ImportError(`objectives_evaluations.npy has dtype ${dtype}, expected float32`);
  if (shape.length !== 5 || shape[0] !== tasks || shape[1] !== rows || shape[3] !== epochs || shape[4] !== objectives) {
    throw new ImportError(`objectives_evaluations.npy has shape ${JSON.stringify(shape)}, expected [${tasks}, ${rows}, seeds, ${epochs}, ${objectives}] (tasks, archs, seeds, epochs, objectives)`);
  }
}
