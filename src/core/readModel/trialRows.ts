/**
 * Folds trial events into one row per trial (what the panel's trials table, trials.csv and
 * trials.jsonl show), the decimated learning curves and each trial's error at the rung levels it
 * trained to (what rung correlation and surrogate calibration compare). Constant work per event;
 * remembers which trials changed so the panel's deltas carry only those.
 */
import type { StudyEvent, TrialStartedEvent, TrialStoppedEvent } from '../events/studyEvents';
import { isKeptEpoch } from './curveDecimation';

/** Where a trial stands: running an epoch range, paused at a rung, or ended (reached r_max, stopped, failed). */
export const TRIAL_STATUSES = ['running', 'paused', 'completed', 'stopped', 'failed'] as const;
export type TrialStatus = (typeof TRIAL_STATUSES)[number];

export type TrialStopReason = TrialStoppedEvent['reason'];

/** One trial as every view and export shows it. */
export interface TrialRow {
  readonly id: number;
  readonly arch: string;
  /** Op index per edge (edge order 0->1, 0->2, 1->2, 0->3, 1->3, 2->3). */
  readonly ops: readonly number[];
  /** Bracket id the trial was started in, and that bracket's type (0 = most rungs; null without brackets). */
  readonly bracket: number;
  readonly bracketType: number | null;
  /** Rung index reached: 0 at the start, +1 per promotion (resume). */
  readonly rung: number;
  /** Highest epoch with a result (0 before the first one). */
  readonly epochs: number;
  /** Benchmark seed drawn for the trial. */
  readonly seed: number;
  /** Isomorphism class (cells with equal ids compute the same function); null when unknown. */
  readonly iso: number | null;
  /** Where the searcher got the cell: 'llambo', 'warmstart', 'fallback-mutation', ... (null for baselines). */
  readonly source: string | null;
  /** LLAMBO surrogate prediction at `level` and the expected improvement it gave. */
  readonly predictedMean: number | null;
  readonly predictedStd: number | null;
  readonly ei: number | null;
  readonly level: number | null;
  /** LLM calls that proposed and scored the cell. */
  readonly callIds: readonly string[];
  /** Error at `epochs` (null before a result or when it failed) and the lowest error reported, with its epoch. */
  readonly error: number | null;
  readonly bestError: number | null;
  readonly bestErrorEpoch: number | null;
  /** Results reported (one per epoch trained). */
  readonly results: number;
  readonly status: TrialStatus;
  readonly stopReason: TrialStopReason | null;
  readonly fallback: boolean;
  /** Simulated seconds when the trial started, and of its latest event. */
  readonly startTime: number;
  readonly lastTime: number;
  /** Cumulative training seconds up to `epochs` (Syne Tune's metric_elapsed_time). */
  readonly elapsed: number;
  /** What the searcher said about the cell (trialStarted.info), for the JSONL export. */
  readonly info: Readonly<Record<string, unknown>> | null;
}

/** A trial's learning curve, decimated: flat (epoch, error) pairs; error null where a result failed. */
export interface TrialCurve {
  readonly id: number;
  readonly bracketType: number | null;
  readonly epochs: readonly number[];
  readonly errors: readonly (number | null)[];
}

/** A trial's errors at the rung levels it reached, and the surrogate's prediction for it. */
export interface TrialPrediction {
  readonly id: number;
  readonly levelErrors: ReadonlyMap<number, number | null>;
  readonly predictedMean: number | null;
  readonly predictedStd: number | null;
  readonly level: number | null;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

interface TrialState {
  readonly row: Mutable<TrialRow>;
  /** Epoch the trial trains to before the scheduler decides again (a rung level). */
  untilEpoch: number;
  readonly keptEpochs: number[];
  readonly keptErrors: (number | null)[];
  /** Error at every epoch trained (index epoch - 1), for the selected trial's own curve. */
  readonly allErrors: (number | null)[];
  /** Error at each rung level the trial reached. */
  readonly levelErrors: Map<number, number | null>;
}

export interface TrialRowsOptions {
  /** Isomorphism class of a cell (e.g. from the benchmark table); without it the column stays empty for older logs. */
  readonly isoClassOf?: (ops: readonly number[]) => number | null;
}

export class TrialRows {
  private readonly trials = new Map<number, TrialState>();
  private readonly order: number[] = [];
  readonly dirtyTrials = new Set<number>();
  readonly dirtyCurves = new Set<number>();
  /** Every rung level seen (bracket shapes and trial targets): curves keep these epochs. */
  readonly rungLevels = new Set<number>();
  /** Set when some trial reported its error at a rung level (correlations need recomputing). */
  levelsChanged = false;
  epochsTrained = 0;
  fallbacks = 0;

  constructor(private readonly bracketTypes: ReadonlyMap<number, number>, private readonly options: TrialRowsOptions = {}) {}

  get size(): number {
    return this.trials.size;
  }

  add(event: StudyEvent): void {
    switch (event.type) {
      case 'trialStarted': this.start(event); return;
      case 'result': this.result(event.trialId, event.time, event.epoch, event.error, event.elapsed); return;
      case 'trialPaused': this.setStatus(event.trialId, event.time, 'paused'); return;
      case 'trialResumed': {
        const state = this.trials.get(event.trialId);
        if (!state) return;
        state.row.rung++;
        state.untilEpoch = event.untilEpoch;
        this.rungLevels.add(event.untilEpoch);
        this.setStatus(event.trialId, event.time, 'running');
        return;
      }
      case 'trialStopped': {
        const state = this.trials.get(event.trialId);
        if (state) state.row.stopReason = event.reason;
        this.setStatus(event.trialId, event.time, statusOfStop(event.reason));
        return;
      }
      case 'bracketOpened':
        for (const rung of event.rungs) this.rungLevels.add(rung.level);
        return;
      default:
    }
  }

