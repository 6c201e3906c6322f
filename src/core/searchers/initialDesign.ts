/**
 * The shared stream of initial random designs. Every baseline searcher draws its random cells from
 * one of these, built the same way from `SearcherContext.initialDesignRng`, so the same master seed
 * gives every searcher the same first random cells.
 */
import { cellFromCode, NUM_CELLS, type Cell } from '../nb201/searchSpace';
import type { SeededRandom } from '../random/seededRandom';

/** Draws per cell spent looking for a cell of an isomorphism class not drawn yet. */
const DEFAULT_ISO_ATTEMPTS = 16;

/**
 * A fixed, seed-determined sequence of distinct cells (a lazy Fisher-Yates shuffle of all 15,625),
 * preferring cells whose isomorphism class has not appeared yet. Callers may skip cells they have
 * already used; skipping never changes the sequence itself, only how far it has advanced.
 */
export class InitialDesignStream {
  /** pool[0..drawn) is the sequence so far; pool[drawn..) the cells not drawn yet. */
  private readonly pool = new Uint16Array(NUM_CELLS);
  private drawn = 0;
  private readonly seenClasses = new Set<number>();
  private readonly rng: SeededRandom;

  constructor(
    rng: SeededRandom,
    private readonly isoClassOf?: (cell: Cell) => number,
    private readonly isoAttempts = DEFAULT_ISO_ATTEMPTS,
  ) {
    // Derived by name, so a caller that already consumed `rng` still gets the same sequence.
    this.rng = rng.derive('initial-design-stream');
    for (let code = 0; code < NUM_CELLS; code++) this.pool[code] = code;
  }

  /** How many cells of the sequence have been drawn (used or skipped). */
  get position(): number {
    return this.drawn;
  }

  /** The next cell of the sequence for which `isTaken(cellCode)` is false; null when all are drawn. */
  next(isTaken?: (code: number) => boolean): Cell | null {
    while (this.drawn < NUM_CELLS) {
      const code = this.drawCode();
      if (!isTaken?.(code)) return cellFromCode(code);
    }
    return null;
  }

  /** Replays the sequence up to `position` (for restoring a searcher). */
  advanceTo(position: number): void {
    if (!Number.isInteger(position) || position < this.drawn || position > NUM_CELLS) {
      throw new RangeError(`cannot advance the initial design stream from ${this.drawn} to ${position}`);
    }
    while (this.drawn < position) this.drawCode();
  }

  private drawCode(): number {
    const remaining = NUM_CELLS - this.drawn;
    let pick = this.drawn + this.rng.int(remaining);
    if (this.isoClassOf) {
      // Bounded retries keep this cheap once most classes are seen; a twin is then accepted.
      for (let attempt = 1; attempt < this.isoAttempts && this.seenClasses.has(this.classOf(pick)); attempt++) {
        pick = this.drawn + this.rng.int(remaining);
      }
    }
    const code = this.pool[pick];
    this.pool[pick] = this.pool[this.drawn];
    this.pool[this.drawn] = code;
    this.drawn++;
    if (this.isoClassOf) this.seenClasses.add(this.isoClassOf(cellFromCode(code)));
    return code;
  }

  private classOf(poolIndex: number): number {
    return this.isoClassOf!(cellFromCode(this.pool[poolIndex]));
  }
}
