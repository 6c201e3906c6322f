import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeNpyHeader, npyHeaderLength, parseNpyHeader } from '../../src/core/benchmark/npyHeader';
import { NpyReader } from '../../src/core/benchmark/npyReader';

const dir = mkdtempSync(join(tmpdir(), 'nb201-npy-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));

/** A header written by hand the way numpy does, for any format version. */
function handHeader(major: number, dict: string): Uint8Array {
  const prefix = major === 1 ? 10 : 12;
  const total = Math.ceil((prefix + dict.length + 1) / 64) * 64;
  const text = Buffer.from(dict.padEnd(total - prefix - 1, ' ') + '\n', major === 3 ? 'utf8' : 'latin1');
  const out = Buffer.alloc(prefix + text.length);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, major, 0]);
  if (major === 1) out.writeUInt16LE(text.length, 8); else out.writeUInt32LE(text.length, 8);
  out.set(text, prefix);
  return out;
}

test('headers of versions 1.0, 2.0 and 3.0 parse to dtype, shape and data offset', () => {
  for (const major of [1, 2, 3]) {
    const bytes = handHeader(major, "{'descr': '<f4', 'fortran_order': False, 'shape': (3, 15625, 3, 200, 7), }");
    const h = parseNpyHeader(bytes);
    assert.equal(h.version, `${major}.0`);
    assert.equal(h.dtype, 'float32');
    assert.deepEqual(h.shape, [3, 15625, 3, 200, 7]);
    assert.equal(h.dataOffset, bytes.length);
    assert.equal(h.dataOffset % 64, 0);
    assert.equal(h.dataByteLength, 3 * 15625 * 3 * 200 * 7 * 4);
    assert.equal(npyHeaderLength(bytes.subarray(0, 12)), bytes.length);
  }
  assert.deepEqual(parseNpyHeader(handHeader(1, "{'descr': '<i8', 'fortran_order': False, 'shape': (200,), }")).shape, [200]);
  assert.deepEqual(parseNpyHeader(handHeader(1, "{'descr': '|u1', 'fortran_order': False, 'shape': (), }")).shape, []);
  // Key order is not fixed by the format.
  assert.equal(parseNpyHeader(handHeader(1, "{'shape': (2, 2), 'fortran_order': False, 'descr': '<f8'}")).dtype, 'float64');
});

test('encodeNpyHeader writes what parseNpyHeader reads, aligned to 64 bytes', () => {
  for (const shape of [[5], [3, 25, 3, 200, 7], [1, 2]]) {
    const bytes = encodeNpyHeader('<f4', shape);
    const h = parseNpyHeader(bytes);
    assert.deepEqual(h.shape, shape);
    assert.equal(h.dataOffset, bytes.length);
    assert.equal(bytes.length % 64, 0);
  }
  assert.match(Buffer.from(encodeNpyHeader('<i8', [7])).toString('latin1'), /'shape': \(7,\)/);
});

test('unsupported or broken headers are rejected with the reason', () => {
  assert.throws(() => parseNpyHeader(new TextEncoder().encode('PK\x03\x04 not numpy at all')), /magic/);
  assert.throws(() => parseNpyHeader(handHeader(1, "{'descr': '<f4', 'fortran_order': True, 'shape': (2, 3), }")), /Fortran/);
  assert.throws(() => parseNpyHeader(handHeader(1, "{'descr': '>f4', 'fortran_order': False, 'shape': (2,), }")), /big-endian/);
  assert.throws(() => parseNpyHeader(handHeader(1, "{'descr': '<c16', 'fortran_order': False, 'shape': (2,), }")), /unsupported .npy dtype/);
  assert.throws(() => parseNpyHeader(handHeader(1, "{'descr': '<f4'}")), /cannot parse/);
  const v9 = handHeader(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }");
  v9[6] = 9;
  assert.throws(() => parseNpyHeader(v9), /version 9/);
  assert.throws(() => parseNpyHeader(handHeader(2, "{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }").subarray(0, 40)), /truncated/);
});

test('the reader returns numbers of any dtype and byte ranges, and reports a truncated file', async () => {
  const ints = join(dir, 'ints.npy');
  writeFileSync(ints, Buffer.concat([encodeNpyHeader('<i8', [6]), Buffer.from(BigInt64Array.from([1n, 2n, 3n, -4n, 5n, 6n]).buffer)]));
  const reader = await NpyReader.open(ints);
  assert.deepEqual(await reader.readNumbers(), [1, 2, 3, -4, 5, 6]);
  assert.deepEqual(await reader.readNumbers(2, 2), [3, -4]);
  await reader.close();
  await assert.rejects(reader.readDataBytes(0, 8), /closed/);

  const floats = join(dir, 'floats.npy');
  const data = Float32Array.from({ length: 100 }, (_, i) => i / 8);
  writeFileSync(floats, Buffer.concat([encodeNpyHeader('<f4', [10, 10]), Buffer.from(data.buffer)]));
  const f = await NpyReader.open(floats);
  const bytes = await f.readDataBytes(4 * 37, 4 * 5);
  assert.deepEqual(Array.from(new Float32Array(bytes.buffer, bytes.byteOffset, 5)), [37, 38, 39, 40, 41].map((i) => i / 8));
  await f.close();

  const cut = join(dir, 'cut.npy');
  writeFileSync(cut, Buffer.concat([encodeNpyHeader('<f4', [10, 10]), Buffer.from(data.buffer, 0, 200)]));
  const c = await NpyReader.open(cut);
  assert.equal(c.header.dataByteLength, 400);
  await assert.rejects(c.readDataBytes(0, 400), /truncated/);
  assert.equal((await c.readDataBytes(0, 200)).length, 200);
  await c.close();
});
