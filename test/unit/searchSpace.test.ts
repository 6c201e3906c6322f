import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cellCode, cellFromCode, NUM_CELLS, parseArchString, toArchString, toSyneTuneConfig } from '../../src/core/nb201/searchSpace';
import { SeededRandom } from '../../src/core/random/seededRandom';

test('arch string round-trips for every cell and names edges in NB201 order', () => {
  for (let code = 0; code < NUM_CELLS; code++) {
    const cell = cellFromCode(code);
    assert.equal(cellCode(parseArchString(toArchString(cell))), code);
  }
  const best = parseArchString('|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_1x1~2|');
  assert.deepEqual(best, [3, 3, 3, 1, 3, 2]);
  assert.deepEqual(toSyneTuneConfig(best), {
    hp_x0: 'nor_conv_3x3', hp_x1: 'nor_conv_3x3', hp_x2: 'nor_conv_3x3', hp_x3: 'skip_connect', hp_x4: 'nor_conv_3x3', hp_x5: 'nor_conv_1x1',
  });
});

test('arch strings are remembered per valid cell only: the second naming equals the first, invalid cells are named as before', () => {
  const cell = [3, 3, 3, 1, 3, 2];
  const text = '|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_1x1~2|';
  assert.equal(toArchString(cell), text);
  assert.equal(toArchString(cell.slice()), text, 'a copy of the cell gets the remembered string');
  // Not cells: named op by op as always (an unknown op reads "undefined"), never stored under a code.
  assert.equal(toArchString([3, 3, 3, 1, 3, 7]), '|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_3x3~1|undefined~2|');
  assert.equal(toArchString([3, 3, 3, 1, 3, 2.5]), '|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_3x3~1|undefined~2|');
  assert.equal(toArchString([3, 3, 3, 1, 3, 2]), text, 'an invalid cell with the same ops but one did not replace the valid one');
});

test('bad arch strings are rejected with the offending text', () => {
  assert.throws(() => parseArchString('|conv~0|+|none~0|none~1|+|none~0|none~1|none~2|'), /unknown op "conv"/);
  assert.throws(() => parseArchString('nonsense'), /not an NB201 arch string/);
  assert.throws(() => cellFromCode(NUM_CELLS), /out of range/);
});

test('seeded random streams are pinned: the seeding of every study stays what recorded studies were run with', () => {
  const draws = [0, 1, 4294967295, 123456789].map((seed) => {
    const r = new SeededRandom(seed);
    return [r.nextUint32(), r.nextUint32(), r.derive('suggest/7').nextUint32()];
  });
  assert.deepEqual(draws, [
    [3809008728, 1133695204, 3060874723], [2442144158, 3238099751, 4233204248],
    [835879718, 1921286648, 2386353746], [4284103975, 1001954530, 187593796],
  ]);
  const named = new SeededRandom('study/x');
  assert.deepEqual([named.nextUint32(), named.nextUint32()], [1069557919, 4130471968]);
});

test('seeded random is deterministic per seed and derived streams are independent of position', () => {
  const a = new SeededRandom(7), b = new SeededRandom(7);
  const seqA = Array.from({ length: 5 }, () => a.nextUint32());
  assert.deepEqual(seqA, Array.from({ length: 5 }, () => b.nextUint32()));
  assert.notDeepEqual(seqA, Array.from({ length: 5 }, () => new SeededRandom(8).nextUint32()));
  const fresh = new SeededRandom(7);
  const used = new SeededRandom(7); used.next(); used.next();
  assert.equal(fresh.derive('x').next(), used.derive('x').next());
  assert.notEqual(fresh.derive('x').next(), fresh.derive('y').next());
  const r = new SeededRandom(1);
  let sum = 0; for (let i = 0; i < 10000; i++) sum += r.next();
  assert.ok(Math.abs(sum / 10000 - 0.5) < 0.02);
});
