/**
 * Every reported result with the scheduler's decision after it, as Syne Tune records them (the rows of
 * its results.csv). A result's decision/status are settled by the trial's next event: another result
 * or a resume (CONTINUE/InProgress), a pause (PAUSE/Paused), a stop (STOP/Stopped, or
 * CONTINUE/Completed at r_max as Syne Tune records it). A result with nothing after it stays
 * InProgress. Constant work per event.
 */
import type { StudyEvent } from '../events/studyEvents';

export type ResultDecision = 'CONTINUE' | 'PAUSE' | 'STOP';
export type ResultStatus = 'InProgress' | 'Paused' | 'Stopped' | 'Completed';

export interface LoggedResult {
  readonly trialId: number;
  readonly epoch: number;
  readonly error: number | null;
  /** Seconds of this epoch, cumulative training seconds of the trial, simulated study time. */
  readonly runtime: number;
  readonly elapsed: number;
  readonly time: number;
  decision: ResultDecision;
  status: ResultStatus;
}

export class ResultLog {
  readonly results: LoggedResult[] = [];
  /** Index of each trial's latest result while its decision is open. */
  private readonly pending = new Map<number, number>();

  add(event: StudyEvent): void {
    switch (event.type) {
      case 'result':
        this.settle(event.trialId, 'CONTINUE', 'InProgress');
        this.pending.set(event.trialId, this.results.length);
        this.results.push({
          trialId: event.trialId, epoch: event.epoch, error: event.error, runtime: event.runtime, elapsed: event.elapsed,
          time: event.time, decision: 'CONTINUE', status: 'InProgress',
        });
        return;
      case 'trialResumed': this.settle(event.trialId, 'CONTINUE', 'InProgress'); return;
      case 'trialPaused': this.settle(event.trialId, 'PAUSE', 'Paused'); return;
      case 'trialStopped':
        if (event.reason === 'completed') this.settle(event.trialId, 'CONTINUE', 'Completed');
        else if (event.reason === 'budget') this.settle(event.trialId, 'CONTINUE', 'InProgress');
        else this.settle(event.trialId, 'STOP', 'Stopped');
        return;
      default:
    }
  }

  private settle(trialId: number, decision: ResultDecision, status: ResultStatus): void {
    const index = this.pending.get(trialId);
    if (index === undefined) return;
    this.results[index].decision = decision;
    this.results[index].status = status;
    this.pending.delete(trialId);
  }
}
