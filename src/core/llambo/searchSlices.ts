/**
 * Disjoint parts of the search space for the concurrent sampler requests of one batch. Requests that
 * cannot see each other's answers and get the same question return the same favourite cells (bracket 0
 * sent 24 requests with the same history, reshuffled). Each request is instead told to keep a few
 * edges at given ops: all requests of a batch fix the same edges, each to a different op combination,
 * so two requests that follow their instruction can never propose the same cell.
 *
 * Why fixed edges rather than anchors or sequential rounds: anchors (a cell to vary) overlap when two
 * anchors are close and run out when few cells are known (bracket 0 has about five); rounds that list
 * the picks so far serialise the batch's latency. Fixed edges are disjoint by construction, need no
 * history, and the surrogate still ranks the whole pool, so a weak slice costs candidates, not picks.
 * Which combinations are used is steered by the history: combinations whose evaluated cells did best at
 * level H come first, unseen ones count as average, and combinations that can only give disconnected
 * cells are never used.
 */
import { isDisconnected } from '../nb201/cellGraph';
import { EDGES, NUM_EDGES, NUM_OPS, OPS, type Cell } from '../nb201/searchSpace';
import type { SeededRandom } from '../random/seededRandom';
import { errorAt, type CellRecord } from './cellHistory';

/** One part of the space: cells whose `edges[i]` carries `ops[i]`. */
export interface SearchSlice {
  readonly edges: readonly number[];
  readonly ops: readonly number[];
}

const CONV3 = OPS.indexOf('nor_conv_3x3');

export function inSlice(cell: Cell, slice: SearchSlice): boolean {
  return slice.edges.every((edge, i) => cell[edge] === slice.ops[i]);
}

/** False when every cell of the slice is disconnected (tested with every free edge at its strongest op). */
function canConnect(slice: SearchSlice): boolean {
  const cell = new Array<number>(NUM_EDGES).fill(CONV3);
  slice.edges.forEach((edge, i) => { cell[edge] = slice.ops[i]; });
  return !isDisconnected(cell);
}

function combinations(edges: readonly number[]): SearchSlice[] {
  const out: SearchSlice[] = [];
  for (let code = 0; code < NUM_OPS ** edges.length; code++) {
    const ops = edges.map((_, i) => Math.floor(code / NUM_OPS ** i) % NUM_OPS);
    const slice = { edges, ops };
    if (canConnect(slice)) out.push(slice);
  }
  return out;
}

/**
 * `count` pairwise disjoint slices (none when count < 2: a single request needs no split). The fewest
 * fixed edges that give enough usable combinations are used; which edges is drawn from `rng`, so
 * successive batches split the space along different edges.
 */
export function searchSlices(count: number, records: readonly CellRecord[], level: number | undefined, rng: SeededRandom): SearchSlice[] {
  if (count < 2) return [];
  const order = rng.shuffled(Array.from({ length: NUM_EDGES }, (_, e) => e));
  for (let fixed = 1; fixed <= NUM_EDGES; fixed++) {
    const edges = order.slice(0, fixed).sort((a, b) => a - b);
    const slices = combinations(edges);
    if (slices.length < count) continue;
    return rankSlices(slices, records, level, rng).slice(0, count);
  }
  throw new RangeError(`cannot split the search space into ${count} parts`);
}

/** Best mean error at `level` among evaluated cells first; unseen slices count as the overall mean; ties in random order. */
function rankSlices(slices: SearchSlice[], records: readonly CellRecord[], level: number | undefined, rng: SeededRandom): SearchSlice[] {
  const errors = level === undefined ? [] :
    records.map((r) => ({ cell: r.cell, error: errorAt(r, level) })).filter((r) => r.error !== undefined) as { cell: Cell; error: number }[];
  const overall = errors.length === 0 ? 0 : errors.reduce((s, r) => s + r.error, 0) / errors.length;
  const scored = rng.shuffled(slices).map((slice) => {
    const inside = errors.filter((r) => inSlice(r.cell, slice));
    return { slice, score: inside.length === 0 ? overall : inside.reduce((s, r) => s + r.error, 0) / inside.length };
  });
  return scored.sort((a, b) => a.score - b.score).map((s) => s.slice);
}

/** The instruction a request gets for its slice. */
export function sliceInstruction(slice: SearchSlice): string {
  const fixed = slice.edges.map((edge, i) => `${EDGES[edge][0]}->${EDGES[edge][1]} = ${OPS[slice.ops[i]]}`).join(', ');
  return `This request covers one part of the search space; other requests cover the others. Propose only cells with ${fixed}.`;
}
