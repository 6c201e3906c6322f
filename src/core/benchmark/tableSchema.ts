/**
 * What an NB201 table (format version 1) must contain, beyond a well-formed container: the arrays the
 * simulator and the importer rely on, with their dtypes and shapes, and op indices in canonical order.
 */
import { EDGES, NUM_EDGES, NUM_OPS, OPS } from '../nb201/searchSpace';
import { TableError } from './tableError';
import type { DecodedTable, TableDtype, TableHeader } from './tableFormat';

interface RequiredArray {
  readonly name: string;
  readonly dtype: TableDtype;
  readonly shape: (h: TableHeader) => number[];
}

const perArch = (name: string, dtype: TableDtype): RequiredArray => ({ name, dtype, shape: (h) => [h.numArchs] });

export const REQUIRED_ARRAYS: readonly RequiredArray[] = [
  { name: 'arch_ops', dtype: 'uint8', shape: (h) => [h.numArchs, NUM_EDGES] },
  { name: 'valid_error', dtype: 'uint16', shape: (h) => [h.numArchs, h.numSeeds, h.numEpochs] },
  perArch('runtime_s', 'float32'),
  perArch('latency_s', 'float32'),
  perArch('runtime_is_real', 'uint8'),
  perArch('final_error_mean', 'float32'),
  perArch('params_mb', 'float32'),
  perArch('flops_m', 'float32'),
  perArch('iso_class', 'uint32'),
  perArch('acc12_valid', 'float32'),
  perArch('acc12_test', 'float32'),
];

/** Throws a TableError naming the first array or field that does not match what the loader needs. */
export const TABLE_FORMAT = 'nb201-c10-mf';

export function checkTableSchema({ header, arrays }: DecodedTable): void {
  if (header.format !== TABLE_FORMAT) throw new TableError(`header format ${JSON.stringify(header.format)} is not ${JSON.stringify(TABLE_FORMAT)}`, 'bad-header');
  if (header.version !== 1) throw new TableError(`format version ${header.version} is not supported (this build reads version 1)`, 'bad-header');
  if (header.ops !== undefined && JSON.stringify(header.ops) !== JSON.stringify(OPS)) {
    throw new TableError(`header ops ${JSON.stringify(header.ops)} differ from ${JSON.stringify(OPS)}`, 'bad-header');
  }
  if (header.edges !== undefined && JSON.stringify(header.edges) !== JSON.stringify(EDGES)) {
    throw new TableError(`header edges ${JSON.stringify(header.edges)} differ from ${JSON.stringify(EDGES)}`, 'bad-header');
  }
  for (const req of REQUIRED_ARRAYS) {
    const spec = header.arrays.find((a) => a.name === req.name);
    if (!spec) throw new TableError(`required array ${req.name} is missing`, 'bad-array');
    if (spec.dtype !== req.dtype) throw new TableError(`array ${req.name} has dtype ${spec.dtype}, expected ${req.dtype}`, 'bad-array');
    const shape = req.shape(header);
    if (JSON.stringify(spec.shape) !== JSON.stringify(shape)) {
      throw new TableError(`array ${req.name} has shape ${JSON.stringify(spec.shape)}, expected ${JSON.stringify(shape)}`, 'bad-array');
    }
  }
  const ops = arrays.get('arch_ops')!;
  for (let i = 0; i < ops.length; i++) {
    if (ops[i] >= NUM_OPS) throw new TableError(`arch_ops[${Math.floor(i / NUM_EDGES)}] holds op index ${ops[i]} (max ${NUM_OPS - 1})`, 'bad-array');
  }
  checkEpochTimes(arrays.get('runtime_s')!);
}

/**
 * Every arch's epoch time must be a positive number of seconds: the simulator schedules epoch k of a trial
 * at k x that time, so 0, a negative or NaN would stall or reverse its clock. Checked here, where the
 * message can name the file, rather than when a study first draws that arch.
 */
function checkEpochTimes(runtime: ArrayLike<number>): void {
  for (let arch = 0; arch < runtime.length; arch++) {
    const seconds = runtime[arch];
    if (!(seconds > 0 && Number.isFinite(seconds))) {
      throw new TableError(`runtime_s[${arch}] (the epoch time of arch ${arch}) is ${seconds}, but every epoch time must be a positive ` +
        'number of seconds; the table is damaged or was written by a faulty converter: re-create it (import-table) or use another table', 'bad-array');
    }
  }
}
