import type { EvolutionSlot } from '../evolution/evolutionSlot';
import type { Cell } from '../nb201/searchSpace';
import type { SeededRandom } from '../random/seededRandom';
import type { LlmCallEvent } from '../events/studyEvents';

/** What a searcher knows about the problem; given once, before the first suggestion. */
export interface SearcherContext {
  /** Independent stream for this searcher, derived from the study's master seed. */
  readonly rng: SeededRandom;
  /**
   * Stream for the initial random designs. Every searcher derives it the same way from the master
   * seed, so the same seed gives every searcher the same initial random cells.
   */
  readonly initialDesignRng: SeededRandom;
  /** Rung levels (epochs) the scheduler uses, ascending, last = maxEpoch. */
  readonly rungLevels: readonly number[];
  readonly maxEpoch: number;
  /** The scheduler's first rung of bracket `bracket` (level, new configs), when its brackets have a fixed shape. */
  firstRungOf?(bracket: number): { readonly level: number; readonly slots: number };
  /** Isomorphism class of a cell (from the table), for de-duplication. */
  isoClassOf(cell: Cell): number;
  /** Emit a searcher-level event (fallback notices, info). */
  emit?(event: SearcherNotice): void;
  /** Record one LLM request and its outcome as an `llmCall` event (the stream adds seq and time). */
  emitLlmCall?(event: Omit<LlmCallEvent, 'seq' | 'time'>): void;
}

export interface SearcherNotice {
  readonly kind: 'fallback' | 'info';
  readonly message: string;
  readonly detail?: unknown;
}

/** Why the scheduler asks: which bracket/rung needs new configs and how many it still needs. */
export interface SuggestRequest {
  readonly trialId: number;
  readonly bracket: number;
  /** Level (epochs) of the first rung of that bracket. */
  readonly level: number;
  /** New configs that rung still needs including this one (k >= 1); lets a searcher batch. */
  readonly slotsRemaining: number;
  /** Simulated time of the request. */
  readonly time: number;
  /** The scheduler's population slot for this trial, when the scheduler keeps one (DEHB). */
  readonly evolution?: EvolutionSlot;
}

export interface Suggestion {
  readonly cell: Cell;
  /** True when the searcher could not do its normal job and used a fallback (mutation / random). */
  readonly fallback?: boolean;
  /** Free-form per-suggestion info (e.g. predicted mean/std/EI) carried into events. */
  readonly info?: Record<string, unknown>;
  /** Simulated seconds of decision time this suggestion cost (for measured/modelled modes). */
  readonly decisionSeconds?: number;
  /**
   * Decision seconds of the work done while making this suggestion, charged or not (default: the charged
   * seconds). Differs when work runs ahead of time: a batch prefetched now and charged later only for
   * what a worker still waits.
   */
  readonly spentSeconds?: number;
}

/** One reported result of a trial at one epoch. */
export interface Observation {
  readonly trialId: number;
  readonly cell: Cell;
  readonly epoch: number;
  /** NaN for a failed evaluation. */
  readonly error: number;
}

/**
 * A searcher proposes new cells for the scheduler's first rungs and learns from every result.
 * It must always return a cell: when its main method fails it falls back and says so.
 */
export interface Searcher {
  readonly name: string;
  configure(context: SearcherContext): void;
  suggest(request: SuggestRequest): Suggestion | Promise<Suggestion>;
  onPending(trialId: number, cell: Cell): void;
  onResult(observation: Observation): void;
  onFailure(trialId: number, cell: Cell): void;
  /** JSON-serialisable state for pause/resume of a study. */
  state(): unknown;
  restore(state: unknown): void;
}
