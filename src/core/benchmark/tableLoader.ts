/**
 * Loads an NB201MF1 table file as a Benchmark. All accessors are plain typed-array reads: the simulator
 * calls them for every result of every trial.
 */
import { cellCode, cellCodeAt, isValidCell, NUM_CELLS, NUM_EDGES, type Cell } from '../nb201/searchSpace';
import type { Benchmark, TableInfo } from './benchmark';
import type { SharedTableFile } from './sharedTableRows';
import { openTableFile, reopenSharedTableFile, type OpenedTable, type ReadTableOptions } from './tableFile';
import type { TableRows } from './tableRows';
import type { TableHeader, TableTypedArray } from './tableFormat';
import { defaultTablePath } from './tablePaths';

export const EXACT_SOURCE = 'synetune-blackbox';

const BUNDLED_NOTE = 'epochs 1-199 are model-generated (learning-curve model calibrated on real Syne Tune rows); ' +
  'only the epoch-200 seed mean and per-epoch times are real — see MF-TABLE.md; ' +
  'import the exact Syne Tune table with `import-table`';
const EXACT_NOTE = 'exact per-epoch, per-seed values of Syne Tune\'s nasbench201 blackbox (cifar10), ' +
  'stored to 1e-4; seeds missing in NB201 were imputed by Syne Tune as the mean of the others';

export function tableInfo(header: TableHeader, path: string): TableInfo {
  if (header.source === EXACT_SOURCE) {
    return { label: 'nb201-cifar10 exact (Syne Tune blackbox)', kind: 'exact-synetune', path, provenanceNote: EXACT_NOTE };
  }
  return { label: 'nb201-c10-mf.v1 (bundled; epochs 1-199 model-generated)', kind: 'bundled-model-calibrated', path, provenanceNote: BUNDLED_NOTE };
}

export class TableBenchmark implements Benchmark {
  readonly info: TableInfo;
  readonly numArchs: number;
  readonly numSeeds: number;
  readonly maxEpoch: number;
  readonly optimumError: number;
  /** NB201 index of the cell with the lowest seed-mean final error. */
  readonly optimumIndex: number;
  readonly header: TableHeader;
  /** Loaded with `shared` (from a trusted cache): what another thread opens the same table from (loadSharedTable). */
  readonly shared: SharedTableFile | undefined;

  private validErrorRaw: Uint16Array;
  /** Where validErrorRaw's rows come from when they are read from the cache on first use (undefined: row i is arch i's). */
  private readonly rows: TableRows | undefined;
  /** Stored uint16 / divisor = error; dividing by 10000 keeps values like 0.0575 exact to print. */
  private readonly validErrorDivisor: number;
  private readonly runtime: Float32Array;
  private readonly latency: Float32Array;
  private readonly finalError: Float32Array;
  private readonly iso: Uint32Array;
  private readonly params: Float32Array;
  private readonly flops: Float32Array;
  private readonly runtimeReal: Uint8Array;
  private readonly ops: Uint8Array;
  /** Made on first cellAt: a study asks for a few hundred of the 15,625, and making all took most of the constructor. */
  private readonly cells: (Cell | undefined)[];
  private readonly indexByCode: Int32Array;

  constructor(table: OpenedTable, path: string) {
    const { header, arrays } = table;
    this.rows = table.rows;
    this.shared = table.shared;
    const get = <T extends TableTypedArray>(name: string) => arrays.get(name) as T;
    this.header = header;
    this.info = tableInfo(header, path);
    this.numArchs = header.numArchs;
    this.numSeeds = header.numSeeds;
    this.maxEpoch = header.numEpochs;
    this.validErrorRaw = table.rows?.values ?? get<Uint16Array>('valid_error');
    const scale = header.arrays.find((a) => a.name === 'valid_error')!.scale;
    this.validErrorDivisor = 1 / scale;
    this.runtime = get<Float32Array>('runtime_s');
    this.latency = get<Float32Array>('latency_s');
    this.finalError = get<Float32Array>('final_error_mean');
    this.iso = get<Uint32Array>('iso_class');
    this.params = get<Float32Array>('params_mb');
    this.flops = get<Float32Array>('flops_m');
    this.runtimeReal = get<Uint8Array>('runtime_is_real');

    this.ops = get<Uint8Array>('arch_ops');
    this.cells = new Array<Cell | undefined>(this.numArchs);
    this.indexByCode = new Int32Array(NUM_CELLS).fill(-1);
    for (let i = 0; i < this.numArchs; i++) this.indexByCode[cellCodeAt(this.ops, i * NUM_EDGES)] = i;

    let best = 0;
    for (let i = 1; i < this.numArchs; i++) if (this.finalError[i] < this.finalError[best]) best = i;
    this.optimumIndex = best;
    this.optimumError = this.finalError[best];
  }

