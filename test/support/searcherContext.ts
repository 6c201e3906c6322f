/** The context a searcher gets from a study on the six NB201 rung levels, derived from one master seed. */
import { cellCode, type Cell } from '../../src/core/nb201/searchSpace';
import { SeededRandom } from '../../src/core/random/seededRandom';
import type { SearcherContext } from '../../src/core/searchers/searcher';

export function searcherContext(seed: number, isoClassOf: (cell: Cell) => number = cellCode): SearcherContext {
  const master = new SeededRandom(seed);
  return {
    rng: master.derive('searcher'),
    initialDesignRng: master.derive('initialDesign'),
    rungLevels: [1, 3, 9, 27, 81, 200],
    maxEpoch: 200,
    isoClassOf,
  };
}
