/**
 * What decision time cost a study (issue 12 section 2). The tuner is blocked while a charged decision
 * runs, so every worker that sits free during such a window waits for a config. The windows are the
 * intervals [t, t + charged] on the tuner's clock; a worker free from f to s waited |[f, s] ∩ windows|,
 * which is M(s) - M(f) with M(x) the window measure up to x. Summing M at every start and subtracting
 * it at every release therefore gives the total without knowing which worker is which.
 */
export interface DecisionTotals {
  /** Decision seconds the searcher's work took, charged or hidden (an LLAMBO batch made ahead of time). */
  readonly spentSeconds: number;
  /** Decision seconds charged to the tuner's clock. */
  readonly chargedSeconds: number;
  /** Worker-seconds spent free while the tuner waited on a decision. */
  readonly idleWorkerSeconds: number;
  /** idleWorkerSeconds over workers x budget (the simulated time when no time budget was set). */
  readonly idleShare: number;
}

export class DecisionLedger {
  private readonly starts: number[] = [];
  private readonly ends: number[] = [];
  /** Window measure up to the end of window i. */
  private readonly measureAtEnd: number[] = [];
  private spent = 0;
  private charged = 0;
  /** Sum of M at worker starts minus M at worker releases (the still-free workers are settled in totals()). */
  private idle = 0;

  /** The tuner waits `charged` seconds from `start`; `spent` is what the decision took in all. */
  charge(start: number, charged: number, spent: number): void {
    this.spent += spent;
    if (!(charged > 0)) return;
    const last = this.ends.length - 1;
    if (last >= 0 && start < this.ends[last]) throw new RangeError(`decision window at ${start} overlaps the one ending at ${this.ends[last]}`);
    this.starts.push(start);
    this.ends.push(start + charged);
    this.measureAtEnd.push((last >= 0 ? this.measureAtEnd[last] : 0) + charged);
    this.charged += charged;
  }

  /** A worker became free at `time` (the moment its trial's result arrived). */
  workerFreed(time: number): void {
    this.idle -= this.measureUpTo(time);
  }

  /** A free worker got a job at `time`. */
  workerStarted(time: number): void {
    this.idle += this.measureUpTo(time);
  }

  /** Totals at the study's end, with `freeWorkers` still free then. */
  totals(end: number, freeWorkers: number, workers: number, budgetSeconds: number): DecisionTotals {
    const idleWorkerSeconds = this.idle + freeWorkers * this.measureUpTo(end);
    const capacity = workers * budgetSeconds;
    return { spentSeconds: this.spent, chargedSeconds: this.charged, idleWorkerSeconds, idleShare: capacity > 0 ? idleWorkerSeconds / capacity : 0 };
  }

  /** M(x): how much of [0, x] lies inside decision windows. */
  private measureUpTo(x: number): number {
    let lo = 0, hi = this.starts.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.starts[mid] <= x) lo = mid + 1; else hi = mid;
    }
    const i = lo - 1;
    if (i < 0) return 0;
    const before = this.measureAtEnd[i] - (this.ends[i] - this.starts[i]);
    return before + Math.min(x, this.ends[i]) - this.starts[i];
  }
}
