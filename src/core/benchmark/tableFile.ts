/** Reading and writing NB201MF1 table files (gzip on disk), with errors that say what is wrong and how to fix it. */
import { renameSync, writeFileSync, mkdirSync, rmSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import { gzipSync } from 'node:zlib';
import { TableError } from './tableError';
import { inflateTable, isGzip, readTableBytes } from './tableBytes';
import { decodeTable, encodeTable, type DecodedTable, type TableArrayInput, type TableHeader } from './tableFormat';
import { tableHelp } from './tablePaths';
import { checkTableSchema } from './tableSchema';

/** Read, decompress, decode and validate a table file. Any failure is one TableError naming the file and the fix. */
export function readTableFile(path: string): DecodedTable {
  const fail = (problem: string, reason: TableError['reason']): never => {
    throw new TableError(`NB201 table ${path}: ${problem}. ${tableHelp(basename(path), path)}`, reason);
  };
  const file = readTableBytes(path, fail);
  const raw: Uint8Array = isGzip(file) ? inflateTable(file, fail) : file;
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
