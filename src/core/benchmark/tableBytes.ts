/**
 * Getting a table file's bytes without trusting the file: refuse what is not a regular file before
 * reading (`--table /dev/zero` never ends), check the magic on the first bytes, and inflate with a cap
 * taken from the container's own header (a 22 MB gzip bomb that inflates to 5 GB is refused after its
 * first kilobytes, not after filling memory).
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { constants as zlibConstants, gunzipSync } from 'node:zlib';
import type { TableErrorReason } from './tableError';
import { declaredContainerBytes, TABLE_MAGIC } from './tableFormat';

/** Larger than any NB201 table (the bundled one inflates to about 20 MB), far below what exhausts memory. */
export const MAX_TABLE_BYTES = 512 * 1024 * 1024;
const GZIP_MAGIC = [0x1f, 0x8b];
/** Compressed bytes inflated to read the header; deflate expands at most ~1032x, so the peek stays small. */
const PEEK_COMPRESSED_BYTES = 16 * 1024;

export type TableFail = (problem: string, reason: TableErrorReason) => never;

/** The file's bytes, refused early when it is not a regular file, too large, or neither gzip nor NB201MF1. */
export function readTableBytes(path: string, fail: TableFail): Buffer {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return code === 'ENOENT' ? fail('file not found', 'missing-file') : fail(`cannot read it (${(err as Error).message})`, 'unreadable');
  }
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile()) fail('is not a regular file (a device, pipe or folder); give the path of a .bin.gz table file', 'unreadable');
    if (stat.size > MAX_TABLE_BYTES) fail(`is ${stat.size} bytes, more than any NB201 table (limit ${MAX_TABLE_BYTES})`, 'bad-header');
    const head = Buffer.alloc(Math.min(8, stat.size));
    readSync(fd, head, 0, head.length, 0);
    if (!isGzip(head) && head.toString('latin1') !== TABLE_MAGIC) {
      fail(`not a gzip file (starts with ${JSON.stringify(head.toString('latin1'))}, ${stat.size} bytes)`, 'not-gzip');
    }
    const file = Buffer.alloc(stat.size);
    let read = 0;
    while (read < stat.size) {
      const n = readSync(fd, file, read, stat.size - read, read);
      if (n === 0) break;
      read += n;
    }
    return file.subarray(0, read);
  } finally {
    closeSync(fd);
  }
}

export function isGzip(file: Uint8Array): boolean {
  return file[0] === GZIP_MAGIC[0] && file[1] === GZIP_MAGIC[1];
}

/** Inflates a gzip table, capped at the size its header declares (else MAX_TABLE_BYTES); refuses a wrong magic from the first kilobytes. */
export function inflateTable(file: Uint8Array, fail: TableFail): Uint8Array {
  const prefix = inflatePrefix(file, fail);
  if (prefix.byteLength >= 8 && Buffer.from(prefix.buffer, prefix.byteOffset, 8).toString('latin1') !== TABLE_MAGIC) {
    const magic = JSON.stringify(Buffer.from(prefix.subarray(0, 8)).toString('latin1'));
    fail(`bad magic ${magic} (expected "${TABLE_MAGIC}") in the first inflated bytes; refused without inflating the rest`, 'bad-magic');
  }
  const declared = declaredContainerBytes(prefix);
  const cap = Math.min(declared ?? MAX_TABLE_BYTES, MAX_TABLE_BYTES);
  try {
    return gunzipSync(file, { maxOutputLength: cap });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') {
      return fail(declared !== undefined && declared <= MAX_TABLE_BYTES
        ? `inflates to more than the ${declared} bytes its header declares (refused without inflating the rest)`
        : `inflates to more than ${MAX_TABLE_BYTES} bytes, more than any NB201 table (refused without inflating the rest)`, 'bad-header');
    }
    const message = (err as Error).message;
    return fail(`gzip data is damaged (${message})`, /unexpected end/i.test(message) ? 'truncated' : 'not-gzip');
  }
}

/** The first inflated bytes: a flush-terminated inflate of the first compressed kilobytes, which tolerates the cut. */
function inflatePrefix(file: Uint8Array, fail: TableFail): Uint8Array {
  try {
    return gunzipSync(file.subarray(0, PEEK_COMPRESSED_BYTES), { finishFlush: zlibConstants.Z_SYNC_FLUSH });
  } catch (err) {
    return fail(`gzip data is damaged (${(err as Error).message})`, 'not-gzip');
  }
}