  /** Trial ids in start order (the simulator numbers trials densely as it starts them). */
  ids(): readonly number[] {
    return this.order;
  }

  /** Copies of every row, in trial id order (what the exports list). */
  rows(): TrialRow[] {
    return [...this.trials.keys()].sort((a, b) => a - b).map((id) => this.row(id) as TrialRow);
  }

  row(id: number): TrialRow | undefined {
    const state = this.trials.get(id);
    return state ? { ...state.row } : undefined;
  }

  /** What rung correlation and calibration read: errors at rung levels and the surrogate's prediction. */
  prediction(id: number): TrialPrediction | undefined {
    const state = this.trials.get(id);
    if (!state) return undefined;
    const { predictedMean, predictedStd, level } = state.row;
    return { id, levelErrors: state.levelErrors, predictedMean, predictedStd, level };
  }

  /** The curve's kept epochs plus the latest one (until a later result passes it). */
  curve(id: number): TrialCurve | undefined {
    const state = this.trials.get(id);
    if (!state) return undefined;
    const epochs = state.keptEpochs.slice();
    const errors = state.keptErrors.slice();
    const { epochs: last, error } = state.row;
    if (last > 0 && last !== epochs[epochs.length - 1]) {
      epochs.push(last);
      errors.push(error);
    }
    return { id, bracketType: state.row.bracketType, epochs, errors };
  }

  /**
   * Every epoch the trial trained, undecimated: the selected trial's own curve, on which its best
   * error must appear (the decimated curve can skip the epoch of the best). Epochs without a
   * result (none in a normal log) are left out.
   */
  fullCurve(id: number): TrialCurve | undefined {
    const state = this.trials.get(id);
    if (!state) return undefined;
    const epochs: number[] = [], errors: (number | null)[] = [];
    state.allErrors.forEach((error, i) => { epochs.push(i + 1); errors.push(error); });
    return { id, bracketType: state.row.bracketType, epochs, errors };
  }

  /** Ops of a trial's cell, for incumbent steps. */
  opsOf(id: number): readonly number[] | undefined {
    return this.trials.get(id)?.row.ops;
  }

  private start(event: TrialStartedEvent): void {
    const info = event.info ?? {};
    const row: Mutable<TrialRow> = {
      id: event.trialId, arch: event.arch, ops: event.ops, bracket: event.bracket,
      bracketType: this.bracketTypes.get(event.bracket) ?? null, rung: 0, epochs: 0, seed: event.seed,
      iso: event.isoClass ?? this.options.isoClassOf?.(event.ops) ?? null,
      source: typeof info.source === 'string' ? info.source : null,
      predictedMean: numberOrNull(info.predictedMean), predictedStd: numberOrNull(info.predictedStd),
      ei: numberOrNull(info.ei), level: numberOrNull(info.level),
      callIds: Array.isArray(info.callIds) ? info.callIds.filter((c): c is string => typeof c === 'string') : [],
      error: null, bestError: null, bestErrorEpoch: null, results: 0, status: 'running', stopReason: null,
      fallback: event.fallback === true, startTime: event.time, lastTime: event.time, elapsed: 0, info: event.info ?? null,
    };
    if (!this.trials.has(event.trialId)) this.order.push(event.trialId);
    this.trials.set(event.trialId, { row, untilEpoch: event.untilEpoch, keptEpochs: [], keptErrors: [], allErrors: [], levelErrors: new Map() });
    this.rungLevels.add(event.untilEpoch);
    if (row.fallback) this.fallbacks++;
    this.dirtyTrials.add(event.trialId);
  }

  private result(id: number, time: number, epoch: number, error: number | null, elapsed: number): void {
    const state = this.trials.get(id);
    if (!state) return;
    const row = state.row;
    row.results++;
    row.lastTime = time;
    if (epoch > row.epochs) {
      this.epochsTrained += epoch - row.epochs;
      row.epochs = epoch;
      row.error = error;
      row.elapsed = elapsed;
      state.allErrors[epoch - 1] = error;
      if (isKeptEpoch(epoch, this.rungLevels)) {
        state.keptEpochs.push(epoch);
        state.keptErrors.push(error);
      }
    }
    if (error !== null && (row.bestError === null || error < row.bestError)) {
      row.bestError = error;
      row.bestErrorEpoch = epoch;
    }
    if (epoch === state.untilEpoch) {
      state.levelErrors.set(epoch, error);
      this.levelsChanged = true;
    }
    this.dirtyTrials.add(id);
    this.dirtyCurves.add(id);
  }

  private setStatus(id: number, time: number, status: TrialStatus): void {
    const state = this.trials.get(id);
    if (!state) return;
    state.row.status = status;
    state.row.lastTime = time;
    this.dirtyTrials.add(id);
  }
}

function statusOfStop(reason: TrialStopReason): TrialStatus {
  return reason === 'completed' ? 'completed' : reason === 'failed' ? 'failed' : 'stopped';
}

function numberOrNull(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}
