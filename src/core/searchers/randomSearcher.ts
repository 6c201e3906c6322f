/** Random search without duplicates: the shared initial design stream, cell after cell. */
import type { SeededRandom } from '../random/seededRandom';
import { BaselineSearcher, type Proposal } from './baselineSearcher';

/**
 * Never suggests a cell twice (nor one reported pending by the scheduler), and prefers cells of
 * isomorphism classes not suggested yet (see `InitialDesignStream`).
 */
export class RandomSearcher extends BaselineSearcher {
  readonly name = 'random';

  protected propose(rng: SeededRandom): Proposal {
    return { cell: this.nextDesignCell(rng), info: { source: 'random' } };
  }

  protected reset(): void {}

  protected learn(): void {}
}
