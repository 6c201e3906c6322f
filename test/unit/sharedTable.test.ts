import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { newRowStates, sharedTableRows } from '../../src/core/benchmark/sharedTableRows';
import { tableCachePath } from '../../src/core/benchmark/tableCache';
import { TableError } from '../../src/core/benchmark/tableError';
import { readTableFile, writeTableFile } from '../../src/core/benchmark/tableFile';
import { loadSharedTable, loadTable } from '../../src/core/benchmark/tableLoader';
import { smallTable } from '../support/smallTable';

const dir = mkdtempSync(join(tmpdir(), 'nb201-shared-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));

let fileCount = 0;
/** A fresh gzip table with its cache written (by one plain load). */
function cachedTable(): string {
  const path = join(dir, `t${fileCount++}`, 'small.bin.gz');
  const { header, arrays } = smallTable();
  writeTableFile(path, header, arrays);
  loadTable(path);
  return path;
}

/** valid_error(arch, seed, epoch) of smallTable. */
const storedAt = (arch: number, seed: number, epoch: number) => (1000 + (arch * 2 + seed) * 5 + epoch - 1) / 1e4;
/** Byte offset in the cache file of valid_error row `arch` (2 seeds x 5 epochs x 2 bytes). */
const rowAt = (path: string, arch: number) => readTableFile(path).arrays.get('valid_error')!.byteOffset + arch * 20;

test('a table loaded shared and opened again from its bytes (as another thread does) gives the values of a plain load', () => {
  const path = cachedTable();
  const plain = loadTable(path);
  const shared = loadTable(path, { shared: true });
  assert.ok(shared.shared, 'a table from a trusted cache can be shared');
  assert.ok(shared.shared.file instanceof SharedArrayBuffer && shared.shared.rowStates instanceof SharedArrayBuffer);
  assert.equal(plain.shared, undefined, 'a plain load is not shared');
  const other = loadSharedTable(shared.shared);
  for (const table of [shared, other]) {
    assert.equal(table.optimumError, plain.optimumError);
    for (let arch = 0; arch < 7; arch++) {
      for (let epoch = 1; epoch <= 5; epoch++) assert.equal(table.validError(arch, arch % 2, epoch), plain.validError(arch, arch % 2, epoch));
    }
  }
  for (const table of [plain, shared, other]) table.close();
});

test('each row of a shared table is read once for every table opened from it: a row one read is never read again by another', () => {
  const path = cachedTable();
  const shared = loadTable(path, { shared: true });
  const other = loadSharedTable(shared.shared!);
  assert.equal(shared.validError(3, 1, 4), storedAt(3, 1, 4));
  // Damage rows 3 and 5 on disk, in place: same size and header, so `other` still trusts the file.
  const cache = tableCachePath(path);
  const whole = readFileSync(cache);
  const bad = Buffer.from(whole);
  bad[rowAt(path, 3) + 2] ^= 0x55;
  bad[rowAt(path, 5) + 2] ^= 0x55;
  writeFileSync(cache, bad);
  assert.equal(other.validError(3, 1, 4), storedAt(3, 1, 4), 'row 3 was read by the first table: the shared bytes, not the file');
  assert.deepEqual(readFileSync(cache), bad, 'so nothing noticed the damage and the cache was not rewritten');
  assert.equal(other.validError(5, 0, 2), storedAt(5, 0, 2), 'row 5, read now, fails its CRC and comes from the gzip table');
  assert.deepEqual(readFileSync(cache), whole, 'and the cache is rewritten from the gzip table');
  assert.equal(shared.validError(5, 1, 5), storedAt(5, 1, 5), 'the first table gets row 5 as the other thread stored it');
  shared.close();
  other.close();
});

test('opened again with its cache file gone, a shared table takes the rows not yet read from the gzip table', () => {
  const path = cachedTable();
  const shared = loadTable(path, { shared: true });
  assert.equal(shared.validError(1, 0, 1), storedAt(1, 0, 1));
  rmSync(tableCachePath(path));
  const other = loadSharedTable(shared.shared!);
  assert.equal(other.validError(1, 0, 1), storedAt(1, 0, 1));
  assert.equal(other.validError(6, 1, 3), storedAt(6, 1, 3));
  assert.ok(existsSync(tableCachePath(path)), 'the cache is written again');
  shared.close();
  other.close();
});

test('a table without a trusted cache to share (inflated from the gzip table) loads unshared', () => {
  const path = cachedTable();
  rmSync(tableCachePath(path));
  const table = loadTable(path, { shared: true });
  assert.equal(table.shared, undefined);
  assert.equal(table.validError(2, 1, 2), storedAt(2, 1, 2));
});

test('shared rows: a row is claimed and read once; a read that fails gives the row back, so the next ask reads it again', () => {
  const values = new Uint16Array(new SharedArrayBuffer(4 * 3 * 2));
  const states = newRowStates(4);
  const reads: number[] = [];
  let failNext = false;
  const read = (index: number) => {
    reads.push(index);
    if (failNext) {
      failNext = false;
      throw new TableError('unreadable row', 'unreadable');
    }
    values.fill(index + 1, index * 3, (index + 1) * 3);
  };
  const one = sharedTableRows(values, states, read, () => {});
  const two = sharedTableRows(values, states, read, () => {});
  assert.deepEqual([...one.slot], [-1, -1, -1, -1]);
  assert.equal(one.fill(2), 2, 'row i lives at row i of the shared values');
  assert.equal(two.fill(2), 2);
  assert.deepEqual(reads, [2], 'the second table found row 2 read and did not read it');
  assert.deepEqual([...two.slot], [-1, -1, 2, -1], 'each table notes the rows it has seen');
  assert.deepEqual([...values.subarray(6, 9)], [3, 3, 3]);
  failNext = true;
  assert.throws(() => one.fill(0), TableError);
  assert.equal(one.slot[0], -1);
  assert.equal(two.fill(0), 0, 'row 0 was given back and is read by the next ask');
  assert.deepEqual(reads, [2, 0, 0]);
});
