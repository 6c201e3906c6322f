/**
 * Connectivity of an NB201 cell. Node 0 is the cell input, node 3 its output; an edge carrying
 * `none` passes nothing. A cell whose output cannot be reached from its input outputs zeros and
 * trains to chance level (~90% error on CIFAR-10).
 */
import { EDGES, NUM_EDGES, OPS, type Cell } from './searchSpace';

const NONE = OPS.indexOf('none');

/** Which of nodes 0..3 receive signal from node 0. EDGES are ordered by target node, so one pass suffices. */
export function reachableNodes(cell: Cell): [boolean, boolean, boolean, boolean] {
  const reach: [boolean, boolean, boolean, boolean] = [true, false, false, false];
  for (let e = 0; e < NUM_EDGES; e++) {
    const [from, to] = EDGES[e];
    if (cell[e] !== NONE && reach[from]) reach[to] = true;
  }
  return reach;
}

/** True when no path of non-`none` edges leads from the input (node 0) to the output (node 3). */
export function isDisconnected(cell: Cell): boolean {
  return !reachableNodes(cell)[3];
}
