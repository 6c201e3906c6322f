/**
 * BOHB's model at one level: l(x), a KDE over the best results, and g(x), a KDE over the rest.
 * Kept in step with the level result by result (a new result moves at most one cell between the
 * two sets), so the model is never refitted from scratch unless the model level changes.
 */
import { NUM_EDGES, NUM_OPS } from '../nb201/searchSpace';
import type { SeededRandom } from '../random/seededRandom';
import { CategoricalKde, newPatternIndices, patternIndices } from './categoricalKde';
import type { RankedLevel } from './rankedLevel';

// Local copies: hot loops should not read imported bindings (a getter call under the test loader).
const EDGES: number = NUM_EDGES;
const OPS: number = NUM_OPS;

/** Floor of both densities in the ratio (Syne Tune's 1e-32). */
const DENSITY_FLOOR = 1e-32;

/** How many of n results form the good set, and whether a level has enough results for a model. */
export class GoodSetRule {
  constructor(
    readonly topNPercent: number,
    /** Fewest results in each of the good and bad sets (BOHB: dimensions + 1). */
    readonly minPoints: number,
  ) {}

  /** BOHB / Syne Tune: max(minPoints, floor(topNPercent * n / 100)). */
  goodSize(n: number): number {
    return Math.max(this.minPoints, Math.floor((this.topNPercent * n) / 100));
  }

  /** Both sets reach `minPoints` (the bad set is all results outside the good set). */
  canFit(n: number): boolean {
    return n - this.goodSize(n) >= this.minPoints;
  }
}

export class TpeModel {
  private readonly good: CategoricalKde;
  private readonly bad: CategoricalKde;
  private level?: RankedLevel;
  private goodCount = 0;
  private readonly digits: number[] = new Array(NUM_EDGES).fill(0);
  private readonly patterns = newPatternIndices();

  constructor(private readonly rule: GoodSetRule, minBandwidth: number) {
    this.good = new CategoricalKde(minBandwidth);
    this.bad = new CategoricalKde(minBandwidth);
  }

  /** Epoch of the level the model describes, undefined before the first fit. */
  get epoch(): number | undefined {
    return this.level?.epoch;
  }

  get goodSize(): number {
    return this.goodCount;
  }

  /** Back to no model (keeps the allocated tables). */
  unfit(): void {
    this.level = undefined;
    this.good.clear();
    this.bad.clear();
    this.goodCount = 0;
  }

  /** Rebuilds both densities from `level` (which must satisfy `rule.canFit`). */
  fitTo(level: RankedLevel): void {
    this.level = level;
    this.good.clear();
    this.bad.clear();
    this.goodCount = this.rule.goodSize(level.size);
    for (let rank = 0; rank < level.size; rank++) {
      (rank < this.goodCount ? this.good : this.bad).add(this.digitsOf(level.codeAt(rank)));
    }
  }

  /** Call after the model's level inserted a result at `rank`. */
  inserted(rank: number): void {
    const level = this.level!;
    const before = this.goodCount;
    const after = this.rule.goodSize(level.size);
    this.goodCount = after;
    const newcomer = this.digitsOf(level.codeAt(rank));
    if (rank < after) {
      this.good.add(newcomer);
      // The good set did not grow: the cell pushed to rank `before` drops out of it.
      if (after === before) this.move(level.codeAt(before), this.good, this.bad);
    } else {
      this.bad.add(newcomer);
      // The good set grew: the best of the bad set joins it.
      if (after > before) this.move(level.codeAt(before), this.bad, this.good);
    }
  }

  /** l(x) / g(x), each floored at 1e-32: BOHB's acquisition (higher is better). */
  ratio(cell: ArrayLike<number>): number {
    const index = patternIndices(cell, this.patterns);
    return Math.max(this.good.pdfOfPatterns(index), DENSITY_FLOOR) / Math.max(this.bad.pdfOfPatterns(index), DENSITY_FLOOR);
  }

  /** A candidate drawn from l: a random good cell, perturbed edge by edge (writes into `out`). */
  sampleCandidate(rng: SeededRandom, out: number[]): number[] {
    const center = this.digitsOf(this.level!.codeAt(rng.int(this.goodCount)));
    return this.good.sampleAround(center, rng, out);
  }

  private move(code: number, from: CategoricalKde, to: CategoricalKde): void {
    const digits = this.digitsOf(code);
    from.remove(digits);
    to.add(digits);
  }

  /** Op digits of a cell code into a reused scratch array (no allocation per result). */
  private digitsOf(code: number): number[] {
    for (let d = 0; d < EDGES; d++) {
      this.digits[d] = code % OPS;
      code = Math.floor(code / OPS);
    }
    return this.digits;
  }
}
