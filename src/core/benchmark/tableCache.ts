/**
 * The uncompressed cache of a gzip table file. The gzip file stays the shipped artefact; inflating its
 * 19 MB took most of a CLI study's process time, so the first load writes the inflated container to a
 * versioned cache file (beside the table by default) and later loads read that into one buffer, on
 * which the loader's typed arrays are views.
 *
 * Most of the container is one array of rows (valid_error: one row of seeds x epochs per architecture),
 * and a study reads a few hundred of its 15,625 rows. Reading it whole made every process touch 19 MB of
 * fresh memory (~13 µs a page on this VM, and all of it resident), so the cache can mark a row region:
 * a lazy read fills everything else at once and each row on first use, every row checked by a CRC-32 of
 * its own; the pages of rows never used are never touched.
 *
 * For threads working on one table (a threaded comparison), the cache file can be read into a
 * SharedArrayBuffer (mode 'shared'): another thread then opens it from those bytes without reading or
 * checking them again (reopenTableCache), with its own descriptor for the rows, trusted only while that
 * file's header is the one the bytes came with.
 *
 * A cache is trusted only when it is whole and belongs to the current gzip file: its stored sizes and
 * the CRC-32 of the bytes outside the row region (and of the row CRCs) match (a torn write or an edit
 * fails this), and its record of the source (the gzip file's size and its 8-byte trailer, which holds
 * the CRC-32 and length of the uncompressed data) matches the gzip file now (a replaced table fails
 * this). Anything else is treated as no cache: the table is inflated again and the cache rewritten. A
 * row whose CRC fails later is reported by CachedRows.load, and the loader then does the same.
 *
 * Layout: "NB201MFC", uint32 LE cache version, uint32 LE CRC-32 (above), float64 LE payload length,
 * float64 LE source size, the source's 8 trailer bytes, float64 LE row region start (in the payload),
 * row bytes and row count, then the payload (the NB201MF1 container) at byte 64, so the container's
 * 8-aligned arrays stay 8-aligned in the buffer, then one uint32 LE CRC-32 per row at the next 8-byte
 * boundary.
 */
