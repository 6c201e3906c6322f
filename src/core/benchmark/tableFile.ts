/** Reading and writing NB201MF1 table files (gzip on disk), with errors that say what is wrong and how to fix it. */
import { renameSync, writeFileSync, mkdirSync, rmSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import { gzipSync } from 'node:zlib';
import { newRowStates, sharedTableRows, type SharedTableFile } from './sharedTableRows';
import type { TableRows } from './tableRows';
import { readTableCache, reopenTableCache, tableSourceOf, writeTableCache, type CachedRows, type RowRegion, type TableSource } from './tableCache';
import { TableError } from './tableError';
import { inflateTable, isGzip, readTableBytes } from './tableBytes';
import { decodeTable, encodeTable, type DecodedTable, type TableArrayInput, type TableHeader } from './tableFormat';
import { tableHelp } from './tablePaths';
import { checkTableSchema } from './tableSchema';

export interface ReadTableOptions {
  /** Where the uncompressed cache of a gzip table lives (default: beside the table; see tableCache.ts). */
  readonly cacheDir?: string;
  /**
   * openTableFile: read the cache into shared memory, its rows in place, so that other threads can open
   * the same table (OpenedTable.shared, reopenSharedTableFile) and each row is read once for all of them.
   */
  readonly shared?: boolean;
}

/** The array read row by row from the cache (one row of seeds x epochs per architecture). */
const ROW_ARRAY = 'valid_error';

/** A decoded table whose valid_error rows may still be read on demand. */
export interface OpenedTable extends DecodedTable {
  readonly rows?: TableRows;
  /** Opened with `shared` from a trusted cache: what another thread opens it from. */
  readonly shared?: SharedTableFile;
}

type Fail = (problem: string, reason: TableError['reason']) => never;

function failFor(path: string): Fail {
  return (problem, reason) => {
    throw new TableError(`NB201 table ${path}: ${problem}. ${tableHelp(basename(path), path)}`, reason);
  };
}

/**
 * Read, decompress, decode and validate a table file, all of it. A gzip table is read from its
 * uncompressed cache when that is trusted, else inflated and cached. Any failure is one TableError
 * naming the file and the fix.
 */
export function readTableFile(path: string, options: ReadTableOptions = {}): DecodedTable {
  const fail = failFor(path);
  const cached = readTableCache(path, options.cacheDir);
  if (cached) return decodeChecked(cached.payload, fail);
  return inflateAndCache(path, options, fail);
}

/**
 * Like readTableFile, but from a trusted cache only the valid_error rows a caller asks for are read
 * (TableRows): a study reads a few hundred of 15,625, and the rest of the 19 MB is never touched.
 */
export function openTableFile(path: string, options: ReadTableOptions = {}): OpenedTable {
  const fail = failFor(path);
  const cached = readTableCache(path, options.cacheDir, options.shared ? 'shared' : 'lazy');
  if (!cached) return inflateAndCache(path, options, fail);
  const table = decodeChecked(cached.payload, fail);
  if (!cached.rows) return table;
  const region = rowRegionOf(table, cached.payload);
  // A cache whose row region is not valid_error in place (another writer's layout) is read whole instead.
  if (!region || region.start !== cached.rows.start || region.rowBytes !== cached.rows.rowBytes || region.count !== cached.rows.count) {
    cached.rows.close();
    return readTableFile(path, options);
  }
  if (!options.shared) return { ...table, rows: cacheRows(path, options, cached.rows, cached.source, fail) };
  const shared: SharedTableFile = {
    path, ...(options.cacheDir !== undefined ? { cacheDir: options.cacheDir } : {}),
    file: cached.file.buffer as SharedArrayBuffer, rowStates: newRowStates(region.count),
  };
  return { ...table, rows: rowsInPlace(table, shared, cached.rows, cached.source, fail), shared };
}

/**
 * In another thread, the table a thread opened with `shared` (OpenedTable.shared): decoded from the same
 * bytes (no file read but the rows'), its rows read once for all the threads that share it.
 */
export function reopenSharedTableFile(shared: SharedTableFile): OpenedTable {
  const fail = failFor(shared.path);
  const cached = reopenTableCache(shared.path, shared.cacheDir, new Uint8Array(shared.file));
  const table = decodeChecked(cached.payload, fail);
  if (table.arrays.get(ROW_ARRAY)!.buffer !== shared.file) throw new Error('reopenSharedTableFile: valid_error is not in the shared bytes');
  return { ...table, rows: rowsInPlace(table, shared, cached.rows!, cached.source, fail), shared };
}

/** valid_error of the gzip table, which must still be `source` (the table the cache was made from); the cache is rewritten from it. */
function rowsFromGzip(path: string, options: ReadTableOptions, source: TableSource, fail: Fail): Uint16Array {
  const { file, raw } = readAndInflate(path, fail);
  const now = tableSourceOf(file);
  if (now.size !== source.size || Buffer.compare(now.trailer, source.trailer) !== 0) {
    fail('the file changed while a study was reading it; start the study again', 'unreadable');
  }
  const table = decodeChecked(raw, fail);
  writeCache(path, options, file, raw, table);
  return table.arrays.get(ROW_ARRAY)! as Uint16Array;
}

/**
 * The rows of a shared table, each read in its own place (sharedTableRows.ts). A row that cannot be read
 * from the cache comes from the gzip table, as in cacheRows, and so does every later row this thread reads.
 */
function rowsInPlace(table: DecodedTable, shared: SharedTableFile, rows: CachedRows, source: TableSource, fail: Fail): TableRows {
  const values = table.arrays.get(ROW_ARRAY)! as Uint16Array;
  const bytes = new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
  const rowValues = rows.rowBytes / Uint16Array.BYTES_PER_ELEMENT;
  const options: ReadTableOptions = shared.cacheDir !== undefined ? { cacheDir: shared.cacheDir } : {};
  let fromGzip: Uint16Array | undefined;
  const read = (index: number): void => {
    if (fromGzip === undefined && rows.load(index, bytes, index * rows.rowBytes)) return;
    fromGzip ??= rowsFromGzip(shared.path, options, source, fail);
    values.set(fromGzip.subarray(index * rowValues, (index + 1) * rowValues), index * rowValues);
  };
  return sharedTableRows(values, shared.rowStates, read, () => rows.close());
}

/** Rows of room a lazily read table starts with: about what one 5 h study reads (then doubled as needed). */
const FIRST_ROW_CAPACITY = 512;

function cacheRows(path: string, options: ReadTableOptions, rows: CachedRows, source: TableSource, fail: Fail): TableRows {
  const rowValues = rows.rowBytes / Uint16Array.BYTES_PER_ELEMENT;
  let values = new Uint16Array(Math.min(rows.count, FIRST_ROW_CAPACITY) * rowValues);
  let bytes = new Uint8Array(values.buffer);
  const slot = new Int32Array(rows.count).fill(-1);
  let used = 0;
  const makeRoom = (rowCount: number): void => {
    if (values.length >= rowCount * rowValues) return;
    const grown = new Uint16Array(Math.min(rows.count, Math.max(rowCount, 2 * (values.length / rowValues))) * rowValues);
    grown.set(values.subarray(0, used * rowValues));
    values = grown;
    bytes = new Uint8Array(values.buffer);
  };
  const recover = (): void => {
    // Every row from the gzip table, each in its own place from now on.
    makeRoom(rows.count);
    values.set(rowsFromGzip(path, options, source, fail));
    for (let i = 0; i < rows.count; i++) slot[i] = i;
    used = rows.count;
  };
  return {
    get values() { return values; },
    slot,
    fill: (index) => {
      makeRoom(used + 1);
      if (rows.load(index, bytes, used * rows.rowBytes)) {
        slot[index] = used++;
      } else {
        recover();
      }
      return slot[index];
    },
    close: () => rows.close(),
  };
}

function inflateAndCache(path: string, options: ReadTableOptions, fail: Fail): DecodedTable {
  const { file, raw } = readAndInflate(path, fail);
  const table = decodeChecked(raw, fail);
  writeCache(path, options, file, raw, table);
  return table;
}

/** Cached only once it decoded and passed the schema check, so a cache never holds a table the loader refuses. */
function writeCache(path: string, options: ReadTableOptions, file: Buffer, raw: Uint8Array, table: DecodedTable): void {
  if (raw !== file) writeTableCache(path, tableSourceOf(file), raw, options.cacheDir, rowRegionOf(table, raw));
}

/** Where valid_error's rows lie in `raw`, or undefined when its array is not a view on `raw` (then no row region). */
function rowRegionOf({ header, arrays }: DecodedTable, raw: Uint8Array): RowRegion | undefined {
  const errors = arrays.get(ROW_ARRAY)!;
  if (errors.buffer !== raw.buffer) return undefined;
  return { start: errors.byteOffset - raw.byteOffset, rowBytes: header.numSeeds * header.numEpochs * errors.BYTES_PER_ELEMENT, count: header.numArchs };
}

/**
 * The file's bytes and its uncompressed container (the same bytes for a raw container); tableBytes.ts
 * refuses devices and wrong magic before reading and caps the inflation.
 */
function readAndInflate(path: string, fail: Fail): { file: Buffer; raw: Uint8Array } {
  const file = readTableBytes(path, fail);
  return { file, raw: isGzip(file) ? inflateTable(file, fail) : file };
}

function decodeChecked(raw: Uint8Array, fail: Fail): DecodedTable {
  try {
    const table = decodeTable(raw);
    checkTableSchema(table);
    return table;
  } catch (err) {
    if (err instanceof TableError) return fail(err.message, err.reason);
    throw err;
  }
}

/** Encode, gzip and write atomically (temp file + rename), so a crash never leaves half a table behind. */
export function writeTableFile(path: string, header: Omit<TableHeader, 'arrays'>, arrays: readonly TableArrayInput[]): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  try {
    writeFileSync(tmp, gzipSync(encodeTable(header, arrays), { level: 6 }));
    renameSync(tmp, path);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
}
