/**
 * What one simulated study takes and gives back. Kept apart from simulateStudy() so the simulation
 * class can use these types without importing the entry point that builds it.
 */
import type { Benchmark } from '../benchmark/benchmark';
import type { SeededRandom } from '../random/seededRandom';
import type { Scheduler } from '../schedulers/scheduler';
import type { Searcher } from '../searchers/searcher';
import type { StudyEventDraft, StudyEventType } from '../events/studyEvents';
import type { ClockKind } from './clockModel';
import type { DecisionTotals } from './decisionLedger';
import type { DecisionTimeSettings } from './decisionTime';

/** Everything one simulated study needs. The searcher must be configured already. */
export interface SimulationOptions {
  benchmark: Benchmark;
  scheduler: Scheduler;
  searcher: Searcher;
  workers: number;
  /** At least one must be set. The budget ends the study at the first result after it. */
  stop: { maxSimulatedSeconds?: number; maxTrials?: number };
  clock: ClockKind;
  decisionTime: DecisionTimeSettings;
  /** Wall clock in ms that decision time 'measured' reads (default performance.now); tests inject a fake one. */
  wallClockMs?: () => number;
  /** Master rng of the study; the simulator derives its own named streams ('trialSeeds'). */
  rng: SeededRandom;
  /** Receives event drafts in order, without seq; the caller numbers them. */
  emit: (event: StudyEventDraft) => void;
  /**
   * Set when only the event types in `types` are read (a study without sinks: its result fold reads a few).
   * Every other event is then counted with `count(time)` instead of built and emitted, so the numbering,
   * the count and the latest time stay what emitting it would have made them. Absent: every event is emitted.
   */
  readOnly?: { readonly types: ReadonlySet<StudyEventType>; count(time: number): void };
  /** Abort to cancel (stop reason 'cancelled'; abort with reason 'llmBudget' to report that instead). */
  signal?: AbortSignal;
  onProgress?: (p: { fraction: number; trialsStarted: number; resultsReported: number }) => void;
}

export type StopReason = 'budget' | 'maxTrials' | 'cancelled' | 'llmBudget';

/** Outcome of a simulated study. */
export interface SimulationSummary {
  trialsStarted: number;
  resultsReported: number;
  /** Min over every reported result, any epoch (Syne Tune's plotting rule). */
  bestError: number | null;
  /** Min over results at r_max. */
  bestErrorAtMax: number | null;
  /** Arch of the bestErrorAtMax trial, else of the bestError trial. */
  incumbentArch: string | null;
  simulatedSeconds: number;
  stopReason: StopReason;
  /** What decision time cost: all zero when it is ignored. */
  decision: DecisionTotals;
}
