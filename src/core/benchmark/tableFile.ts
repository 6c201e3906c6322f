/** Reading and writing NB201MF1 table files (gzip on disk), with errors that say what is wrong and how to fix it. */
import { readFileSync, renameSync, writeFileSync, mkdirSync, rmSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { readTableCache, tableSourceOf, writeTableCache } from './tableCache';
import { TableError } from './tableError';
import { decodeTable, encodeTable, TABLE_MAGIC, type DecodedTable, type TableArrayInput, type TableHeader } from './tableFormat';
import { tableHelp } from './tablePaths';
import { checkTableSchema } from './tableSchema';

const GZIP_MAGIC = [0x1f, 0x8b];

export interface ReadTableOptions {
  /** Where the uncompressed cache of a gzip table lives (default: beside the table; see tableCache.ts). */
  readonly cacheDir?: string;
}

/**
 * Read, decompress, decode and validate a table file. A gzip table is read from its uncompressed cache
 * when that is trusted, else inflated and cached. Any failure is one TableError naming the file and the fix.
 */
export function readTableFile(path: string, options: ReadTableOptions = {}): DecodedTable {
  const fail = (problem: string, reason: TableError['reason']): never => {
    throw new TableError(`NB201 table ${path}: ${problem}. ${tableHelp(basename(path), path)}`, reason);
  };
  const cached = readTableCache(path, options.cacheDir);
  if (cached) return decodeChecked(cached, fail);
  const { file, raw } = readAndInflate(path, fail);
  const table = decodeChecked(raw, fail);
  // Cached only once it decoded and passed the schema check, so a cache never holds a table the loader refuses.
  if (raw !== file) writeTableCache(path, tableSourceOf(file), raw, options.cacheDir);
  return table;
}

/** The file's bytes and its uncompressed container (the same bytes for a raw container). */
function readAndInflate(path: string, fail: (problem: string, reason: TableError['reason']) => never): { file: Buffer; raw: Uint8Array } {
  let file: Buffer;
  try {
    file = readFileSync(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return code === 'ENOENT' ? fail('file not found', 'missing-file') : fail(`cannot read it (${(err as Error).message})`, 'unreadable');
  }
  let raw: Uint8Array = file;
  if (file[0] === GZIP_MAGIC[0] && file[1] === GZIP_MAGIC[1]) {
    try {
      raw = gunzipSync(file);
    } catch (err) {
      const message = (err as Error).message;
      fail(`gzip data is damaged (${message})`, /unexpected end/i.test(message) ? 'truncated' : 'not-gzip');
    }
  } else if (file.subarray(0, 8).toString('latin1') !== TABLE_MAGIC) {
    fail(`not a gzip file (starts with ${JSON.stringify(file.subarray(0, 8).toString('latin1'))}, ${file.length} bytes)`, 'not-gzip');
  }
  return { file, raw };
}

function decodeChecked(raw: Uint8Array, fail: (problem: string, reason: TableError['reason']) => never): DecodedTable {
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
