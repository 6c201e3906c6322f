import { test } from 'node:test';
import assert from 'node:assert/strict';
import { JSON_NUMBER_MAX_BYTES, writeJsonNumber } from '../../src/core/study/jsonNumber';
import { writeShortestDecimal } from '../../src/core/study/shortestDecimal';
import { SeededRandom } from '../../src/core/random/seededRandom';

/** writeJsonNumber's bytes for x, as a string. */
function written(x: number): string {
  const bytes = Buffer.alloc(64, 0xff);
  const end = writeJsonNumber(bytes, 7, x);
  assert.ok(end - 7 <= JSON_NUMBER_MAX_BYTES, `${x} took ${end - 7} bytes`);
  assert.equal(bytes[6], 0xff, 'nothing before the offset');
  assert.equal(bytes[end], 0xff, 'nothing after the end it returned');
  return bytes.toString('latin1', 7, end);
}

function assertAllAsJson(values: Iterable<number>): number {
  let count = 0;
  for (const x of values) {
    const expected = JSON.stringify(x);
    const actual = written(x);
    if (actual !== expected) assert.fail(`${expected} (bits ${bitsOf(x)}) was written as ${actual}`);
    count++;
  }
  return count;
}

function bitsOf(x: number): string {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  return view.getBigUint64(0).toString(16);
}

function* map<T>(count: number, f: (i: number) => T): Generator<T> {
  for (let i = 0; i < count; i++) yield f(i);
}

test('special values: null for NaN and the infinities, 0 for -0, int32 limits and beyond', () => {
  const specials = [NaN, Infinity, -Infinity, 0, -0, 1, -1, 2 ** 31 - 1, -(2 ** 31), 2 ** 31, -(2 ** 31) - 1, 2 ** 53, 2 ** 53 + 2,
    Number.MAX_SAFE_INTEGER, Number.MAX_VALUE, -Number.MAX_VALUE, Number.MIN_VALUE, -Number.MIN_VALUE, 2.2250738585072014e-308,
    1e21, 1e-7, 1e-6, 123e-20, -1.5, -0.5, 0.1, 0.2, 0.30000000000000004, 1 - 2 ** -53, 1 + 2 ** -52, 2 ** 31 - 2 ** -22];
  assertAllAsJson(specials);
  assert.equal(written(NaN), 'null');
  assert.equal(written(-0), '0');
});

test('every number of at most four decimals in [0, 1] (the table errors), and their negatives', () => {
  assert.equal(assertAllAsJson(map(10_001, (n) => n / 1e4)), 10_001);
  assertAllAsJson(map(10_001, (n) => -n / 1e4));
  // Near misses: the doubles next to them take the general path.
  assertAllAsJson(map(10_000, (n) => (n + 1) / 1e4 + 2 ** -60 * (n + 1)));
});

test('doubles from 1 to 2^31 as simulated times are made: sums and products of float32 epoch seconds, and random ones', () => {
  const rng = new SeededRandom(20260213);
  let handled = 0;
  let total = 0;
  const probe = Buffer.alloc(64);
  const values = [
    ...map(100_000, () => Math.fround(2 + rng.next() * 300) * (1 + rng.int(200))),
    ...map(100_000, () => rng.next() * 20_000),
    ...map(50_000, () => 1 + rng.next() * 9),
    ...map(50_000, () => rng.next() * 2 ** 31),
    // Sums of float32 epoch times, as a trial's run starts are.
    ...map(50_000, () => { let t = 0; for (let k = 1 + rng.int(40); k > 0; k--) t += Math.fround(5 + rng.next() * 200); return t; }),
    // Around the binade and decade boundaries, where the gap between doubles changes.
    ...map(31, (e) => 2 ** e + 2 ** (e - 52)), ...map(31, (e) => 2 ** e - 2 ** (e - 53)), ...map(31, (e) => 2 ** e * 1.5),
    ...map(10, (d) => 10 ** d + 10 ** d * 2 ** -52), ...map(10, (d) => 10 ** d - 10 ** d * 2 ** -53),
    ...map(10, (d) => 10 ** d * (1 + 1e-15)), 9.999999999999998, 99.99999999999999, 1.0000000000000002, 2147483647.9999998,
  ];
  assertAllAsJson(values);
  for (const x of values) {
    if (x > 1 && x < 2 ** 31 && !Number.isInteger(x)) {
      total++;
      if (writeShortestDecimal(probe, 0, x) >= 0) handled++;
    }
  }
  // The fast path is the point: it must take almost all of them (the rest: 17 digits below 10).
  assert.ok(handled / total > 0.93, `${handled} of ${total} written without V8's digits`);
});

test('random bit patterns of every magnitude', () => {
  const rng = new SeededRandom(7);
  const view = new DataView(new ArrayBuffer(8));
  assertAllAsJson(map(200_000, () => {
    view.setUint32(0, rng.int(2 ** 32));
    view.setUint32(4, rng.int(2 ** 32));
    return view.getFloat64(0);
  }));
});
