/** One-edge moves in the NB201 cell space: mutation, neighbourhood and edge (Hamming) distance. */
import type { SeededRandom } from '../random/seededRandom';
import { NUM_EDGES, NUM_OPS, type Cell } from './searchSpace';

/** A copy of `cell` with exactly one edge set to a different op, both chosen uniformly. */
export function mutateCell(cell: Cell, rng: SeededRandom): number[] {
  const out = cell.slice();
  const edge = rng.int(NUM_EDGES);
  out[edge] = (cell[edge] + 1 + rng.int(NUM_OPS - 1)) % NUM_OPS;
  return out;
}

/** Number of edges on which two cells carry different ops (0..6). */
export function hammingDistance(a: Cell, b: Cell): number {
  let d = 0;
  for (let e = 0; e < NUM_EDGES; e++) if (a[e] !== b[e]) d++;
  return d;
}

/** All 24 cells that differ from `cell` on exactly one edge, edge by edge, ops ascending. */
export function neighbours(cell: Cell): number[][] {
  const out: number[][] = [];
  for (let e = 0; e < NUM_EDGES; e++) {
    for (let op = 0; op < NUM_OPS; op++) {
      if (op === cell[e]) continue;
      const next = cell.slice();
      next[e] = op;
      out.push(next);
    }
  }
  return out;
}
