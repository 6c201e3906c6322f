/**
 * Maximises an acquisition score over the 15,625 cells without scoring them all: uniform random
 * candidates plus the one-edge neighbours of given seed cells (the best observed ones), then a
 * greedy local search (best one-edge move while it improves) from the top few. Cells the caller
 * excludes (already suggested) are never considered.
 *
 * Scores are costly (a GP variance), bounds cheap (the mean alone, at the prior variance, bounds
 * EI from above). Candidates are scored best bound first and the rest skipped once no bound can
 * beat what is needed (the best so far; the top-k for the local-search starts), so the picks are
 * the same as scoring everything, except for exact ties.
 */
import { NUM_CELLS, NUM_EDGES as EDGE_COUNT, NUM_OPS as OP_COUNT } from '../nb201/searchSpace';
import type { SeededRandom } from '../random/seededRandom';

export interface AcquisitionSearchOptions {
  readonly randomCandidates: number;
  /** Candidates the local search starts from (the best scored ones). */
  readonly localSearchStarts: number;
  /** Most one-edge moves per local search. */
  readonly localSearchSteps: number;
}

/** Scores cells by code; `bound(code) >= score(code)` must hold for every cell. */
export interface AcquisitionScorer {
  bound(code: number): number;
  score(code: number): number;
}

export interface AcquisitionPick {
  readonly code: number;
  readonly score: number;
  /** Cells whose exact score was computed. */
  readonly scored: number;
  /** Cells whose bound was computed. */
  readonly bounded: number;
}

// Module-local copies: hot loops read them, and an imported binding may compile to a getter call.
const NUM_EDGES = EDGE_COUNT;
const NUM_OPS = OP_COUNT;
const PLACE = Array.from({ length: NUM_EDGES }, (_, e) => NUM_OPS ** e);

let cellOps: Uint8Array | undefined;

/**
 * Op indices of every cell, NUM_EDGES per cell, indexed by cell code: cell `code` is at code * NUM_EDGES.
 * Built on first use (SyncMOBSTER's first model), not when the module loads: every CLI process loads it.
 */
export function cellOpsByCode(): Uint8Array {
  if (cellOps) return cellOps;
  const table = new Uint8Array(NUM_CELLS * NUM_EDGES);
  for (let code = 0; code < NUM_CELLS; code++) {
    for (let e = 0; e < NUM_EDGES; e++) table[code * NUM_EDGES + e] = Math.floor(code / PLACE[e]) % NUM_OPS;
  }
  return (cellOps = table);
}

export class AcquisitionSearch {
  private readonly boundStamp = new Int32Array(NUM_CELLS);
  private readonly bounds = new Float64Array(NUM_CELLS);
  private readonly scoreStamp = new Int32Array(NUM_CELLS);
  private readonly scores = new Float64Array(NUM_CELLS);
  private round = 0;
  private scored = 0;
  private bounded = 0;
  private scorer: AcquisitionScorer = { bound: () => 0, score: () => 0 };

  /** The best cell found, or null when every candidate was excluded. */
  run(
    scorer: AcquisitionScorer, excluded: (code: number) => boolean, seeds: readonly number[],
    rng: SeededRandom, options: AcquisitionSearchOptions,
  ): AcquisitionPick | null {
    this.round++;
    this.scored = this.bounded = 0;
    this.scorer = scorer;
    const candidates: number[] = [];
    const consider = (code: number) => {
      if (this.boundStamp[code] !== this.round && !excluded(code)) {
        this.boundOf(code);
        candidates.push(code);
      }
    };
    for (let i = 0; i < options.randomCandidates; i++) consider(rng.int(NUM_CELLS));
    for (const seed of seeds) forEachNeighbour(seed, consider);
    if (candidates.length === 0) return null;
    const starts = this.topByScore(candidates, Math.max(1, options.localSearchStarts));
    let best = starts[0];
    for (const start of starts) {
      const end = this.climb(start, options.localSearchSteps, excluded);
      if (this.scores[end] > this.scores[best]) best = end;
    }
    return { code: best, score: this.scores[best], scored: this.scored, bounded: this.bounded };
  }

  /**
   * The `k` best-scoring codes that score above `floor`, best first, scoring only those whose
   * bound can still make the cut.
   */
  private topByScore(codes: number[], k: number, floor = -Infinity): number[] {
    const order = codes.slice().sort((a, b) => this.bounds[b] - this.bounds[a] || a - b);
    const top: number[] = [];
    for (const code of order) {
      const cut = top.length >= k ? Math.max(floor, this.scores[top[top.length - 1]]) : floor;
      if (this.bounds[code] <= cut) break;
      if (this.scoreOf(code) <= floor) continue;
      let at = top.length;
      while (at > 0 && this.scores[top[at - 1]] < this.scores[code]) at--;
      top.splice(at, 0, code);
      if (top.length > k) top.pop();
    }
    return top;
  }

  /** Greedy ascent by one-edge moves; returns where it stopped. */
  private climb(start: number, maxSteps: number, excluded: (code: number) => boolean): number {
    let current = start;
    for (let step = 0; step < maxSteps; step++) {
      const around: number[] = [];
      forEachNeighbour(current, (code) => {
        if (excluded(code)) return;
        this.boundOf(code);
        around.push(code);
      });
      const [next] = this.topByScore(around, 1, this.scores[current]);
      if (next === undefined) break;
      current = next;
    }
    return current;
  }

  private boundOf(code: number): number {
    if (this.boundStamp[code] !== this.round) {
      this.bounds[code] = this.scorer.bound(code);
      this.boundStamp[code] = this.round;
      this.bounded++;
    }
    return this.bounds[code];
  }

  private scoreOf(code: number): number {
    if (this.scoreStamp[code] !== this.round) {
      this.scores[code] = this.scorer.score(code);
      this.scoreStamp[code] = this.round;
      this.scored++;
    }
    return this.scores[code];
  }
}

/** Calls `visit` with the code of each of the 24 one-edge neighbours of `code`. */
export function forEachNeighbour(code: number, visit: (neighbour: number) => void): void {
  for (let e = 0; e < NUM_EDGES; e++) {
    const op = Math.floor(code / PLACE[e]) % NUM_OPS;
    for (let other = 0; other < NUM_OPS; other++) if (other !== op) visit(code + (other - op) * PLACE[e]);
  }
}
