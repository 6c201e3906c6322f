/**
 * Differential evolution operators on NB201 cells, in Syne Tune's encoding of categorical values: each
 * edge is a block of 5 numbers in [0, 1] (one per op) and decodes to the op with the largest number,
 * so a cell is a point of [0, 1]^30. Mutation is rand/1, crossover binomial over whole edges.
 */
import { NUM_EDGES, NUM_OPS, type Cell } from '../nb201/searchSpace';
import type { SeededRandom } from '../random/seededRandom';

/** Length of an encoded cell: one block of NUM_OPS numbers per edge. */
export const ENCODED_LENGTH = NUM_EDGES * NUM_OPS;

/**
 * A random encoding of `cell`: per edge, NUM_OPS uniform numbers with the largest moved to the op's
 * position. Distributed like Syne Tune's uniformly drawn encodings conditioned on decoding to `cell`,
 * so the shared initial designs can seed DE exactly as its own random draws would.
 */
export function encodeCellRandomly(cell: Cell, rng: SeededRandom): Float64Array {
  const out = new Float64Array(ENCODED_LENGTH);
  for (let e = 0; e < NUM_EDGES; e++) {
    const base = e * NUM_OPS;
    let top = 0;
    for (let op = 0; op < NUM_OPS; op++) {
      out[base + op] = rng.next();
      if (out[base + op] > out[base + top]) top = op;
    }
    const target = base + cell[e];
    const largest = out[base + top];
    out[base + top] = out[target];
    out[target] = largest;
  }
  return out;
}

/** The cell an encoding stands for: per edge the op with the largest number (the first on ties, as numpy's argmax). */
export function decodeCell(vector: ArrayLike<number>): number[] {
  assertEncoded(vector);
  const cell: number[] = [];
  for (let e = 0; e < NUM_EDGES; e++) {
    const base = e * NUM_OPS;
    let top = 0;
    for (let op = 1; op < NUM_OPS; op++) if (vector[base + op] > vector[base + top]) top = op;
    cell.push(top);
  }
  return cell;
}

/** rand/1 mutation x0 + F (x1 - x2); entries outside [0, 1] are redrawn uniformly (in index order). */
export function rand1Mutation(
  x0: ArrayLike<number>, x1: ArrayLike<number>, x2: ArrayLike<number>, factor: number, rng: SeededRandom,
): Float64Array {
  assertEncoded(x0); assertEncoded(x1); assertEncoded(x2);
  const mutant = new Float64Array(ENCODED_LENGTH);
  for (let i = 0; i < ENCODED_LENGTH; i++) mutant[i] = x0[i] + factor * (x1[i] - x2[i]);
  for (let i = 0; i < ENCODED_LENGTH; i++) if (!(mutant[i] >= 0 && mutant[i] <= 1)) mutant[i] = rng.next();
  return mutant;
}

/**
 * Binomial crossover by edge: each edge's block comes from the mutant with `probability`, else from
 * the target; at least one edge comes from the mutant, so the child differs from the target's genes.
 */
export function binomialCrossover(
  mutant: ArrayLike<number>, target: ArrayLike<number>, probability: number, rng: SeededRandom,
): Float64Array {
  assertEncoded(mutant); assertEncoded(target);
  const fromMutant: boolean[] = [];
  for (let e = 0; e < NUM_EDGES; e++) fromMutant.push(rng.next() < probability);
  if (!fromMutant.includes(true)) fromMutant[rng.int(NUM_EDGES)] = true;
  const child = new Float64Array(ENCODED_LENGTH);
  for (let e = 0; e < NUM_EDGES; e++) {
    const source = fromMutant[e] ? mutant : target;
    for (let i = e * NUM_OPS; i < (e + 1) * NUM_OPS; i++) child[i] = source[i];
  }
  return child;
}

function assertEncoded(vector: ArrayLike<number>): void {
  if (vector.length !== ENCODED_LENGTH) throw new RangeError(`an encoded cell has ${ENCODED_LENGTH} numbers, got ${vector.length}`);
}
