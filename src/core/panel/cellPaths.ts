/**
 * Which parts of a cell carry signal from input to output, and which edges two cells differ on: what
 * the cell diagrams grey out and highlight. An edge matters only when its source receives signal from
 * node 0 (cellGraph's reachability) and its target passes signal on to node 3.
 */
import { reachableNodes } from '../nb201/cellGraph';
import { EDGES, NUM_EDGES, OPS, type Cell } from '../nb201/searchSpace';

const NONE = OPS.indexOf('none');

/** Nodes 0..3 from which node 3 can be reached over non-`none` edges. */
export function nodesReachingOutput(cell: Cell): [boolean, boolean, boolean, boolean] {
  const reaches: [boolean, boolean, boolean, boolean] = [false, false, false, true];
  // EDGES are ordered by target node, so walking them backwards settles each source after its targets.
  for (let e = NUM_EDGES - 1; e >= 0; e--) {
    const [from, to] = EDGES[e];
    if (cell[e] !== NONE && reaches[to]) reaches[from] = true;
  }
  return reaches;
}

/** Per edge: not `none` and on some path from input to output. */
export function liveEdges(cell: Cell): boolean[] {
  const fromInput = reachableNodes(cell);
  const toOutput = nodesReachingOutput(cell);
  return EDGES.map(([from, to], e) => cell[e] !== NONE && fromInput[from] && toOutput[to]);
}

/** Per node: on some path from input to output (nodes 0 and 3 only when the cell is connected). */
export function liveNodes(cell: Cell): boolean[] {
  const fromInput = reachableNodes(cell);
  const toOutput = nodesReachingOutput(cell);
  return fromInput.map((reached, node) => reached && toOutput[node]);
}

/** Edge indices whose ops differ. */
export function changedEdges(a: Cell, b: Cell): number[] {
  const out: number[] = [];
  for (let e = 0; e < NUM_EDGES; e++) if (a[e] !== b[e]) out.push(e);
  return out;
}
