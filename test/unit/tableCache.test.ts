import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { tableCachePath, TABLE_CACHE_VERSION } from '../../src/core/benchmark/tableCache';
import { TableError } from '../../src/core/benchmark/tableError';
import { readTableFile, writeTableFile } from '../../src/core/benchmark/tableFile';
import { encodeTable } from '../../src/core/benchmark/tableFormat';
import { loadTable } from '../../src/core/benchmark/tableLoader';
import { smallTable } from '../support/smallTable';

const dir = mkdtempSync(join(tmpdir(), 'nb201-cache-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));

let fileCount = 0;
/** A fresh gzip table in its own folder; `shift` changes every stored error so two tables differ in content. */
function gzipTable(shift = 0): string {
  const folder = join(dir, `t${fileCount++}`);
  const path = join(folder, 'small.bin.gz');
  const { header, arrays } = smallTable();
  writeTableFile(path, header, arrays.map((a) => a.name === 'valid_error' ? { ...a, data: (a.data as Uint16Array).map((v) => v + shift) } : a));
  return path;
}

/** Whether the last read came from the cache: its arrays are then views on the whole cache file's buffer. */
function readFromCache(path: string, cacheDir?: string): boolean {
  const errors = readTableFile(path, { cacheDir }).arrays.get('valid_error')!;
  return errors.buffer.byteLength === statSync(tableCachePath(path, cacheDir)).size;
}

/** valid_error(3, 1, 4) of smallTable with every stored value raised by `shift`. */
const stored = (shift = 0) => (1000 + (3 * 2 + 1) * 5 + 3 + shift) / 1e4;
const STORED = stored();

test('the first load writes a versioned cache beside the gzip table; later loads are views on that one buffer', () => {
  const path = gzipTable();
  const cache = tableCachePath(path);
  assert.equal(cache, join(dir, 't0', `small.bin.cache-v${TABLE_CACHE_VERSION}`));
  assert.equal(loadTable(path).validError(3, 1, 4), STORED);
  assert.ok(statSync(cache).size > 40);
  const decoded = readTableFile(path);
  const buffers = new Set([...decoded.arrays.values()].map((a) => a.buffer));
  assert.equal(buffers.size, 1, 'every array is a view on one buffer');
  assert.equal([...buffers][0].byteLength, statSync(cache).size, 'that buffer is the cache file, read whole');
  assert.equal(loadTable(path).validError(3, 1, 4), STORED);
});

test('a stale cache (the gzip table was replaced) is rebuilt, not trusted', () => {
  const path = gzipTable();
  loadTable(path);
  const { header, arrays } = smallTable();
  // Same layout and size class, different errors: only the source check can tell the cache is stale.
  writeFileSync(path, gzipSync(encodeTable(header, arrays.map((a) => a.name === 'valid_error' ? { ...a, data: (a.data as Uint16Array).map((v) => v + 7) } : a))));
  assert.equal(loadTable(path).validError(3, 1, 4), stored(7));
  assert.ok(readFromCache(path), 'the rebuilt cache is used by the next load');
  assert.equal(loadTable(path).validError(3, 1, 4), stored(7));
});

test('a torn cache (cut short) is rebuilt', () => {
  const path = gzipTable();
  loadTable(path);
  const cache = tableCachePath(path);
  const whole = readFileSync(cache);
  for (const length of [0, 20, whole.length - 1]) {
    writeFileSync(cache, whole.subarray(0, length));
    assert.equal(loadTable(path).validError(3, 1, 4), STORED, `cut to ${length} bytes`);
    assert.equal(statSync(cache).size, whole.length, 'rewritten whole');
    assert.ok(readFromCache(path));
  }
});

test('a tampered cache (payload or header bytes changed) is rebuilt, and its values never reach the table', () => {
  const path = gzipTable();
  loadTable(path);
  const cache = tableCachePath(path);
  const whole = readFileSync(cache);
  const errorsAt = readTableFile(path).arrays.get('valid_error')!.byteOffset;
  // One byte of the stored errors, the CRC field, the version field, the magic.
  for (const offset of [errorsAt + ((3 * 2 + 1) * 5 + 3) * 2, 12, 8, 0]) {
    const bad = Buffer.from(whole);
    bad[offset] ^= 0x55;
    writeFileSync(cache, bad);
    assert.equal(loadTable(path).validError(3, 1, 4), STORED, `byte ${offset} changed`);
    assert.deepEqual(readFileSync(cache), whole, 'rewritten from the gzip table');
  }
});

test('a damaged gzip table gets its usual error even with a cache of the good one beside it', () => {
  const path = gzipTable();
  loadTable(path);
  const gz = readFileSync(path);
  writeFileSync(path, gz.subarray(0, Math.floor(gz.length / 2)));
  assert.throws(() => loadTable(path), (err: unknown) => err instanceof TableError && err.reason === 'truncated' && /gzip data is damaged/.test(err.message));
  rmSync(path);
  assert.throws(() => loadTable(path), (err: unknown) => err instanceof TableError && err.reason === 'missing-file');
});

test('cacheDir puts the cache elsewhere under a name unique to the table path; an unwritable one only costs time', () => {
  const first = gzipTable();
  const second = gzipTable(3);
  const cacheDir = join(dir, 'user-cache');
  assert.notEqual(tableCachePath(first, cacheDir), tableCachePath(second, cacheDir));
  assert.equal(loadTable(first, { cacheDir }).validError(3, 1, 4), STORED);
  assert.equal(loadTable(second, { cacheDir }).validError(3, 1, 4), stored(3));
  assert.ok(readFromCache(first, cacheDir) && readFromCache(second, cacheDir));
  // A cache folder under a plain file cannot be created (ENOTDIR, for root too): the table still loads.
  const blocker = join(dir, 'not-a-folder');
  writeFileSync(blocker, 'x');
  assert.equal(loadTable(first, { cacheDir: join(blocker, 'cache') }).validError(3, 1, 4), STORED);
});

/** valid_error(arch, seed, epoch) of smallTable (7 archs x 2 seeds x 5 epochs, stored 1000 + flat index). */
const storedAt = (arch: number, seed: number, epoch: number, shift = 0) => (1000 + (arch * 2 + seed) * 5 + epoch - 1 + shift) / 1e4;
/** Byte offset in the cache file of valid_error row `arch` (2 seeds x 5 epochs x 2 bytes). */
const rowAt = (path: string, arch: number) => readTableFile(path).arrays.get('valid_error')!.byteOffset + arch * 20;

test('a load from the cache reads only the rows asked for: a damaged row is found when it is first read and then recovered from the gzip table', () => {
  const path = gzipTable();
  loadTable(path);
  const cache = tableCachePath(path);
  const whole = readFileSync(cache);
  const bad = Buffer.from(whole);
  bad[rowAt(path, 5) + 2] ^= 0x55;
  writeFileSync(cache, bad);
  const table = loadTable(path);
  assert.equal(table.validError(3, 1, 4), storedAt(3, 1, 4));
  assert.deepEqual(readFileSync(cache), bad, 'row 5 was not read yet, so the cache was trusted and kept');
  assert.equal(table.validError(5, 0, 2), storedAt(5, 0, 2), 'the damaged row gives the gzip table\'s value, not the changed byte');
  assert.deepEqual(readFileSync(cache), whole, 'and the cache is rewritten from the gzip table');
  for (let arch = 0; arch < 7; arch++) assert.equal(table.validError(arch, 1, 5), storedAt(arch, 1, 5), `arch ${arch}`);
});

test('a row damaged while the table is in use, with the gzip table replaced meanwhile, is a TableError, never a mixed table', () => {
  const path = gzipTable();
  loadTable(path);
  const table = loadTable(path);
  assert.equal(table.validError(1, 0, 1), storedAt(1, 0, 1));
  const cache = tableCachePath(path);
  const bad = readFileSync(cache);
  bad[rowAt(path, 6)] ^= 0x55;
  writeFileSync(cache, bad);
  const { header, arrays } = smallTable();
  writeFileSync(path, gzipSync(encodeTable(header, arrays.map((a) => a.name === 'valid_error' ? { ...a, data: (a.data as Uint16Array).map((v) => v + 7) } : a))));
  assert.throws(() => table.validError(6, 0, 1), (err: unknown) => err instanceof TableError && /changed while a study was reading it/.test(err.message));
  assert.equal(loadTable(path).validError(6, 0, 1), storedAt(6, 0, 1, 7), 'a new load reads the new table');
});

test('a closed table no longer reads the cache: a row not read before close comes from the gzip table', () => {
  const path = gzipTable();
  loadTable(path);
  const table = loadTable(path);
  assert.equal(table.validError(2, 0, 1), storedAt(2, 0, 1));
  table.close();
  rmSync(tableCachePath(path));
  assert.equal(table.validError(4, 1, 3), storedAt(4, 1, 3), 'read from the gzip table, the cache file being gone');
  assert.ok(statSync(tableCachePath(path)).size > 0, 'and the cache written again');
  assert.equal(table.validError(2, 0, 1), storedAt(2, 0, 1));
});

test('rows read one by one from the cache fill room that grows as needed: every row of a 1,300-arch table, in shuffled order', () => {
  const n = 1300;
  const folder = join(dir, `t${fileCount++}`);
  const path = join(folder, 'large.bin.gz');
  const { header, arrays } = smallTable(n);
  writeTableFile(path, header, arrays.map((a) => a.name === 'final_error_mean' ? { ...a, data: Float32Array.from({ length: n }, (_, i) => 0.05 + i / (4 * n)) } : a));
  loadTable(path);
  const table = loadTable(path);
  const order = Array.from({ length: n }, (_, i) => (i * 7919) % n);
  for (const arch of order) assert.equal(table.validError(arch, 1, 3), (1000 + (arch * 2 + 1) * 5 + 2) / 1e4, `arch ${arch}`);
  for (const arch of [0, 511, 512, 1023, 1299]) assert.equal(table.validError(arch, 0, 5), (1000 + arch * 2 * 5 + 4) / 1e4, `arch ${arch} again`);
});
