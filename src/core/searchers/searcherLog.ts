/**
 * The ordered record of everything a baseline searcher was told and chose. A searcher's state is a
 * pure function of this log, so saving the log saves the searcher and replaying it restores it.
 * Stored flat (five numbers per entry) so recording a result allocates nothing.
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

export class SearcherLog {
  private values: number[] = [];

  get length(): number {
    return this.values.length / LOG_STRIDE;
  }

  clear(): void {
    this.values = [];
  }

  suggested(code: number, memo: number): void {
    this.values.push(SUGGESTED, code, memo, 0, 0);
  }

  pending(trialId: number, code: number): void {
    this.values.push(PENDING, trialId, code, 0, 0);
  }

  result(trialId: number, code: number, epoch: number, error: number): void {
    this.values.push(RESULT, trialId, code, epoch, error);
  }

  failure(trialId: number, code: number): void {
    this.values.push(FAILURE, trialId, code, 0, 0);
  }

  *entries(): IterableIterator<SearcherLogEntry> {
    const v = this.values;
    for (let i = 0; i < v.length; i += LOG_STRIDE) {
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
    return this.values.map((x) => (Number.isNaN(x) ? null : x));
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
    log.values = data.map((x) => (x === null ? NaN : x));
    return log;
  }
}
