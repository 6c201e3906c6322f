/**
 * Folds trial events into the trials table rows, the decimated learning curves and each trial's error
 * at the rung levels it trained to (what rung correlation and surrogate calibration compare). Constant
 * work per event; remembers which trials changed so deltas carry only those.
 */
import type { StudyEvent, TrialStartedEvent } from '../events/studyEvents';
import { isKeptEpoch } from './curveDecimation';
import type { TrialCurve, TrialView, TrialViewStatus } from './panelModel';
import type { Prediction } from './rungCorrelation';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

interface TrialState {
  readonly view: Mutable<TrialView>;
  /** Epoch the trial trains to before the scheduler decides again (a rung level). */
  untilEpoch: number;
  readonly keptEpochs: number[];
  readonly keptErrors: (number | null)[];
  lastEpoch: number;
  lastError: number | null;
  /** Error at each rung level the trial reached. */
  readonly levelErrors: Map<number, number | null>;
}

export interface TrialFoldOptions {
  /** Isomorphism class of a cell (e.g. from the benchmark table); without it the column stays empty. */
  readonly isoClassOf?: (ops: readonly number[]) => number | null;
}

export class TrialFold {
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

  constructor(private readonly bracketTypes: ReadonlyMap<number, number>, private readonly options: TrialFoldOptions = {}) {}

  get size(): number {
    return this.trials.size;
  }

  add(event: StudyEvent): void {
    switch (event.type) {
      case 'trialStarted': this.start(event); return;
      case 'result': this.result(event.trialId, event.epoch, event.error); return;
      case 'trialPaused': this.setStatus(event.trialId, 'paused'); return;
      case 'trialResumed': {
        const state = this.trials.get(event.trialId);
        if (!state) return;
        state.view.rung++;
        state.untilEpoch = event.untilEpoch;
        this.rungLevels.add(event.untilEpoch);
        this.setStatus(event.trialId, 'running');
        return;
      }
      case 'trialStopped':
        this.setStatus(event.trialId, event.reason === 'completed' ? 'completed' : event.reason === 'failed' ? 'failed' : 'stopped');
        return;
      case 'bracketOpened':
        for (const rung of event.rungs) this.rungLevels.add(rung.level);
        return;
      default:
    }
  }

  /** Trial ids in start order. */
  ids(): readonly number[] {
    return this.order;
  }

  /** What rung correlation and calibration read: errors at rung levels and the surrogate's prediction. */
  prediction(id: number): Prediction | undefined {
    const state = this.trials.get(id);
    if (!state) return undefined;
    const { predictedMean, predictedStd, level } = state.view;
    return { id, levelErrors: state.levelErrors, predictedMean, predictedStd, level };
  }

  view(id: number): TrialView | undefined {
    const state = this.trials.get(id);
    return state ? { ...state.view } : undefined;
  }

  curve(id: number): TrialCurve | undefined {
    const state = this.trials.get(id);
    if (!state) return undefined;
    const epochs = state.keptEpochs.slice();
    const errors = state.keptErrors.slice();
    if (state.lastEpoch > 0 && state.lastEpoch !== epochs[epochs.length - 1]) {
      epochs.push(state.lastEpoch);
      errors.push(state.lastError);
    }
    return { id, bracketType: state.view.bracketType, epochs, errors };
  }

  /** Ops of a trial's cell, for incumbent steps. */
  opsOf(id: number): readonly number[] | undefined {
    return this.trials.get(id)?.view.ops;
  }

  private start(event: TrialStartedEvent): void {
    const info = event.info ?? {};
    const view: Mutable<TrialView> = {
      id: event.trialId, arch: event.arch, ops: event.ops, bracket: event.bracket,
      bracketType: this.bracketTypes.get(event.bracket) ?? null, rung: 0, epochs: 0, seed: event.seed,
      iso: event.isoClass ?? this.options.isoClassOf?.(event.ops) ?? null,
      source: typeof info.source === 'string' ? info.source : null,
      predictedMean: numberOrNull(info.predictedMean), predictedStd: numberOrNull(info.predictedStd),
      ei: numberOrNull(info.ei), level: numberOrNull(info.level),
      callIds: Array.isArray(info.callIds) ? info.callIds.filter((c): c is string => typeof c === 'string') : [],
      error: null, bestError: null, status: 'running', fallback: event.fallback === true, startTime: event.time,
    };
    if (!this.trials.has(event.trialId)) this.order.push(event.trialId);
    this.trials.set(event.trialId, {
      view, untilEpoch: event.untilEpoch, keptEpochs: [], keptErrors: [], lastEpoch: 0, lastError: null, levelErrors: new Map(),
    });
    this.rungLevels.add(event.untilEpoch);
    if (view.fallback) this.fallbacks++;
    this.dirtyTrials.add(event.trialId);
  }

  private result(id: number, epoch: number, error: number | null): void {
    const state = this.trials.get(id);
    if (!state) return;
    const view = state.view;
    if (epoch > view.epochs) {
      this.epochsTrained += epoch - view.epochs;
      view.epochs = epoch;
      view.error = error;
    }
    if (error !== null && (view.bestError === null || error < view.bestError)) view.bestError = error;
    if (epoch > state.lastEpoch) {
      state.lastEpoch = epoch;
      state.lastError = error;
      if (isKeptEpoch(epoch, this.rungLevels)) {
        state.keptEpochs.push(epoch);
        state.keptErrors.push(error);
      }
    }
    if (epoch === state.untilEpoch) {
      state.levelErrors.set(epoch, error);
      this.levelsChanged = true;
    }
    this.dirtyTrials.add(id);
    this.dirtyCurves.add(id);
  }

  private setStatus(id: number, status: TrialViewStatus): void {
    const state = this.trials.get(id);
    if (!state) return;
    state.view.status = status;
    this.dirtyTrials.add(id);
  }
}

function numberOrNull(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}
