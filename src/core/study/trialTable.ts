/**
 * Folds a study's events into one row per trial: what the trials table of the panel and the trials
 * CSV export show. One pass over the events, one Map lookup per trial event.
 */
import type { StudyEvent } from '../events/studyEvents';

/** Where a trial stands: running an epoch range, paused at a rung, or ended. */
export type TrialStatus = 'running' | 'paused' | 'completed' | 'stopped' | 'failed';

export interface TrialRow {
  readonly trialId: number;
  readonly arch: string;
  readonly ops: readonly number[];
  /** Bracket the trial was started in. */
  readonly bracket: number;
  /** Benchmark seed drawn for the trial. */
  readonly seed: number;
  /** Simulated seconds when the trial started, and of its latest event. */
  startTime: number;
  lastTime: number;
  /** Highest epoch with a reported result (0 before the first one). */
  epochsReached: number;
  /** Error at epochsReached (null when it failed or before any result). */
  lastError: number | null;
  /** Lowest error over all reported epochs. */
  bestError: number | null;
  bestErrorEpoch: number | null;
  results: number;
  /** Times the trial was resumed after a pause (promotions). */
  resumes: number;
  status: TrialStatus;
  stopReason: 'completed' | 'notPromoted' | 'budget' | 'failed' | null;
  /** Cumulative training seconds up to epochsReached. */
  elapsed: number;
  readonly fallback: boolean;
  readonly info: Record<string, unknown> | null;
}

/** Rows in trial id order. */
export function foldTrials(events: Iterable<StudyEvent>): TrialRow[] {
  const rows = new Map<number, TrialRow>();
  for (const event of events) applyEvent(rows, event);
  return [...rows.values()].sort((a, b) => a.trialId - b.trialId);
}

function applyEvent(rows: Map<number, TrialRow>, event: StudyEvent): void {
  if (event.type === 'trialStarted') {
    rows.set(event.trialId, {
      trialId: event.trialId, arch: event.arch, ops: event.ops, bracket: event.bracket, seed: event.seed,
      startTime: event.time, lastTime: event.time, epochsReached: 0, lastError: null, bestError: null,
      bestErrorEpoch: null, results: 0, resumes: 0, status: 'running', stopReason: null, elapsed: 0,
      fallback: event.fallback === true, info: event.info ?? null,
    });
    return;
  }
  if (event.type !== 'result' && event.type !== 'trialPaused' && event.type !== 'trialResumed' && event.type !== 'trialStopped') return;
  const row = rows.get(event.trialId);
  if (!row) return;
  row.lastTime = event.time;
  switch (event.type) {
    case 'result':
      row.results++;
      if (event.epoch >= row.epochsReached) {
        row.epochsReached = event.epoch;
        row.lastError = event.error;
        row.elapsed = event.elapsed;
      }
      if (event.error !== null && (row.bestError === null || event.error < row.bestError)) {
        row.bestError = event.error;
        row.bestErrorEpoch = event.epoch;
      }
      break;
    case 'trialPaused':
      row.status = 'paused';
      break;
    case 'trialResumed':
      row.status = 'running';
      row.resumes++;
      break;
    case 'trialStopped':
      row.stopReason = event.reason;
      row.status = event.reason === 'completed' ? 'completed' : event.reason === 'failed' ? 'failed' : 'stopped';
      break;
  }
}
