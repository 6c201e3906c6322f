/** Reading and writing NB201MF1 table files (gzip on disk), with errors that say what is wrong and how to fix it. */
import { renameSync, writeFileSync, mkdirSync, rmSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import { gzipSync } from 'node:zlib';
import { readTableCache, tableSourceOf, writeTableCache } from './tableCache';
import { TableError } from './tableError';
import { inflateTable, isGzip, readTableBytes } from './tableBytes';
import { decodeTable, encodeTable, type DecodedTable, type TableArrayInput, type TableHeader } from './tableFormat';
import { tableHelp } from './tablePaths';
import { checkTableSchema } from './tableSchema';

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

/**
 * The file's bytes and its uncompressed container (the same bytes for a raw container); tableBytes.ts
 * refuses devices and wrong magic before reading and caps the inflation.
 */
function readAndInflate(path: string, fail: (problem: string, reason: TableError['reason']) => never): { file: Buffer; raw: Uint8Array } {
  const file = readTableBytes(path, fail);
  return { file, raw: isGzip(file) ? inflateTable(file, fail) : file };
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
