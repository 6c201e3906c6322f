/**
 * The results MOBSTER has seen at one rung level, and the training set its GP gets from them: all of
 * them while few, else the best half plus an even spread (by rank) of the rest, so the model stays
 * accurate where the incumbent is while knowing the shape of the whole level, at a bounded cost.
 * Targets are standardised per level (the GP's per-level mean and scale take it from there).
 */
import { NUM_EDGES, NUM_OPS } from '../nb201/searchSpace';
import type { GpLevelData } from '../gp/gpParameters';

export interface LevelTrainingSet {
  readonly data: GpLevelData;
  /** error = center + spread * target. */
  readonly center: number;
  readonly spread: number;
  /** Lowest error at the level (its standardised value is the smallest target). */
  readonly bestError: number;
}

/** Smallest spread used for standardising (all errors equal, or a single result). */
const MIN_SPREAD = 1e-6;

export class MobsterLevelObservations {
  private readonly codes: number[] = [];
  private readonly errors: number[] = [];
  private cached?: { size: number; cap: number; set: LevelTrainingSet };
  private ranked?: number[];

  constructor(readonly epoch: number) {}

  get size(): number {
    return this.codes.length;
  }

  add(code: number, error: number): void {
    if (!Number.isFinite(error)) throw new RangeError(`level ${this.epoch}: only finite errors are modelled, got ${error}`);
    this.codes.push(code);
    this.errors.push(error);
  }

  /** Codes of the `count` best results (fewer if the level has fewer), best first. */
  bestCodes(count: number): number[] {
    return this.rankOrder().slice(0, count).map((i) => this.codes[i]);
  }

  /** At most `cap` results as GP training data (the same object until a result arrives). */
  trainingSet(cap: number): LevelTrainingSet {
    if (this.size === 0) throw new Error(`level ${this.epoch} has no results`);
    if (this.cached && this.cached.size === this.size && this.cached.cap === cap) return this.cached.set;
    const chosen = this.choose(cap);
    const n = chosen.length;
    const ops = new Uint8Array(n * NUM_EDGES);
    const raw = new Float64Array(n);
    chosen.forEach((index, row) => {
      let code = this.codes[index];
      for (let e = 0; e < NUM_EDGES; e++) {
        ops[row * NUM_EDGES + e] = code % NUM_OPS;
        code = Math.floor(code / NUM_OPS);
      }
      raw[row] = this.errors[index];
    });
    let center = 0;
    for (const value of raw) center += value;
    center /= n;
    let variance = 0;
    for (const value of raw) variance += (value - center) ** 2;
    const spread = n > 1 ? Math.max(MIN_SPREAD, Math.sqrt(variance / n)) : 1;
    const targets = raw.map((value) => (value - center) / spread);
    const set: LevelTrainingSet = { data: { ops, targets, size: n }, center, spread, bestError: this.errors[chosen[0]] };
    this.cached = { size: this.size, cap, set };
    return set;
  }

  /** Indices of the training set, best first: the best half of the cap, then every k-th of the rest by rank. */
  private choose(cap: number): number[] {
    const order = this.rankOrder();
    if (order.length <= cap) return order.slice();
    const head = Math.ceil(cap / 2);
    const chosen = order.slice(0, head);
    const rest = order.length - head;
    const tail = cap - head;
    for (let k = 0; k < tail; k++) chosen.push(order[head + Math.floor(((k + 0.5) * rest) / tail)]);
    return chosen;
  }

  /** Result indices by error, ties in arrival order (kept until a result arrives). */
  private rankOrder(): number[] {
    if (this.ranked?.length !== this.errors.length) {
      const errors = this.errors;
      this.ranked = Array.from({ length: errors.length }, (_, i) => i).sort((a, b) => errors[a] - errors[b] || a - b);
    }
    return this.ranked;
  }
}
