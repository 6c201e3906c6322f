import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { TableError } from '../../src/core/benchmark/tableError';
import { writeTableFile } from '../../src/core/benchmark/tableFile';
import { decodeTable, encodeTable, TABLE_MAGIC } from '../../src/core/benchmark/tableFormat';
import { loadTable } from '../../src/core/benchmark/tableLoader';
import { REQUIRED_ARRAYS } from '../../src/core/benchmark/tableSchema';
import { cellFromCode, OPS } from '../../src/core/nb201/searchSpace';
import { smallTable } from '../support/smallTable';

const dir = mkdtempSync(join(tmpdir(), 'nb201-table-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));

function write(name: string, bytes: Uint8Array): string {
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return path;
}

function expectTableError(path: string, reason: string, text: RegExp) {
  assert.throws(() => loadTable(path), (err: unknown) => {
    assert.ok(err instanceof TableError, String(err));
    assert.equal(err.reason, reason, err.message);
    assert.match(err.message, text);
    assert.ok(err.message.includes(path), 'names the file');
    assert.match(err.message, /npm run build/, 'says how to get the table');
    assert.match(err.message, /NB201_DATA_DIR/);
    assert.match(err.message, /import-table/);
    return true;
  });
}

test('encode/decode round-trips every array, aligned to 8 bytes, as views without copies', () => {
  const { header, arrays } = smallTable();
  const raw = encodeTable(header, arrays);
  assert.equal(new TextDecoder().decode(raw.subarray(0, 8)), TABLE_MAGIC);
  const headerLength = new DataView(raw.buffer).getUint32(8, true);
  const decoded = decodeTable(raw);
  for (const spec of decoded.header.arrays) {
    assert.equal(spec.byteOffset % 8, 0);
    const view = decoded.arrays.get(spec.name)!;
    assert.equal(view.buffer, raw.buffer, `${spec.name} is a view`);
    assert.equal(view.byteOffset, Math.ceil((12 + headerLength) / 8) * 8 + spec.byteOffset);
    const input = arrays.find((a) => a.name === spec.name)!;
    assert.deepEqual(Array.from(view), Array.from(input.data), spec.name);
  }
  assert.equal(raw.byteLength, Math.ceil((12 + headerLength) / 8) * 8 + (decoded.header.dataByteLength as number));
});

test('a buffer at an odd offset inside a larger ArrayBuffer is copied once, then read correctly', () => {
  const { header, arrays } = smallTable();
  const raw = encodeTable(header, arrays);
  const pool = new Uint8Array(raw.byteLength + 3);
  pool.set(raw, 3);
  const decoded = decodeTable(pool.subarray(3));
  const errors = decoded.arrays.get('valid_error')!;
  assert.notEqual(errors.buffer, pool.buffer);
  assert.deepEqual(Array.from(errors), Array.from(arrays[1].data));
});

test('writeTableFile + loadTable give a Benchmark with the stored values', () => {
  const { header, arrays } = smallTable(7, 2, 5);
  const path = join(dir, 'small.bin.gz');
  writeTableFile(path, header, arrays);
  const table = loadTable(path);
  assert.equal(table.numArchs, 7);
  assert.equal(table.maxEpoch, 5);
  assert.equal(table.info.kind, 'bundled-model-calibrated');
  // valid_error[a][s][t] = 1000 + (a*2 + s)*5 + t, stored x 1e-4.
  assert.equal(table.validError(3, 1, 4), (1000 + (3 * 2 + 1) * 5 + 3) / 1e4);
  assert.equal(table.indexOf(cellFromCode(4)), 4);
  assert.throws(() => table.indexOf(cellFromCode(100)), /not in this table/);
  assert.throws(() => table.validError(0, 2, 1), RangeError);
  assert.throws(() => table.validError(0, 0, 0), RangeError);
  assert.throws(() => table.validError(0, 0, 6), RangeError);
  assert.throws(() => table.validError(7, 0, 1), RangeError);
  assert.equal(table.optimumIndex, 6);
  assert.ok(Math.abs(table.optimumError - 0.44) < 1e-6);
  // A raw (not gzipped) container is accepted too.
  const rawPath = write('raw.bin', gunzipSync(readFileSync(path)));
  assert.equal(loadTable(rawPath).validError(3, 1, 4), table.validError(3, 1, 4));
});

test('a missing file names where the table is expected and how to get it', () => {
  expectTableError(join(dir, 'nope.bin.gz'), 'missing-file', /file not found/);
});

test('not gzip, truncated gzip and bad magic each get their own clear message', () => {
  const { header, arrays } = smallTable();
  const gz = gzipSync(encodeTable(header, arrays));
  expectTableError(write('text.bin.gz', new TextEncoder().encode('hello, this is not a table')), 'not-gzip', /not a gzip file/);
  expectTableError(write('cut.bin.gz', gz.subarray(0, Math.floor(gz.length / 2))), 'truncated', /gzip data is damaged/);
  const wrongMagic = encodeTable(header, arrays);
  wrongMagic.set(new TextEncoder().encode('NB201MF9'), 0);
  expectTableError(write('magic.bin.gz', gzipSync(wrongMagic)), 'bad-magic', /bad magic "NB201MF9"/);
});

test('a data section cut short is reported as truncated', () => {
  const { header, arrays } = smallTable();
  const raw = encodeTable(header, arrays);
  expectTableError(write('short.bin.gz', gzipSync(raw.subarray(0, raw.length - 9))), 'truncated', /data section is \d+ bytes, header declares/);
  expectTableError(write('stub.bin.gz', gzipSync(raw.subarray(0, 30))), 'truncated', /header says \d+ bytes/);
});

test('a header that is not JSON, or lacks fields, is rejected', () => {
  const { header, arrays } = smallTable();
  const raw = encodeTable(header, arrays);
  const broken = raw.slice();
  broken[12] = 0x7a; // '{' -> 'z'
  expectTableError(write('json.bin.gz', gzipSync(broken)), 'bad-header', /not valid UTF-8 JSON/);
  expectTableError(write('fields.bin.gz', gzipSync(encodeTable({ ...header, numSeeds: 0 }, arrays))), 'bad-header', /numSeeds must be a positive integer/);
  expectTableError(write('format.bin.gz', gzipSync(encodeTable({ ...header, format: 'other' }, arrays))), 'bad-header', /format "other"/);
  expectTableError(write('ops.bin.gz', gzipSync(encodeTable({ ...header, ops: [...OPS].reverse() }, arrays))), 'bad-header', /header ops/);
});

test('array size mismatches, missing arrays, wrong dtypes and bad op indices are rejected', () => {
  const { header, arrays } = smallTable();
  // Header claims more seeds than valid_error holds.
  expectTableError(write('shape.bin.gz', gzipSync(encodeTable({ ...header, numSeeds: 3 }, arrays))), 'bad-array', /valid_error has shape \[7,2,5\], expected \[7,3,5\]/);
  expectTableError(write('missing.bin.gz', gzipSync(encodeTable(header, arrays.filter((a) => a.name !== 'iso_class')))), 'bad-array', /required array iso_class is missing/);
  const asFloat = arrays.map((a) => a.name === 'iso_class' ? { ...a, dtype: 'float32' as const, data: new Float32Array(7) } : a);
  expectTableError(write('dtype.bin.gz', gzipSync(encodeTable(header, asFloat))), 'bad-array', /iso_class has dtype float32, expected uint32/);
  const badOps = arrays.map((a) => a.name === 'arch_ops' ? { ...a, data: new Uint8Array(42).fill(5) } : a);
  expectTableError(write('ops5.bin.gz', gzipSync(encodeTable(header, badOps))), 'bad-array', /op index 5/);
  // byteLength that disagrees with the shape: edit the header JSON in place (same length).
  const raw = encodeTable(header, arrays);
  const headerLength = new DataView(raw.buffer).getUint32(8, true);
  const text = new TextDecoder().decode(raw.subarray(12, 12 + headerLength)).replace('"byteLength":42', '"byteLength":41');
  raw.set(new TextEncoder().encode(text), 12);
  expectTableError(write('length.bin.gz', gzipSync(raw)), 'bad-array', /arch_ops: byteLength 41 != 42/);
});

test('the schema lists every array the loader and importer rely on', () => {
  assert.deepEqual(REQUIRED_ARRAYS.map((a) => a.name).sort(), smallTable().arrays.map((a) => a.name).sort());
});
