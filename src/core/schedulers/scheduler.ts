/**
 * The scheduler contract the simulator drives: it hands out jobs to free workers (a new config for a
 * first-rung slot, or the resumption of a paused trial), decides after every result whether a trial
 * continues, pauses or stops, and keeps a ledger of bracket openings and completed rungs.
 */
import type { EvolutionSlot } from '../evolution/evolutionSlot';
import type { RungSpec } from './rungSystem';

/** Every scheduler a study can name (the spec validates against this list). */
export const SCHEDULER_KINDS = ['sync-hyperband', 'sync-sh', 'asha', 'fifo', 'dehb'] as const;
export type SchedulerKind = (typeof SCHEDULER_KINDS)[number];

/** Resource settings shared by every scheduler (epochs). */
export interface SchedulerOptions {
  readonly rMin: number;
  readonly eta: number;
  readonly rMax: number;
}

/** Start a new trial (id bound by the scheduler already); the searcher must supply its cell. */
export interface NewTrialJob {
  readonly kind: 'new';
  readonly trialId: number;
  readonly bracket: number;
  /** Epoch the trial trains to before the scheduler decides (the first rung's level). */
  readonly level: number;
  /** New configs the bracket's first rung still needs, this one included (>= 1). */
  readonly slotsRemaining: number;
  /** Set by schedulers that keep an evolving population (DEHB): the slot and its parents. */
  readonly evolution?: EvolutionSlot;
}

/** Resume a paused trial from its checkpoint: train epochs fromEpoch+1 .. untilEpoch. */
export interface ResumeJob {
  readonly kind: 'resume';
  readonly trialId: number;
  readonly bracket: number;
  readonly fromEpoch: number;
  readonly untilEpoch: number;
}

export type Job = NewTrialJob | ResumeJob;

/** What a trial does after a result: train on, wait paused at a rung, or end for good. */
export type TrialDecision = 'continue' | 'pause' | 'stop';

export interface BracketOpenedEntry {
  readonly type: 'bracketOpened';
  readonly bracket: number;
  readonly bracketType: number;
  readonly rungs: readonly RungSpec[];
}

export interface RungCompletedEntry {
  readonly type: 'rungCompleted';
  readonly bracket: number;
  readonly rung: number;
  readonly level: number;
  /** Every slot's trial in rank order, best first, failed (NaN) last. */
  readonly ranking: readonly { readonly trialId: number; readonly error: number }[];
  /** Trials moved up to the next rung, best first; empty at the bracket's last rung. */
  readonly promoted: readonly number[];
}

/** The rung ledger: what the scheduler did to brackets and rungs, in order. */
export type LedgerEntry = BracketOpenedEntry | RungCompletedEntry;

export interface Scheduler {
  readonly kind: SchedulerKind;
  readonly options: SchedulerOptions;
  /** Every level a decision is taken at, ascending; the last is r_max. */
  readonly rungLevels: readonly number[];
  /**
   * The job for one free worker, or null when there is none right now. `newTrialId` is the id a new
   * trial gets if the job is a new one; with `allowNewTrials` false only resumptions are handed out.
   */
  nextJob(newTrialId: number, allowNewTrials: boolean): Job | null;
  /** One result of a running trial at `epoch` (NaN = failed evaluation, which always stops it). */
  onResult(trialId: number, epoch: number, error: number): TrialDecision;
  /** Ledger entries since the previous call, oldest first. */
  takeLedger(): readonly LedgerEntry[];
  /**
   * The first rung of bracket `bracket` (opened or not): its level and how many new configs it takes.
   * Schedulers whose brackets have a fixed shape offer it, so a searcher can prepare configs ahead.
   */
  firstRungOf?(bracket: number): RungSpec;
}
