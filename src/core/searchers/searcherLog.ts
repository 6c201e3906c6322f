/**
 * The ordered record of everything a baseline searcher was told and chose. A searcher's state is a
 * pure function of this log, so saving the log saves the searcher and replaying it restores it.
 * Stored flat (five numbers per entry) in a Float64Array that doubles when full, so recording a result
 * allocates nothing and never turns a JS array of mixed small integers and doubles into a slower kind.
 */

export const LOG_STRIDE = 5;

/** Numeric entry kinds in the flat log; the four payload numbers mean different things per kind. */
const SUGGESTED = 0;
const PENDING = 1;
const RESULT = 2;
const FAILURE = 3;

/** One decoded entry. `memo` is searcher-defined (-1 when unused), e.g. the local-search run. */
export type SearcherLogEntry =
  | { readonly kind: 'suggested'; readonly code: number; readonly memo: number }
  | { readonly kind: 'pending'; readonly trialId: number; readonly code: number }
  | { readonly kind: 'result'; readonly trialId: number; readonly code: number; readonly epoch: number; readonly error: number }
  | { readonly kind: 'failure'; readonly trialId: number; readonly code: number };

const INITIAL_CAPACITY = 1024 * LOG_STRIDE;

export class SearcherLog {
  private values = new Float64Array(INITIAL_CAPACITY);
  private size = 0;

  get length(): number {
    return this.size / LOG_STRIDE;
  }

  clear(): void {
    this.size = 0;
  }

  suggested(code: number, memo: number): void {
    this.append(SUGGESTED, code, memo, 0, 0);
  }

  pending(trialId: number, code: number): void {
    this.append(PENDING, trialId, code, 0, 0);
  }

  result(trialId: number, code: number, epoch: number, error: number): void {
    this.append(RESULT, trialId, code, epoch, error);
  }

  failure(trialId: number, code: number): void {
    this.append(FAILURE, trialId, code, 0, 0);
  }

  private append(kind: number, a: number, b: number, c: number, d: number): void {
    if (this.size + LOG_STRIDE > this.values.length) {
      const grown = new Float64Array(this.values.length * 2);
      grown.set(this.values);
      this.values = grown;
    }
    const v = this.values;
    const i = this.size;
    v[i] = kind; v[i + 1] = a; v[i + 2] = b; v[i + 3] = c; v[i + 4] = d;
    this.size = i + LOG_STRIDE;
  }

  *entries(): IterableIterator<SearcherLogEntry> {
    const v = this.values;
    for (let i = 0; i < this.size; i += LOG_STRIDE) {
      switch (v[i]) {
        case SUGGESTED: yield { kind: 'suggested', code: v[i + 1], memo: v[i + 2] }; break;
        case PENDING: yield { kind: 'pending', trialId: v[i + 1], code: v[i + 2] }; break;
        case RESULT: yield { kind: 'result', trialId: v[i + 1], code: v[i + 2], epoch: v[i + 3], error: v[i + 4] }; break;
        case FAILURE: yield { kind: 'failure', trialId: v[i + 1], code: v[i + 2] }; break;
      }
    }
  }

  /** JSON-safe copy: NaN (a failed evaluation) becomes null. */
  toJSON(): (number | null)[] {
    return Array.from(this.values.subarray(0, this.size), (x) => (Number.isNaN(x) ? null : x));
  }

  /** Inverse of `toJSON`; throws on anything that is not a well-formed log. */
  static fromJSON(data: readonly (number | null)[]): SearcherLog {
    if (data.length % LOG_STRIDE !== 0) throw new Error(`searcher log length ${data.length} is not a multiple of ${LOG_STRIDE}`);
    for (let i = 0; i < data.length; i += LOG_STRIDE) {
      const kind = data[i];
      if (kind === null || !Number.isInteger(kind) || kind < SUGGESTED || kind > FAILURE) {
        throw new Error(`searcher log entry ${i / LOG_STRIDE} has unknown kind ${kind}`);
      }
      for (let k = 1; k < LOG_STRIDE; k++) {
        const x = data[i + k];
        const nullAllowed = kind === RESULT && k === LOG_STRIDE - 1;
        if (x === null ? !nullAllowed : typeof x !== 'number' || !Number.isFinite(x)) {
          throw new Error(`searcher log entry ${i / LOG_STRIDE} has a bad value ${JSON.stringify(x)}`);
        }
      }
    }
    const log = new SearcherLog();
    log.values = new Float64Array(Math.max(INITIAL_CAPACITY, data.length * 2));
    log.values.set(data.map((x) => (x === null ? NaN : x)));
    log.size = data.length;
    return log;
  }
}