  indexOf(cell: Cell): number {
    if (!isValidCell(cell)) throw new RangeError(`not an NB201 cell: ${JSON.stringify(cell)}`);
    const code = cellCode(cell);
    const index = this.indexByCode[code];
    if (index < 0) throw new RangeError(`cell ${JSON.stringify(cell)} is not in this table`);
    return index;
  }

  cellAt(index: number): Cell {
    if (!(index >>> 0 === index && index < this.numArchs)) throw new RangeError(`arch index ${index} out of range 0..${this.numArchs - 1}`);
    return this.cells[index] ??= Object.freeze(Array.from(this.ops.subarray(index * NUM_EDGES, (index + 1) * NUM_EDGES)));
  }

  validError(index: number, seed: number, epoch: number): number {
    if (!this.inRange(index, seed, epoch)) this.rangeError(index, seed, epoch);
    let row = index;
    if (this.rows !== undefined) {
      row = this.rows.slot[index];
      if (row < 0) {
        row = this.rows.fill(index);
        this.validErrorRaw = this.rows.values; // fill may have grown it
      }
    }
    return this.validErrorRaw[(row * this.numSeeds + seed) * this.maxEpoch + epoch - 1] / this.validErrorDivisor;
  }

  epochSeconds(index: number): number {
    return this.runtime[index];
  }

  finalErrorMean(index: number): number {
    return this.finalError[index];
  }

  isoClass(index: number): number {
    return this.iso[index];
  }

  /** Inference latency in seconds (real where runtimeIsReal). */
  latencySeconds(index: number): number {
    return this.latency[index];
  }

  /** Whether epochSeconds/latencySeconds of this arch are logged values rather than a regression. */
  runtimeIsReal(index: number): boolean {
    return this.runtimeReal[index] === 1;
  }

  paramsMb(index: number): number {
    return this.params[index];
  }

  flopsM(index: number): number {
    return this.flops[index];
  }

  /**
   * Closes the cache file rows are read from (a no-op for a table read whole). For worker threads, which
   * end without a garbage collection closing it; rows not read yet then come from the gzip table.
   */
  close(): void {
    this.rows?.close();
  }

  private inRange(index: number, seed: number, epoch: number): boolean {
    // `x >>> 0 === x` is a cheap test for a non-negative integer.
    return index >>> 0 === index && index < this.numArchs &&
      seed >>> 0 === seed && seed < this.numSeeds &&
      epoch >>> 0 === epoch && epoch >= 1 && epoch <= this.maxEpoch;
  }

  private rangeError(index: number, seed: number, epoch: number): never {
    throw new RangeError(`validError(${index}, ${seed}, ${epoch}) out of range: index < ${this.numArchs}, seed < ${this.numSeeds}, 1 <= epoch <= ${this.maxEpoch}`);
  }
}

/**
 * Load a table file (default: the bundled table, see defaultTablePath), through its uncompressed cache
 * (tableCache.ts), whose valid_error rows are read as they are first asked for. Throws TableError when
 * it is unusable; validError can too, when the cache is damaged after the load and the gzip table is.
 */
export function loadTable(path: string = defaultTablePath(), options: ReadTableOptions = {}): TableBenchmark {
  return new TableBenchmark(openTableFile(path, options), path);
}

/** In another thread, the table that `shared` came from (TableBenchmark.shared): the same bytes, each row read once for all. */
export function loadSharedTable(shared: SharedTableFile): TableBenchmark {
  return new TableBenchmark(reopenSharedTableFile(shared), shared.path);
}
