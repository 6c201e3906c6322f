/**
 * What a study reports as its result (DESIGN.md section 10). NAS papers report the architecture a
 * search returns, trained for the full schedule: here the trial with the best error at r_max (else at
 * the highest rung level any trial reached), headlined by that cell's seed-mean error at the table's
 * last epoch and its regret against the optimum. The single-seed error the study observed sits beside
 * it; the best error at any epoch (Syne Tune's plotting rule) is a secondary figure only, because on
 * the bundled table epochs 1-199 are model-generated and noisy. Constant work per event.
 */
import type { StudyEventDraft, StudyEventType } from '../events/studyEvents';

/**
 * Seed-mean error at the table's last epoch of a cell (Benchmark.finalErrorMean), or null when unknown:
 * for logs whose trialStarted events do not record it (older logs).
 */
export type FinalErrorLookup = (ops: readonly number[]) => number | null;

export interface ReturnedArchitecture {
  readonly trialId: number;
  readonly arch: string;
  readonly ops: readonly number[];
  /** Epoch the choice was made at: r_max, or the highest rung level reached when no trial got there. */
  readonly epoch: number;
  readonly reachedMaxEpoch: boolean;
  /** The study's own single-seed error of the trial at `epoch`. */
  readonly observedError: number;
}

export interface BestAtAnyEpoch {
  readonly trialId: number;
  readonly arch: string;
  readonly epoch: number;
  readonly error: number;
}

/**
 * The headline as every view, the CLI text and its --json show it: the returned architecture, its
 * seed-mean error at the table's last epoch and regret, the observed single-seed error beside them,
 * and the best error at any epoch as the secondary figure.
 */
export interface ResultHeadline {
  readonly trialId: number;
  readonly arch: string;
  /** Seed-mean error at the table's last epoch (null when the log does not record it and no table was at hand). */
  readonly finalError: number | null;
  /** finalError minus the optimum, never negative. */
  readonly regret: number | null;
  /** The study's own single-seed error of the returned trial at `observedEpoch`. */
  readonly observedErrorAtMax: number;
  /** r_max, or the highest rung level reached when no trial got there (`reachedMaxEpoch` false). */
  readonly observedEpoch: number;
  readonly reachedMaxEpoch: boolean;
  readonly bestAnyEpoch: BestAtAnyEpoch | null;
}

export interface StudyResult {
  /** The spec's r_max (null before studyStarted). */
  readonly maxEpoch: number | null;
  readonly optimumError: number | null;
  readonly returned: ReturnedArchitecture | null;
  /** Seed-mean error of the returned cell at the table's last epoch (null without a lookup). */
  readonly seedMeanError: number | null;
  /** seedMeanError minus the optimum, never negative. */
  readonly regret: number | null;
  /** Secondary figure: the lowest error any trial reported at any epoch. */
  readonly bestAtAnyEpoch: BestAtAnyEpoch | null;
}

/**
 * The incumbent at r_max over simulated time, as a step function: one step each time a trial reports a
 * new best error at r_max, valued at that trial's seed-mean error at the table's last epoch (the
 * headline's quantity, so the line ends at the headline once a trial reached r_max). Steps whose seed
 * mean is unknown (older logs without a lookup) are left out.
 */
export interface IncumbentAtMaxPath {
  readonly time: readonly number[];
  readonly error: readonly number[];
}

interface Candidate {
  readonly trialId: number;
  readonly error: number;
}

export class StudyResultFold {
  /** The only event types `add` reads: a study's stream without sinks need not build any other (SimulationOptions.readOnly). */
  static readonly READS: ReadonlySet<StudyEventType> = new Set<StudyEventType>(['studyStarted', 'trialStarted', 'trialResumed', 'result']);

  private maxEpoch: number | null = null;
  private optimumError: number | null = null;
  private readonly trials = new Map<number, { arch: string; ops: readonly number[]; untilEpoch: number; finalErrorMean: number | null }>();
  /** Best error per rung level (results at a trial's decision epoch or at r_max), and per epoch of any result. */
  private readonly bestAtLevel = new Map<number, Candidate>();
  private readonly bestAtEpoch = new Map<number, Candidate>();
  private bestAny: Candidate & { epoch: number } | null = null;
  private readonly pathTime: number[] = [];
  private readonly pathError: number[] = [];

  constructor(private readonly finalError?: FinalErrorLookup) {}

