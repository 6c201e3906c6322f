import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hammingDistance } from '../../src/core/nb201/cellMutation';
import { isValidCell } from '../../src/core/nb201/searchSpace';
import { SeededRandom } from '../../src/core/random/seededRandom';
import {
  binomialCrossover, decodeCell, encodeCellRandomly, ENCODED_LENGTH, rand1Mutation,
} from '../../src/core/searchers/differentialEvolution';

const randomCell = (rng: SeededRandom) => Array.from({ length: 6 }, () => rng.int(5));
const inUnitCube = (v: Float64Array) => v.length === ENCODED_LENGTH && v.every((x) => x >= 0 && x <= 1);

test('a random encoding decodes to its cell and is uniform apart from which op is largest', () => {
  const rng = new SeededRandom(1);
  let topSum = 0, otherSum = 0;
  for (let i = 0; i < 2000; i++) {
    const cell = randomCell(rng);
    const v = encodeCellRandomly(cell, rng);
    assert.ok(inUnitCube(v));
    assert.deepEqual(decodeCell(v), cell);
    topSum += v[cell[0]];
    otherSum += v[(cell[0] + 1) % 5];
  }
  // The largest of 5 uniforms averages 5/6, each of the others (below it) 5/12 on average.
  assert.ok(Math.abs(topSum / 2000 - 5 / 6) < 0.01, `top ${topSum / 2000}`);
  assert.ok(Math.abs(otherSum / 2000 - 5 / 12) < 0.02, `other ${otherSum / 2000}`);
  assert.deepEqual(decodeCell(new Float64Array(ENCODED_LENGTH)), [0, 0, 0, 0, 0, 0], 'ties go to the first op (numpy argmax)');
  assert.throws(() => decodeCell(new Float64Array(6)), /30 numbers/);
});

test('rand/1 mutation is x0 + F (x1 - x2) inside the cube, and redraws what falls outside', () => {
  const rng = new SeededRandom(2);
  for (let i = 0; i < 500; i++) {
    const [x0, x1, x2] = [0, 1, 2].map(() => encodeCellRandomly(randomCell(rng), rng));
    const before = new SeededRandom(100 + i);
    const mutant = rand1Mutation(x0, x1, x2, 0.5, before);
    assert.ok(inUnitCube(mutant));
    assert.ok(isValidCell(decodeCell(mutant)));
    for (let d = 0; d < ENCODED_LENGTH; d++) {
      const raw = x0[d] + 0.5 * (x1[d] - x2[d]);
      if (raw >= 0 && raw <= 1) assert.equal(mutant[d], raw);
    }
  }
  // With x1 = x2 the mutant is x0 and no draw is spent.
  const x = encodeCellRandomly([1, 2, 3, 4, 0, 1], rng);
  const probe = new SeededRandom(5);
  assert.deepEqual(rand1Mutation(x, x, x, 0.5, probe), x);
  assert.equal(probe.next(), new SeededRandom(5).next());
});

test('binomial crossover takes whole edges from mutant or target, at least one from the mutant, about half each', () => {
  const rng = new SeededRandom(3);
  let fromMutant = 0;
  const trials = 3000;
  for (let i = 0; i < trials; i++) {
    const target = encodeCellRandomly(randomCell(rng), rng);
    const mutant = encodeCellRandomly(randomCell(rng), rng);
    const child = binomialCrossover(mutant, target, 0.5, rng);
    assert.ok(inUnitCube(child));
    const decoded = decodeCell(child);
    assert.ok(isValidCell(decoded));
    let edgesFromMutant = 0;
    for (let e = 0; e < 6; e++) {
      const block = Array.from(child.subarray(e * 5, e * 5 + 5));
      const m = Array.from(mutant.subarray(e * 5, e * 5 + 5));
      const t = Array.from(target.subarray(e * 5, e * 5 + 5));
      const isMutant = block.every((x, k) => x === m[k]);
      assert.ok(isMutant || block.every((x, k) => x === t[k]), 'a block is copied whole');
      if (isMutant) edgesFromMutant++;
    }
    assert.ok(edgesFromMutant >= 1, 'at least one edge from the mutant');
    fromMutant += edgesFromMutant;
    assert.ok(hammingDistance(decoded, decodeCell(target)) <= edgesFromMutant);
  }
  // 6 * 0.5 = 3 edges, plus the forced edge when none was drawn (probability 1/64).
  const mean = fromMutant / trials;
  assert.ok(Math.abs(mean - (3 + 1 / 64)) < 0.1, `mean edges from the mutant ${mean}`);
});
