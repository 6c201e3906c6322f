/**
 * Every reported result with the scheduler's decision after it, as Syne Tune records them (the rows of
 * its results.csv). A result's decision/status are settled by the trial's next event: another result
 * or a resume (CONTINUE/InProgress), a pause (PAUSE/Paused), a stop (STOP/Stopped, or
 * CONTINUE/Completed at r_max as Syne Tune records it). A result with nothing after it stays
 * InProgress. Constant work per event.
 *
 * Results are released to the consumer in report order as soon as they and every earlier one are
 * settled, and not kept: only the window from the oldest open result to the newest is held (about one
 * result per running trial), so a log of millions of results exports in bounded memory.
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
  /** Results not yet released, from `head` on: the oldest open one and everything reported after it. */
  private window: LoggedResult[] = [];
  private head = 0;
  /** Each trial's latest result while its decision is open. */
  private readonly pending = new Map<number, LoggedResult>();

  constructor(private readonly release: (result: LoggedResult) => void) {}

  add(event: StudyEvent): void {
    switch (event.type) {
      case 'result': {
        this.settle(event.trialId, 'CONTINUE', 'InProgress');
        const result: LoggedResult = {
          trialId: event.trialId, epoch: event.epoch, error: event.error, runtime: event.runtime, elapsed: event.elapsed,
          time: event.time, decision: 'CONTINUE', status: 'InProgress',
        };
        this.pending.set(event.trialId, result);
        this.window.push(result);
        break;
      }
      case 'trialResumed': this.settle(event.trialId, 'CONTINUE', 'InProgress'); break;
      case 'trialPaused': this.settle(event.trialId, 'PAUSE', 'Paused'); break;
      case 'trialStopped':
        if (event.reason === 'completed') this.settle(event.trialId, 'CONTINUE', 'Completed');
        else if (event.reason === 'budget') this.settle(event.trialId, 'CONTINUE', 'InProgress');
        else this.settle(event.trialId, 'STOP', 'Stopped');
        break;
      default:
        return;
    }
    this.drain();
  }

  /** The log ended: results still open had nothing after them and are released as InProgress. */
  finish(): void {
    this.pending.clear();
    this.drain();
  }

  private settle(trialId: number, decision: ResultDecision, status: ResultStatus): void {
    const result = this.pending.get(trialId);
    if (result === undefined) return;
    result.decision = decision;
    result.status = status;
    this.pending.delete(trialId);
  }

  private drain(): void {
    const { window } = this;
    while (this.head < window.length && this.pending.get(window[this.head].trialId) !== window[this.head]) this.release(window[this.head++]);
    // Released results are cut off in amortised constant time, so the array never holds more than twice the window.
    if (this.head > 1024 && this.head * 2 > window.length) {
      this.window = window.slice(this.head);
      this.head = 0;
    }
  }
}
