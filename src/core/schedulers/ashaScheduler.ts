import { ashaRungLevels } from './rungSystem';
import type { Job, LedgerEntry, Scheduler, SchedulerOptions, TrialDecision } from './scheduler';

/**
 * One ASHA rung: every error recorded at its level (sorted, for the quantile cutoff) and the trials
 * paused here that have not been promoted yet (sorted best first, ties in arrival order).
 */
class PromotionRung {
  readonly sortedErrors: number[] = [];
  readonly waiting: { trialId: number; error: number }[] = [];

  constructor(readonly level: number) {}

  record(trialId: number, error: number): void {
    insertSorted(this.sortedErrors, error, (x) => x);
    insertSorted(this.waiting, { trialId, error }, (x) => x.error);
  }

  /**
   * The best waiting trial if it is within the top 1/eta of everything recorded here (Syne Tune's
   * PromotionRungSystem: cutoff = numpy's linear quantile at 1/eta, needs at least two values).
   */
  takePromotable(eta: number): number | null {
    if (this.sortedErrors.length < 2 || this.waiting.length === 0) return null;
    const best = this.waiting[0];
    if (!(best.error <= linearQuantile(this.sortedErrors, 1 / eta))) return null;
    this.waiting.shift();
    return best.trialId;
  }
}

/**
 * Asynchronous successive halving with promotion (ASHA, Li et al. 2018; Syne Tune's
 * HyperbandScheduler type 'promotion'). Trials pause at every milestone r_min * eta^k < r_max; a free
 * worker resumes the best paused trial of the highest rung that is in its rung's top 1/eta, and
 * otherwise starts a new trial at r_min. Trials that reach r_max stop (completed).
 */
export class AshaScheduler implements Scheduler {
  readonly kind = 'asha' as const;
  readonly rungLevels: readonly number[];
  private readonly rungs: PromotionRung[];
  /** Milestone (next level) of each running trial, by trial id; 0 when not running. */
  private readonly milestoneOf: number[] = [];

  constructor(readonly options: SchedulerOptions) {
    this.rungLevels = ashaRungLevels(options.rMin, options.eta, options.rMax);
    this.rungs = this.rungLevels.slice(0, -1).map((level) => new PromotionRung(level));
  }

  nextJob(newTrialId: number, allowNewTrials: boolean): Job | null {
    for (let r = this.rungs.length - 1; r >= 0; r--) {
      const trialId = this.rungs[r].takePromotable(this.options.eta);
      if (trialId === null) continue;
      const untilEpoch = this.rungLevels[r + 1];
      this.milestoneOf[trialId] = untilEpoch;
      return { kind: 'resume', trialId, bracket: 0, fromEpoch: this.rungs[r].level, untilEpoch };
    }
    if (!allowNewTrials) return null;
    if (this.milestoneOf[newTrialId]) throw new Error(`trial ${newTrialId} is already running`);
    this.milestoneOf[newTrialId] = this.rungLevels[0];
    // ASHA has no rung size: a new config is always needed one at a time.
    return { kind: 'new', trialId: newTrialId, bracket: 0, level: this.rungLevels[0], slotsRemaining: 1 };
  }

  onResult(trialId: number, epoch: number, error: number): TrialDecision {
    const milestone = this.milestoneOf[trialId];
    if (!milestone) throw new Error(`result for trial ${trialId}, which is not running`);
    if (Number.isNaN(error)) {
      this.milestoneOf[trialId] = 0;
      return 'stop';
    }
    if (epoch < milestone) return 'continue';
    if (epoch !== milestone) throw new Error(`trial ${trialId} went past its milestone ${milestone} (epoch ${epoch})`);
    this.milestoneOf[trialId] = 0;
    if (milestone === this.options.rMax) return 'stop';
    this.rungs[this.rungLevels.indexOf(milestone)].record(trialId, error);
    return 'pause';
  }

  takeLedger(): readonly LedgerEntry[] {
    return NOTHING;
  }
}

const NOTHING: readonly LedgerEntry[] = Object.freeze([]);

/** numpy.quantile(values, q) with its default linear interpolation, for ascending `sorted`. */
export function linearQuantile(sorted: readonly number[], q: number): number {
  const position = q * (sorted.length - 1);
  const lo = Math.floor(position);
  const frac = position - lo;
  if (frac === 0 || lo + 1 >= sorted.length) return sorted[lo];
  return sorted[lo] + (sorted[lo + 1] - sorted[lo]) * frac;
}

/** Inserts after any equal keys, so equal errors keep arrival order. */
function insertSorted<T>(items: T[], item: T, key: (x: T) => number): void {
  const k = key(item);
  let lo = 0, hi = items.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (key(items[mid]) <= k) lo = mid + 1; else hi = mid;
  }
  items.splice(lo, 0, item);
}
