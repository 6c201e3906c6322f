/** The results observed at one level (epoch), kept sorted by error so the best are a prefix. */
export class RankedLevel {
  private readonly errors: number[] = [];
  private readonly codes: number[] = [];

  constructor(readonly epoch: number) {}

  get size(): number {
    return this.codes.length;
  }

  /** Cell code at `rank` (0 = lowest error). */
  codeAt(rank: number): number {
    return this.codes[rank];
  }

  /** Inserts a (finite) result after any equal errors, so earlier results win ties; returns its rank. */
  insert(code: number, error: number): number {
    let lo = 0;
    let hi = this.errors.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.errors[mid] <= error) lo = mid + 1;
      else hi = mid;
    }
    this.errors.splice(lo, 0, error);
    this.codes.splice(lo, 0, code);
    return lo;
  }
}
