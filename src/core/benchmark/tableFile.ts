/** Reading and writing NB201MF1 table files (gzip on disk), with errors that say what is wrong and how to fix it. */
import { readFileSync, renameSync, writeFileSync, mkdirSync, rmSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { TableError } from './tableError';
import { decodeTable, encodeTable, TABLE_MAGIC, type DecodedTable, type TableArrayInput, type TableHeader } from './tableFormat';
import { tableHelp } from './tablePaths';
import { checkTableSchema } from './tableSchema';

const GZIP_MAGIC = [0x1f, 0x8b];

/** Read, decompress, decode and validate a table file. Any failure is one TableError naming the file and the fix. */
export function readTableFile(path: string): DecodedTable {
  const fail = (problem: string, reason: TableError['reason']): never => {
    throw new TableError(`NB201 table ${path}: ${problem}. ${tableHelp(basename(path), path)}`, reason);
  };
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
