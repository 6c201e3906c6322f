import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hammingDistance, mutateCell, neighbours } from '../../src/core/nb201/cellMutation';
import { cellCode, cellFromCode, isValidCell, NUM_CELLS, NUM_EDGES, NUM_OPS } from '../../src/core/nb201/searchSpace';
import { SeededRandom } from '../../src/core/random/seededRandom';

test('a mutation changes exactly one edge to a different op and leaves the input alone', () => {
  const rng = new SeededRandom('mutation');
  const changedEdges = new Array(NUM_EDGES).fill(0);
  const newOps = new Array(NUM_OPS).fill(0);
  for (let k = 0; k < 5000; k++) {
    const cell = cellFromCode(rng.int(NUM_CELLS));
    const before = cell.slice();
    const child = mutateCell(cell, rng);
    assert.deepEqual(cell, before);
    assert.ok(isValidCell(child));
    assert.equal(hammingDistance(cell, child), 1);
    const edge = child.findIndex((op, e) => op !== cell[e]);
    changedEdges[edge]++;
    newOps[child[edge]]++;
  }
  // Every edge and every op gets chosen (uniform: ~833 per edge, ~1000 per op).
  for (const n of changedEdges) assert.ok(n > 650 && n < 1020, `edge counts ${changedEdges}`);
  for (const n of newOps) assert.ok(n > 800 && n < 1200, `op counts ${newOps}`);
});

test('mutation is deterministic for a seed', () => {
  const a = new SeededRandom(3), b = new SeededRandom(3);
  const cell = [3, 3, 3, 1, 3, 2];
  for (let k = 0; k < 20; k++) assert.deepEqual(mutateCell(cell, a), mutateCell(cell, b));
});

test('neighbours are the 24 distinct one-edge changes', () => {
  const cell = [0, 1, 2, 3, 4, 0];
  const list = neighbours(cell);
  assert.equal(list.length, NUM_EDGES * (NUM_OPS - 1));
  assert.equal(new Set(list.map(cellCode)).size, list.length);
  for (const n of list) assert.equal(hammingDistance(cell, n), 1);
  assert.ok(!list.some((n) => cellCode(n) === cellCode(cell)));
});

test('hamming distance counts differing edges and is symmetric', () => {
  assert.equal(hammingDistance([0, 0, 0, 0, 0, 0], [0, 0, 0, 0, 0, 0]), 0);
  assert.equal(hammingDistance([0, 1, 2, 3, 4, 0], [4, 3, 2, 1, 0, 0]), 4);
  assert.equal(hammingDistance([4, 3, 2, 1, 0, 0], [0, 1, 2, 3, 4, 0]), 4);
  assert.equal(hammingDistance([1, 1, 1, 1, 1, 1], [2, 2, 2, 2, 2, 2]), 6);
});