import { closeSync, fstatSync, mkdirSync, openSync, readSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { crc32 } from 'node:zlib';
import { sha256Hex } from '../hashing/sha256Hex';

const CACHE_MAGIC = 'NB201MFC';
/** Bump when the layout above changes: older cache files are then rebuilt, never misread. */
export const TABLE_CACHE_VERSION = 2;
const CACHE_HEADER_BYTES = 64;
const GZIP_TRAILER_BYTES = 8;
const ROW_CRC_BYTES = 4;

/** What identifies the gzip file a cache was made from, without reading all of it. */
export interface TableSource {
  readonly size: number;
  /** The gzip trailer: CRC-32 and length (mod 2^32) of the uncompressed data. */
  readonly trailer: Uint8Array;
}

/** Rows `count` x `rowBytes` from byte `start` of the payload, read on demand in a lazy read. */
export interface RowRegion {
  readonly start: number;
  readonly rowBytes: number;
  readonly count: number;
}

/** The rows of a lazy read, read one at a time into the caller's buffer. */
export interface CachedRows extends RowRegion {
  /** Reads row `row` into `into` at byte `at` and checks its CRC; false when it cannot be read or does not match, or after close. */
  load(row: number, into: Uint8Array, at: number): boolean;
  /**
   * Closes the cache file now. Otherwise it closes when the rows are garbage, which a worker thread that is
   * ended never reaches: its descriptors belong to the process and stay open.
   */
  close(): void;
}

export interface CachedTable {
  /** The whole cache file as read (in a SharedArrayBuffer in mode 'shared'); payload is a view on it. */
  readonly file: Uint8Array;
  readonly payload: Uint8Array;
  /** The gzip file the cache was made from (checked to match it now). */
  readonly source: TableSource;
  /** Present for a lazy read of a cache with a row region: those rows are still zero until loaded. */
  readonly rows?: CachedRows;
}

/** The cache file of the table at `tablePath`: beside it, or in `cacheDir` under a name unique to the table's path. */
export function tableCachePath(tablePath: string, cacheDir: string = dirname(tablePath)): string {
  const name = `${basename(tablePath).replace(/\.gz$/, '')}.cache-v${TABLE_CACHE_VERSION}`;
  if (resolve(cacheDir) === resolve(dirname(tablePath))) return join(cacheDir, name);
  const pathHash = sha256Hex(resolve(tablePath)).slice(0, 12);
  return join(cacheDir, `${pathHash}-${name}`);
}

/** The source identity of a gzip file read whole (when it is being inflated anyway). */
export function tableSourceOf(gzipFile: Uint8Array): TableSource {
  return { size: gzipFile.byteLength, trailer: gzipFile.slice(gzipFile.byteLength - GZIP_TRAILER_BYTES) };
}

/**
 * How a cache is read: 'whole' reads and checks every row now; 'lazy' leaves the row region to
 * CachedRows.load; 'shared' is 'lazy' into a SharedArrayBuffer, for other threads to reopen.
 */
export type CacheReadMode = 'whole' | 'lazy' | 'shared';

/**
 * The uncompressed container from the cache of `tablePath`, or undefined when there is no cache it can
 * trust (missing, stale, torn, tampered, another version) or the table itself cannot be stat'ed (the
 * caller's normal read then reports that with its usual error).
 */
export function readTableCache(tablePath: string, cacheDir?: string, mode: CacheReadMode = 'whole'): CachedTable | undefined {
  const source = statTableSource(tablePath);
  if (!source) return undefined;
  let fd: number;
  try {
    fd = openSync(tableCachePath(tablePath, cacheDir), 'r');
  } catch {
    return undefined;
  }
  let keepOpen = false;
  try {
    const cache = readCache(fd, source, mode);
    keepOpen = cache?.rows !== undefined;
    return cache;
  } catch {
    return undefined;
  } finally {
    if (!keepOpen) closeSync(fd);
  }
}

/**
 * The cache another thread read in mode 'shared' (`file`, its bytes, already checked): nothing is read
 * again but the rows, through a descriptor of this thread's own. Those are read from the cache file only
 * while its header and size are still the ones `file` has (the same cache); otherwise, or when the file
 * is gone, every load fails, and the caller recovers the rows from the gzip table as for a damaged row.
 */
export function reopenTableCache(tablePath: string, cacheDir: string | undefined, file: Uint8Array): CachedTable {
  const layout = cacheLayout(file);
  const payload = file.subarray(CACHE_HEADER_BYTES, CACHE_HEADER_BYTES + layout.payloadLength);
  const source: TableSource = { size: layout.sourceSize, trailer: file.slice(32, 40) };
  let fd: number | undefined;
  try {
    fd = openSync(tableCachePath(tablePath, cacheDir), 'r');
  } catch {
    fd = undefined;
  }
  if (fd !== undefined && !isCacheOf(fd, file)) {
    closeSync(fd);
    fd = undefined;
  }
  return { file, payload, source, rows: cachedRows(fd, file, layout) };
}

/** Whether the open cache file has the size and header bytes of `file`, the cache it was read into. */
function isCacheOf(fd: number, file: Uint8Array): boolean {
  try {
    const header = new Uint8Array(CACHE_HEADER_BYTES);
    return fstatSync(fd).size === file.byteLength && readRange(fd, header, 0, CACHE_HEADER_BYTES) &&
      Buffer.compare(header, file.subarray(0, CACHE_HEADER_BYTES)) === 0;
  } catch {
    return false;
  }
}

const openCaches = new FinalizationRegistry<number>((fd) => {
  try { closeSync(fd); } catch { /* already closed */ }
});

/** What a cache header says: the payload's length, the source's size and the row region, and where the row CRCs start. */
interface CacheLayout {
  readonly payloadLength: number;
  readonly sourceSize: number;
  readonly region: RowRegion;
  readonly crcsAt: number;
}

/** The layout in the header at the start of `file` (only its first CACHE_HEADER_BYTES need to be read). */
function cacheLayout(file: Uint8Array): CacheLayout {
  const view = new DataView(file.buffer, file.byteOffset, CACHE_HEADER_BYTES);
  const payloadLength = view.getFloat64(16, true);
  return {
    payloadLength,
    sourceSize: view.getFloat64(24, true),
    region: { start: view.getFloat64(40, true), rowBytes: view.getFloat64(48, true), count: view.getFloat64(56, true) },
    crcsAt: CACHE_HEADER_BYTES + align8(payloadLength),
  };
}

function readCache(fd: number, source: TableSource, mode: CacheReadMode): CachedTable | undefined {
  const fileSize = fstatSync(fd).size;
  if (fileSize < CACHE_HEADER_BYTES) return undefined;
  const file = new Uint8Array(mode === 'shared' ? new SharedArrayBuffer(fileSize) : new ArrayBuffer(fileSize));
  if (!readRange(fd, file, 0, CACHE_HEADER_BYTES)) return undefined;
  const view = new DataView(file.buffer, 0, CACHE_HEADER_BYTES);
  const layout = cacheLayout(file);
  const { payloadLength, region, crcsAt } = layout;
  const regionEnd = region.start + region.rowBytes * region.count;
  const trusted = Buffer.from(file.buffer, 0, 8).toString('latin1') === CACHE_MAGIC &&
    view.getUint32(8, true) === TABLE_CACHE_VERSION &&
    Number.isSafeInteger(payloadLength) && [region.start, region.rowBytes, region.count].every(Number.isSafeInteger) &&
    region.start >= 0 && region.rowBytes >= 0 && region.count >= 0 && regionEnd <= payloadLength &&
    fileSize === crcsAt + region.count * ROW_CRC_BYTES &&
    layout.sourceSize === source.size &&
    Buffer.compare(file.subarray(32, 40), source.trailer) === 0;
  if (!trusted) return undefined;
  const rowsAt = CACHE_HEADER_BYTES + region.start;
  const rowsEnd = CACHE_HEADER_BYTES + regionEnd;
  if (!readRange(fd, file, CACHE_HEADER_BYTES, rowsAt) || !readRange(fd, file, rowsEnd, fileSize)) return undefined;
  if (outsideRowsCrc(file, rowsAt, rowsEnd) !== view.getUint32(12, true)) return undefined;
  const payload = file.subarray(CACHE_HEADER_BYTES, CACHE_HEADER_BYTES + payloadLength);
  if (mode !== 'whole' && region.count > 0) return { file, payload, source, rows: cachedRows(fd, file, layout) };
  const load = rowLoader(fd, file, layout);
  for (let row = 0; row < region.count; row++) if (!load(row, file, rowsAt + row * region.rowBytes)) return undefined;
  return { file, payload, source };
}

/** Reads row `row` of the cache `file` (its row CRCs already read) from `fd` into `into` at `at`, and checks its CRC. */
function rowLoader(fd: number, file: Uint8Array, { region, crcsAt }: CacheLayout): CachedRows['load'] {
  const rowsAt = CACHE_HEADER_BYTES + region.start;
  const rowCrcs = new DataView(file.buffer, file.byteOffset + crcsAt, region.count * ROW_CRC_BYTES);
  return (row, into, at) => {
    const target = into.subarray(at, at + region.rowBytes);
    try {
      return readRange(fd, target, 0, region.rowBytes, rowsAt + row * region.rowBytes) &&
        crc32(target) === rowCrcs.getUint32(row * ROW_CRC_BYTES, true);
    } catch {
      return false;
    }
  };
}

/**
 * The rows of the cache `file` read from descriptor `fd`, which they own: closed by close() or, failing
 * that, when the rows are garbage. Without a descriptor every load fails.
 */
function cachedRows(fd: number | undefined, file: Uint8Array, layout: CacheLayout): CachedRows {
  const load = fd === undefined ? undefined : rowLoader(fd, file, layout);
  let closed = fd === undefined;
  const rows: CachedRows = {
    ...layout.region,
    load: (row, into, at) => !closed && load!(row, into, at),
    close: () => {
      if (closed) return;
      closed = true;
      openCaches.unregister(rows);
      closeSync(fd!);
    },
  };
  // The rows read from this descriptor until closed: one file, even if the cache is replaced meanwhile.
  if (fd !== undefined) openCaches.register(rows, fd, rows);
  return rows;
}

/** CRC-32 of the cache file without its header and its row region (that is, of the rest of the payload and the row CRCs). */
function outsideRowsCrc(file: Uint8Array, rowsAt: number, rowsEnd: number): number {
  return crc32(file.subarray(rowsEnd), crc32(file.subarray(CACHE_HEADER_BYTES, rowsAt)));
}

/**
 * Write the cache of `tablePath` atomically (temp file + rename: a reader sees the old cache or the new
 * one, never half of one), with `rows` (if given) as its row region. Returns false when it cannot be
 * written (e.g. a read-only install folder): the cache only saves time, so the table still loads, by
 * inflating it each time.
 */
export function writeTableCache(tablePath: string, source: TableSource, payload: Uint8Array, cacheDir?: string, rows: RowRegion = { start: 0, rowBytes: 0, count: 0 }): boolean {
  const path = tableCachePath(tablePath, cacheDir);
  const header = new Uint8Array(CACHE_HEADER_BYTES);
  const view = new DataView(header.buffer);
  header.set(Buffer.from(CACHE_MAGIC, 'latin1'), 0);
  view.setUint32(8, TABLE_CACHE_VERSION, true);
  view.setFloat64(16, payload.byteLength, true);
  view.setFloat64(24, source.size, true);
  header.set(source.trailer, 32);
  view.setFloat64(40, rows.start, true);
  view.setFloat64(48, rows.rowBytes, true);
  view.setFloat64(56, rows.count, true);
  const padding = new Uint8Array(align8(payload.byteLength) - payload.byteLength);
  const rowCrcs = new Uint8Array(rows.count * ROW_CRC_BYTES);
  const crcView = new DataView(rowCrcs.buffer);
  for (let row = 0; row < rows.count; row++) {
    const at = rows.start + row * rows.rowBytes;
    crcView.setUint32(row * ROW_CRC_BYTES, crc32(payload.subarray(at, at + rows.rowBytes)), true);
  }
  // The same bytes, in the same order, as outsideRowsCrc reads them back.
  const regionEnd = rows.start + rows.rowBytes * rows.count;
  const crc = [payload.subarray(regionEnd), padding, rowCrcs].reduce((c, part) => crc32(part, c), crc32(payload.subarray(0, rows.start)));
  view.setUint32(12, crc, true);
  const tmp = `${path}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  try {
    mkdirSync(dirname(path), { recursive: true });
    const fd = openSync(tmp, 'w');
    try {
      for (const part of [header, payload, padding, rowCrcs]) writeFileSync(fd, part);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, path);
    return true;
  } catch {
    // The temp file may not exist (the folder could not be made); removing it must not fail the load either.
    try { rmSync(tmp, { force: true }); } catch { /* nothing was written */ }
    return false;
  }
}

function align8(n: number): number {
  return Math.ceil(n / 8) * 8;
}

/** Size and trailer of a gzip file (two small reads), or undefined when it is not a readable gzip file. */
function statTableSource(tablePath: string): TableSource | undefined {
  let fd: number;
  try {
    fd = openSync(tablePath, 'r');
  } catch {
    return undefined;
  }
  try {
    const stat = fstatSync(fd);
    // Not a regular file (a folder, /dev/zero): no cache applies; tableBytes.ts says what is wrong with it.
    if (!stat.isFile()) return undefined;
    const size = stat.size;
    if (size < 2 + GZIP_TRAILER_BYTES) return undefined;
    const magic = new Uint8Array(2);
    const trailer = new Uint8Array(GZIP_TRAILER_BYTES);
    if (readSync(fd, magic, 0, 2, 0) !== 2 || magic[0] !== 0x1f || magic[1] !== 0x8b) return undefined;
    if (readSync(fd, trailer, 0, GZIP_TRAILER_BYTES, size - GZIP_TRAILER_BYTES) !== GZIP_TRAILER_BYTES) return undefined;
    return { size, trailer };
  } finally {
    closeSync(fd);
  }
}

/**
 * Fills bytes [from, to) of `buffer` from the file, starting at file position `position` (default: the
 * same offset); a loop only in case the OS returns less.
 */
function readRange(fd: number, buffer: Uint8Array, from: number, to: number, position = from): boolean {
  for (let at = from; at < to;) {
    const got = readSync(fd, buffer, at, to - at, position + at - from);
    if (got === 0) return false;
    at += got;
  }
  return true;
}
