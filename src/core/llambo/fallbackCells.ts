/**
 * When the LLM gives too few usable cells (or cannot be asked), the batch is filled by one-edge
 * mutations of the best cells so far, then by uniform random cells; both skip registered and
 * disconnected cells. Never returns fewer than asked.
 */
import { mutateCell } from '../nb201/cellMutation';
import { cellFromCode, NUM_CELLS, type Cell } from '../nb201/searchSpace';
import type { SeededRandom } from '../random/seededRandom';
import type { BatchSeen, CellRegistry } from './cellRegistry';
import type { CellPick } from './llamboPick';

const MUTATION_TRIES_PER_CELL = 60;
const RANDOM_TRIES_PER_CELL = 2000;

export function fallbackPicks(count: number, parents: readonly Cell[], registry: CellRegistry, batch: BatchSeen, rng: SeededRandom): CellPick[] {
  const picks: CellPick[] = [];
  for (let i = 0; i < count; i++) {
    const mutant = parents.length > 0 ? mutantOf(parents, registry, batch, rng) : undefined;
    picks.push(mutant ? { cell: mutant, source: 'fallback-mutation', callIds: [] } : { cell: randomCell(registry, batch, rng), source: 'fallback-random', callIds: [] });
  }
  return picks;
}

/** `count` uniform random admissible cells (the `randomFraction` share and the random fallback). */
export function randomPicks(count: number, registry: CellRegistry, batch: BatchSeen, rng: SeededRandom, source: 'random' | 'fallback-random'): CellPick[] {
  return Array.from({ length: count }, () => ({ cell: randomCell(registry, batch, rng), source, callIds: [] }));
}

function mutantOf(parents: readonly Cell[], registry: CellRegistry, batch: BatchSeen, rng: SeededRandom): Cell | undefined {
  for (let attempt = 0; attempt < MUTATION_TRIES_PER_CELL; attempt++) {
    // Mostly the best parents; more edges change as easy neighbours run out.
    const parent = parents[Math.min(parents.length - 1, Math.floor(rng.next() * rng.next() * parents.length))];
    let cell: Cell = mutateCell(parent, rng);
    for (let extra = Math.floor(attempt / 20); extra > 0; extra--) cell = mutateCell(cell, rng);
    if (registry.admit(cell, batch) === undefined) return cell;
  }
  return undefined;
}

function randomCell(registry: CellRegistry, batch: BatchSeen, rng: SeededRandom): Cell {
  let cell = cellFromCode(rng.int(NUM_CELLS));
  for (let attempt = 0; attempt < RANDOM_TRIES_PER_CELL; attempt++) {
    if (registry.admit(cell, batch) === undefined) return cell;
    cell = cellFromCode(rng.int(NUM_CELLS));
  }
  return cell; // The space is all but exhausted: a repeat beats returning nothing.
}
