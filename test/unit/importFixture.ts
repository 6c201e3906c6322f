/**
 * Test fixtures for the Syne Tune importer, generated into a temp dir: a small reference table (N cells
 * in "NB201 order") and a blackbox folder of the same layout as Syne Tune's nasbench201 (parquet rows in a
 * shuffled order, a (3, N, 3, E, 7) float32 .npy, int64 fidelities, metadata.json). Values are a known
 * function of (task, arch, seed, epoch) so a test can check each converted number.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { parquetWriteFile } from 'hyparquet-writer';
import { encodeNpyHeader } from '../../src/core/benchmark/npyHeader';
import { writeTableFile } from '../../src/core/benchmark/tableFile';
import type { TableArrayInput } from '../../src/core/benchmark/tableFormat';
import { cellCode, cellFromCode, EDGES, NUM_CELLS, OPS, SYNE_TUNE_KEYS } from '../../src/core/nb201/searchSpace';
import { SeededRandom } from '../../src/core/random/seededRandom';

export const OBJECTIVES = ['metric_valid_error', 'metric_train_error', 'metric_runtime', 'metric_elapsed_time', 'metric_latency', 'metric_flops', 'metric_params'];
export const TASKS = ['cifar10', 'cifar100', 'ImageNet16-120'];

export interface Fixture {
  readonly dir: string;
  readonly referencePath: string;
  /** Cells in reference (NB201) order. */
  readonly cells: number[][];
  /** Parquet row r describes reference arch rowArch[r]. */
  readonly rowArch: number[];
  readonly seeds: number;
  readonly epochs: number;
}

export const paramsOf = (arch: number) => 0.07 + 0.01 * arch;
export const runtimeOf = (task: number, arch: number) => 10 + 0.5 * arch + 100 * task;
export const latencyOf = (arch: number) => 0.01 + 1e-4 * arch;
/** Error of (task, arch, seed, epoch 1..E): decreasing in epoch, distinct per task so a wrong slice shows. */
export function errorOf(task: number, arch: number, seed: number, epoch: number): number {
  return Math.fround(0.06 + 0.002 * arch + 0.4 * Math.exp(-epoch / (4 + seed)) + 0.3 * task);
}

export function writeFixture(dir: string, options: { archs?: number; epochs?: number; seed?: string; nanAt?: [number, number, number] } = {}): Fixture {
  const n = options.archs ?? 25, seeds = 3, epochs = options.epochs ?? 200;
  const rng = new SeededRandom(options.seed ?? 'fixture');
  mkdirSync(dir, { recursive: true });
  const codes = new Set<number>();
  while (codes.size < n) codes.add(rng.int(NUM_CELLS));
  const cells = [...codes].map((c) => cellFromCode(c).slice());
  const referencePath = join(dir, 'reference.bin.gz');
  writeReferenceTable(referencePath, cells, seeds, epochs);

  const rowArch = rng.shuffled(cells.map((_, i) => i));
  const bb = join(dir, 'nasbench201');
  mkdirSync(bb, { recursive: true });
  parquetWriteFile({
    filename: join(bb, 'hyperparameters.parquet'),
    columnData: SYNE_TUNE_KEYS.map((key, e) => ({ name: key, data: rowArch.map((a) => OPS[cells[a][e]]), type: 'STRING' as const })),
    codec: 'GZIP', // Syne Tune writes it with fastparquet, compression="gzip"
    compressors: { GZIP: (input: Uint8Array) => new Uint8Array(gzipSync(input)) },
  });
  writeNpy(join(bb, 'fidelities_values.npy'), '<i8', [epochs], BigInt64Array.from({ length: epochs }, (_, i) => BigInt(i + 1)));
  const values = new Float32Array(TASKS.length * n * seeds * epochs * OBJECTIVES.length);
  let at = 0;
  for (let t = 0; t < TASKS.length; t++) {
    for (const arch of rowArch) {
      for (let s = 0; s < seeds; s++) {
        for (let e = 1; e <= epochs; e++) {
          const nan = options.nanAt && t === 0 && options.nanAt[0] === arch && options.nanAt[1] === s && options.nanAt[2] === e;
          values.set([nan ? NaN : errorOf(t, arch, s, e), 0.01, runtimeOf(t, arch), e * runtimeOf(t, arch), latencyOf(arch), 8 + arch, paramsOf(arch)], at);
          at += OBJECTIVES.length;
        }
      }
    }
  }
  writeNpy(join(bb, 'objectives_evaluations.npy'), '<f4', [TASKS.length, n, seeds, epochs, OBJECTIVES.length], values);
  writeFileSync(join(bb, 'metadata.json'), JSON.stringify({
    metric_elapsed_time: 'metric_elapsed_time', default_metric: 'metric_valid_error', resource_attr: 'hp_epoch',
    objectives_names: OBJECTIVES, task_names: TASKS,
  }));
  return { dir: bb, referencePath, cells, rowArch, seeds, epochs };
}

export function writeNpy(path: string, descr: string, shape: number[], data: ArrayBufferView): void {
  const header = encodeNpyHeader(descr, shape);
  writeFileSync(path, Buffer.concat([header, new Uint8Array(data.buffer, data.byteOffset, data.byteLength)]));
}

/** A reference table with the bundled layout; its valid_error is a placeholder the import must replace. */
function writeReferenceTable(path: string, cells: number[][], seeds: number, epochs: number): void {
  const n = cells.length;
  const f32 = (name: string, f: (i: number) => number): TableArrayInput => ({ name, dtype: 'float32', scale: 1, shape: [n], data: Float32Array.from({ length: n }, (_, i) => f(i)) });
  writeTableFile(path, { format: 'nb201-c10-mf', version: 1, numArchs: n, numSeeds: seeds, numEpochs: epochs, ops: [...OPS], edges: EDGES.map((e) => [...e]) }, [
    { name: 'arch_ops', dtype: 'uint8', scale: 1, shape: [n, 6], data: Uint8Array.from(cells.flat()) },
    { name: 'valid_error', dtype: 'uint16', scale: 1e-4, shape: [n, seeds, epochs], data: new Uint16Array(n * seeds * epochs).fill(9000) },
    f32('runtime_s', () => 1), f32('latency_s', () => 0.5),
    { name: 'runtime_is_real', dtype: 'uint8', scale: 1, shape: [n], data: new Uint8Array(n) },
    f32('final_error_mean', () => 0.9), f32('params_mb', paramsOf), f32('flops_m', (i) => 8 + i),
    { name: 'iso_class', dtype: 'uint32', scale: 1, shape: [n], data: Uint32Array.from(cells, (c) => 1000 + cellCode(c)) },
    f32('acc12_valid', (i) => 70 + i), f32('acc12_test', (i) => 71 + i),
  ]);
}
