/**
 * The uncompressed cache of a gzip table file. The gzip file stays the shipped artefact; inflating its
 * 19 MB took most of a CLI study's process time, so the first load writes the inflated container to a
 * versioned cache file (beside the table by default) and later loads read that with one read into one
 * buffer, on which the loader's typed arrays are views.
 *
 * A cache is trusted only when it is whole and belongs to the current gzip file: its stored size and
 * CRC-32 of the payload match the bytes read (a torn write or an edit fails this), and its record of the
 * source (the gzip file's size and its 8-byte trailer, which holds the CRC-32 and length of the
 * uncompressed data) matches the gzip file now (a replaced table fails this). Anything else is treated as
 * no cache: the table is inflated again and the cache rewritten.
 *
 * Layout: "NB201MFC", uint32 LE cache version, uint32 LE CRC-32 of the payload, float64 LE payload
 * length, float64 LE source size, the source's 8 trailer bytes, then the payload (the NB201MF1 container)
 * at byte 40, so the container's 8-aligned arrays stay 8-aligned in the buffer.
 */
import { closeSync, fstatSync, mkdirSync, openSync, readSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { basename, dirname, join, resolve } from 'node:path';
import { crc32 } from 'node:zlib';

const CACHE_MAGIC = 'NB201MFC';
/** Bump when the layout above changes: older cache files are then rebuilt, never misread. */
export const TABLE_CACHE_VERSION = 1;
const CACHE_HEADER_BYTES = 40;
const GZIP_TRAILER_BYTES = 8;

/** What identifies the gzip file a cache was made from, without reading all of it. */
export interface TableSource {
  readonly size: number;
  /** The gzip trailer: CRC-32 and length (mod 2^32) of the uncompressed data. */
  readonly trailer: Uint8Array;
}

/** The cache file of the table at `tablePath`: beside it, or in `cacheDir` under a name unique to the table's path. */
export function tableCachePath(tablePath: string, cacheDir: string = dirname(tablePath)): string {
  const name = `${basename(tablePath).replace(/\.gz$/, '')}.cache-v${TABLE_CACHE_VERSION}`;
  if (resolve(cacheDir) === resolve(dirname(tablePath))) return join(cacheDir, name);
  const pathHash = createHash('sha256').update(resolve(tablePath)).digest('hex').slice(0, 12);
  return join(cacheDir, `${pathHash}-${name}`);
}

/** The source identity of a gzip file read whole (when it is being inflated anyway). */
export function tableSourceOf(gzipFile: Uint8Array): TableSource {
  return { size: gzipFile.byteLength, trailer: gzipFile.slice(gzipFile.byteLength - GZIP_TRAILER_BYTES) };
}

/**
 * The uncompressed container from the cache of `tablePath`, or undefined when there is no cache it can
 * trust (missing, stale, torn, tampered, another version) or the table itself cannot be stat'ed (the
 * caller's normal read then reports that with its usual error).
 */
export function readTableCache(tablePath: string, cacheDir?: string): Uint8Array | undefined {
  const source = statTableSource(tablePath);
  if (!source) return undefined;
  const file = readWhole(tableCachePath(tablePath, cacheDir));
  if (!file || file.byteLength < CACHE_HEADER_BYTES) return undefined;
  const view = new DataView(file.buffer, file.byteOffset, CACHE_HEADER_BYTES);
  const payload = file.subarray(CACHE_HEADER_BYTES);
  const trusted = Buffer.from(file.buffer, file.byteOffset, 8).toString('latin1') === CACHE_MAGIC &&
    view.getUint32(8, true) === TABLE_CACHE_VERSION &&
    view.getFloat64(16, true) === payload.byteLength &&
    view.getFloat64(24, true) === source.size &&
    Buffer.compare(file.subarray(32, 40), source.trailer) === 0 &&
    crc32(payload) === view.getUint32(12, true);
  return trusted ? payload : undefined;
}

/**
 * Write the cache of `tablePath` atomically (temp file + rename: a reader sees the old cache or the new
 * one, never half of one). Returns false when it cannot be written (e.g. a read-only install folder):
 * the cache only saves time, so the table still loads, by inflating it each time.
 */
export function writeTableCache(tablePath: string, source: TableSource, payload: Uint8Array, cacheDir?: string): boolean {
  const path = tableCachePath(tablePath, cacheDir);
  const header = new Uint8Array(CACHE_HEADER_BYTES);
  const view = new DataView(header.buffer);
  header.set(Buffer.from(CACHE_MAGIC, 'latin1'), 0);
  view.setUint32(8, TABLE_CACHE_VERSION, true);
  view.setUint32(12, crc32(payload), true);
  view.setFloat64(16, payload.byteLength, true);
  view.setFloat64(24, source.size, true);
  header.set(source.trailer, 32);
  const tmp = `${path}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  try {
    mkdirSync(dirname(path), { recursive: true });
    const fd = openSync(tmp, 'w');
    try {
      writeFileSync(fd, header);
      writeFileSync(fd, payload);
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
 * The whole file in one buffer of exactly its size, filled by one read (a loop only in case the OS returns
 * less), or undefined when it cannot be read. The buffer starts at offset 0 of its own ArrayBuffer, so the
 * container's aligned arrays can be viewed in place.
 */
function readWhole(path: string): Uint8Array | undefined {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    return undefined;
  }
  try {
    const size = fstatSync(fd).size;
    const buffer = new Uint8Array(new ArrayBuffer(size));
    let filled = 0;
    while (filled < size) {
      const got = readSync(fd, buffer, filled, size - filled, filled);
      if (got === 0) return undefined;
      filled += got;
    }
    return buffer;
  } catch {
    return undefined;
  } finally {
    closeSync(fd);
  }
}