  /** Takes numbered events or drafts: nothing here reads seq. */
  add(event: StudyEventDraft): void {
    switch (event.type) {
      case 'studyStarted': {
        const rMax = (event.spec as { rMax?: unknown } | null)?.rMax;
        this.maxEpoch = typeof rMax === 'number' ? rMax : null;
        this.optimumError = event.optimumError;
        return;
      }
      case 'trialStarted':
        this.trials.set(event.trialId, {
          arch: event.arch, ops: event.ops, untilEpoch: event.untilEpoch, finalErrorMean: event.finalErrorMean ?? null,
        });
        return;
      case 'trialResumed': {
        const trial = this.trials.get(event.trialId);
        if (trial) trial.untilEpoch = event.untilEpoch;
        return;
      }
      case 'result': {
        const trial = this.trials.get(event.trialId);
        if (!trial || event.error === null) return;
        const candidate = { trialId: event.trialId, error: event.error };
        if (event.epoch === this.maxEpoch && !(event.error >= (this.bestAtLevel.get(event.epoch)?.error ?? Infinity))) {
          this.extendPath(event.time, event.trialId);
        }
        keepBest(this.bestAtEpoch, event.epoch, candidate);
        if (event.epoch === trial.untilEpoch || event.epoch === this.maxEpoch) keepBest(this.bestAtLevel, event.epoch, candidate);
        if (this.bestAny === null || event.error < this.bestAny.error) this.bestAny = { ...candidate, epoch: event.epoch };
        return;
      }
      default:
    }
  }

  get current(): StudyResult {
    const returned = this.returned();
    const seedMeanError = returned ? this.seedMeanOf(returned.trialId) : null;
    const regret = seedMeanError !== null && this.optimumError !== null ? Math.max(0, seedMeanError - this.optimumError) : null;
    const any = this.bestAny;
    return {
      maxEpoch: this.maxEpoch, optimumError: this.optimumError, returned, seedMeanError, regret,
      bestAtAnyEpoch: any ? { trialId: any.trialId, arch: this.trials.get(any.trialId)?.arch ?? '', epoch: any.epoch, error: any.error } : null,
    };
  }

  /** The headline figures; null until a trial reports a result. */
  get headline(): ResultHeadline | null {
    const { returned, seedMeanError, regret, bestAtAnyEpoch } = this.current;
    if (!returned) return null;
    return {
      trialId: returned.trialId, arch: returned.arch, finalError: seedMeanError, regret,
      observedErrorAtMax: returned.observedError, observedEpoch: returned.epoch, reachedMaxEpoch: returned.reachedMaxEpoch,
      bestAnyEpoch: bestAtAnyEpoch,
    };
  }

  get incumbentAtMax(): IncumbentAtMaxPath {
    return { time: this.pathTime.slice(), error: this.pathError.slice() };
  }

  private extendPath(time: number, trialId: number): void {
    const error = this.seedMeanOf(trialId);
    if (error === null) return;
    this.pathTime.push(time);
    this.pathError.push(error);
  }

  /** What the trial's trialStarted recorded, else the lookup (older logs), else unknown. */
  private seedMeanOf(trialId: number): number | null {
    const trial = this.trials.get(trialId);
    if (!trial) return null;
    return trial.finalErrorMean ?? this.finalError?.(trial.ops) ?? null;
  }

  /** The best trial at the highest rung level reached; without any rung result, at the highest epoch reached. */
  private returned(): ReturnedArchitecture | null {
    const [epoch, best] = highest(this.bestAtLevel.size > 0 ? this.bestAtLevel : this.bestAtEpoch) ?? [];
    if (epoch === undefined || best === undefined) return null;
    const trial = this.trials.get(best.trialId);
    if (!trial) return null;
    return {
      trialId: best.trialId, arch: trial.arch, ops: trial.ops, epoch,
      reachedMaxEpoch: epoch === this.maxEpoch, observedError: best.error,
    };
  }
}

function keepBest(map: Map<number, Candidate>, epoch: number, candidate: Candidate): void {
  const held = map.get(epoch);
  if (held === undefined || candidate.error < held.error) map.set(epoch, candidate);
}

function highest(map: ReadonlyMap<number, Candidate>): [number, Candidate] | undefined {
  let top: [number, Candidate] | undefined;
  for (const entry of map) if (top === undefined || entry[0] > top[0]) top = entry;
  return top;
}
