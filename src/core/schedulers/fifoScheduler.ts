import type { Job, LedgerEntry, Scheduler, SchedulerOptions, TrialDecision } from './scheduler';

/** FIFO: every free worker starts a new trial and every trial trains to r_max (no early stopping). */
export class FifoScheduler implements Scheduler {
  readonly kind = 'fifo' as const;
  readonly rungLevels: readonly number[];
  private readonly running = new Set<number>();

  constructor(readonly options: SchedulerOptions) {
    if (!(Number.isInteger(options.rMax) && options.rMax >= 1)) throw new RangeError(`r_max must be a positive integer, got ${options.rMax}`);
    this.rungLevels = [options.rMax];
  }

  nextJob(newTrialId: number, allowNewTrials: boolean): Job | null {
    if (!allowNewTrials) return null;
    if (this.running.has(newTrialId)) throw new Error(`trial ${newTrialId} is already running`);
    this.running.add(newTrialId);
    return { kind: 'new', trialId: newTrialId, bracket: 0, level: this.options.rMax, slotsRemaining: 1 };
  }

  onResult(trialId: number, epoch: number, error: number): TrialDecision {
    if (!this.running.has(trialId)) throw new Error(`result for trial ${trialId}, which is not running`);
    if (!Number.isNaN(error) && epoch < this.options.rMax) return 'continue';
    this.running.delete(trialId);
    return 'stop';
  }

  takeLedger(): readonly LedgerEntry[] {
    return NOTHING;
  }
}

const NOTHING: readonly LedgerEntry[] = Object.freeze([]);
