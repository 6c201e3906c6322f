import { isValidCell, toArchString } from '../nb201/searchSpace';
import type { SeededRandom } from '../random/seededRandom';
import type { Job, NewTrialJob, ResumeJob } from '../schedulers/scheduler';
import type { Suggestion } from '../searchers/searcher';
import type { StudyEventDraft } from '../events/studyEvents';
import { ArrivalQueue } from './arrivalQueue';
import { clockModelFor, type ClockModel } from './clockModel';
import { DecisionLedger } from './decisionLedger';
import { assertDecisionTimeSettings, chargedDecisionSeconds, spentDecisionSeconds } from './decisionTime';
import { EventLoopYield } from './eventLoopYield';
import { IncumbentTracker } from './incumbentTracker';
import { ProgressMeter } from './progressMeter';
import type { SimulationOptions, SimulationSummary, StopReason } from './simulationOptions';
import { WorkerState, TrialTable } from './trialTable';

const ABORTED = Symbol('aborted');

/**
 * The simulated tuner of one study. `now` is the tuner's clock: it only moves forward, to the next
 * result arrival, by charged decision time, and (Syne Tune mode) by polls and pause costs. Every
 * event carries `now`, so the stream is ordered in time. Workers train independently: a trial's
 * epochs end at run start + k * epochSeconds, whatever the tuner is doing. A running trial always
 * has exactly one arrival queued: its next epoch.
 */
export class StudySimulation {
  private now = 0;
  private freeWorkers: number;
  private nextTrialId = 0;
  private resultsReported = 0;
  private stopReason: StopReason | null = null;
  private readonly queue = new ArrivalQueue();
  private readonly decisions = new DecisionLedger();
  private readonly eventLoop = new EventLoopYield();
  private readonly trials = new TrialTable();
  private readonly clock: ClockModel;
  private readonly seedRng: SeededRandom;
  private readonly incumbent: IncumbentTracker;
  private readonly progress: ProgressMeter;
  private readonly budget: number;
  private readonly maxTrials: number;
  private readonly rMax: number;
  private readonly wallClockMs: () => number;
  /** Which of the events a study's result does not depend on are read (SimulationOptions.readOnly); unread ones are only counted. */
  private readonly reads: Readonly<Record<ReportedEventType, boolean>>;

  constructor(private readonly o: SimulationOptions) {
    if (!(Number.isInteger(o.workers) && o.workers >= 1)) throw new RangeError(`workers must be a positive integer, got ${o.workers}`);
    this.budget = o.stop.maxSimulatedSeconds ?? Infinity;
    this.maxTrials = o.stop.maxTrials ?? Infinity;
    if (!(this.budget > 0) || !(this.maxTrials >= 1)) throw new RangeError('stop.maxSimulatedSeconds must be > 0 and stop.maxTrials >= 1');
    if (!Number.isFinite(this.budget) && !Number.isFinite(this.maxTrials)) throw new RangeError('set stop.maxSimulatedSeconds or stop.maxTrials');
    assertDecisionTimeSettings(o.decisionTime);
    this.wallClockMs = o.wallClockMs ?? (() => performance.now());
    this.rMax = o.scheduler.options.rMax;
    if (this.rMax > o.benchmark.maxEpoch) throw new RangeError(`r_max ${this.rMax} exceeds the table's ${o.benchmark.maxEpoch} epochs`);
    this.freeWorkers = o.workers;
    this.clock = clockModelFor(o.clock);
    this.seedRng = o.rng.derive('trialSeeds');
    this.incumbent = new IncumbentTracker(this.rMax);
    this.progress = new ProgressMeter(this.budget, this.maxTrials);
    const read = (type: ReportedEventType) => !o.readOnly || o.readOnly.types.has(type);
    this.reads = {
      trialPaused: read('trialPaused'), trialStopped: read('trialStopped'), incumbentChanged: read('incumbentChanged'),
      progress: read('progress'), bracketOpened: read('bracketOpened'), rungCompleted: read('rungCompleted'),
    };
  }

  async run(): Promise<SimulationSummary> {
    if (this.clock.pollSeconds > 0) await this.runPolling(); else await this.runEventDriven();
    return this.finish();
  }

  /** React to every arrival the moment it happens. */
  private async runEventDriven(): Promise<void> {
    await this.fillWorkers();
    while (!this.stopReason) {
      const turn = this.eventLoop.due();
      if (turn) await turn;
      if (this.checkAbort()) break;
      if (this.queue.size === 0) { this.stopReason = this.exhaustedReason(); break; }
      // Everything that arrives at the same instant is seen before any worker gets a new job, so a
      // rung completed by a simultaneous result promotes instead of opening a bracket.
      const arrival = this.queue.peekTime();
      if (arrival > this.now) this.now = arrival;
      while (!this.stopReason && this.queue.size > 0 && this.queue.peekTime() === arrival) {
        this.handleArrival(this.queue.pop(), arrival);
        this.checkAbort();
      }
      if (this.freeWorkers > 0 && !this.stopReason) {
        const pending = this.fillWorkers();
        if (pending) await pending;
      }
    }
  }

  /** Syne Tune's Tuner loop: fetch what arrived, schedule free workers, else sleep one poll. */
  private async runPolling(): Promise<void> {
    const poll = this.clock.pollSeconds;
    while (!this.stopReason) {
      const turn = this.eventLoop.due();
      if (turn) await turn;
      if (this.checkAbort()) break;
      const fetchTime = this.now;
      while (!this.stopReason && this.queue.size > 0 && this.queue.peekTime() <= fetchTime) {
        const arrival = this.queue.peekTime();
        this.handleArrival(this.queue.pop(), arrival);
        this.checkAbort();
      }
      if (this.stopReason) break;
      if (this.freeWorkers > 0) {
        const before = this.freeWorkers;
        const pending = this.fillWorkers();
        if (pending) await pending;
        if (this.freeWorkers < before) continue;
      }
      if (this.queue.size === 0) { this.stopReason = this.exhaustedReason(); break; }
      // Sleeping until the next arrival is due, in whole polls, is the same as polling idly.
      this.now += poll * Math.max(1, Math.ceil((this.queue.peekTime() - this.now) / poll));
    }
  }

  private handleArrival(trialId: number, arrival: number): void {
    const { trials, o } = this;
    const epoch = ++trials.epochs[trialId];
    const seconds = trials.epochSeconds[trialId];
    const error = o.benchmark.validError(trials.tableIndex[trialId], trials.seeds[trialId], epoch);
    const failed = Number.isNaN(error);
    this.resultsReported++;
    o.emit({
      type: 'result', time: this.now, trialId, epoch, error: failed ? null : error,
      seed: trials.seeds[trialId], elapsed: epoch * seconds, runtime: seconds,
    });
    o.searcher.onResult({ trialId, cell: trials.cells[trialId], epoch, error });
    if (this.incumbent.update(trialId, epoch, error)) {
      if (this.reads.incumbentChanged) o.emit({ type: 'incumbentChanged', time: this.now, trialId, epoch, error, arch: trials.archs[trialId] });
      else this.countUnread();
    }
    this.reportProgress();
    // Syne Tune's simulated budget: stop at the first result registered after it.
    if (arrival > this.budget) { this.stopReason = 'budget'; return; }
    const decision = o.scheduler.onResult(trialId, epoch, error);
    if (failed) {
      this.release(trialId, WorkerState.Stopped, arrival);
      this.emitStopped(trialId, epoch, 'failed');
      o.searcher.onFailure(trialId, trials.cells[trialId]);
    } else if (decision === 'continue') {
      this.queue.push(trials.nextEpochEnd(trialId) + this.clock.resultDelay, trialId);
    } else if (decision === 'pause') {
      this.release(trialId, WorkerState.Paused, arrival);
      if (this.reads.trialPaused) o.emit({ type: 'trialPaused', time: this.now, trialId, epoch });
      else this.countUnread();
    } else {
      this.release(trialId, WorkerState.Stopped, arrival);
      this.emitStopped(trialId, epoch, epoch >= this.rMax ? 'completed' : 'notPromoted');
    }
    this.flushLedger();
  }

  /**
   * The trial leaves its worker, which has been free since its result arrived at `freedAt`; Syne Tune's
   * tuner spends time on the pause/stop round trip.
   */
  private release(trialId: number, state: WorkerState, freedAt: number): void {
    this.trials.state[trialId] = state;
    this.freeWorkers++;
    this.decisions.workerFreed(freedAt);
    this.now += this.clock.releaseCost;
  }

  /** Gives every free worker a job; returns a promise only when a searcher answers asynchronously. */
  private fillWorkers(): Promise<void> | undefined {
    while (this.freeWorkers > 0 && !this.stopReason) {
      if (this.checkAbort()) return undefined;
      const allowNew = this.nextTrialId < this.maxTrials;
      const job: Job | null = this.o.scheduler.nextJob(this.nextTrialId, allowNew);
      this.flushLedger();
      if (!job) return undefined;
      if (job.kind === 'resume') { this.resumeTrial(job); continue; }
      if (job.trialId !== this.nextTrialId) throw new Error(`scheduler bound trial id ${job.trialId}, expected ${this.nextTrialId}`);
      const wallStart = this.o.decisionTime.mode === 'measured' ? this.wallClockMs() : 0;
      const suggestion = this.o.searcher.suggest(job.evolution
        ? { trialId: job.trialId, bracket: job.bracket, level: job.level, slotsRemaining: job.slotsRemaining, time: this.now, evolution: job.evolution }
        : { trialId: job.trialId, bracket: job.bracket, level: job.level, slotsRemaining: job.slotsRemaining, time: this.now });
      if (isPromiseLike(suggestion)) {
        return this.settle(suggestion).then((settled) => {
          if (settled === ABORTED) { this.checkAbort(); return undefined; }
          this.startTrial(job, settled, wallStart);
          return this.fillWorkers();
        });
      }
      this.startTrial(job, suggestion, wallStart);
    }
    return undefined;
  }

  private startTrial(job: NewTrialJob, suggestion: Suggestion, wallStart: number): void {
    const { o, trials } = this;
    const trialId = job.trialId;
    if (!suggestion || !isValidCell(suggestion.cell)) {
      throw new Error(`searcher ${o.searcher.name} suggested no valid cell for trial ${trialId}: ${JSON.stringify(suggestion?.cell)}`);
    }
    const measured = o.decisionTime.mode === 'measured' ? (this.wallClockMs() - wallStart) / 1000 : 0;
    const charged = chargedDecisionSeconds(o.decisionTime, suggestion, measured);
    this.decisions.charge(this.now, charged, spentDecisionSeconds(o.decisionTime, suggestion, charged));
    this.now += charged;
    const cell = suggestion.cell.slice();
    const arch = toArchString(cell);
    const tableIndex = o.benchmark.indexOf(cell);
    const seed = this.seedRng.int(o.benchmark.numSeeds);
    const epochSeconds = o.benchmark.epochSeconds(tableIndex);
    if (!(epochSeconds > 0 && Number.isFinite(epochSeconds))) throw new RangeError(`epoch time of arch ${tableIndex} is ${epochSeconds}`);
    trials.add(trialId, cell, arch, tableIndex, seed, epochSeconds, job.bracket);
    this.nextTrialId++;
    // Optional fields are added in place, in the order the spread put them: no copy of the event.
    const started: Mutable<TrialStartedDraft> = {
      type: 'trialStarted', time: this.now, trialId, arch, ops: cell, isoClass: o.benchmark.isoClass(tableIndex),
      finalErrorMean: o.benchmark.finalErrorMean(tableIndex),
      bracket: job.bracket, untilEpoch: job.level, seed,
    };
    if (suggestion.fallback) started.fallback = true;
    if (suggestion.info) started.info = suggestion.info;
    o.emit(started);
    if (suggestion.fallback) {
      o.emit({ type: 'fallback', time: this.now, trialId, message: `searcher ${o.searcher.name} fell back for trial ${trialId}`, detail: suggestion.info });
    }
    o.searcher.onPending(trialId, cell);
    this.beginRun(trialId);
    this.reportProgress();
  }

  private resumeTrial(job: ResumeJob): void {
    const { trials } = this;
    const trialId = job.trialId;
    if (trials.state[trialId] !== WorkerState.Paused || trials.epochs[trialId] !== job.fromEpoch) {
      throw new Error(`cannot resume trial ${trialId} from epoch ${job.fromEpoch}: it is not paused there`);
    }
    this.o.emit({ type: 'trialResumed', time: this.now, trialId, bracket: job.bracket, fromEpoch: job.fromEpoch, untilEpoch: job.untilEpoch });
    this.beginRun(trialId);
  }

  private beginRun(trialId: number): void {
    this.freeWorkers--;
    this.decisions.workerStarted(this.now);
    const firstEpochEnd = this.trials.beginRun(trialId, this.now + this.clock.startDelay);
    this.queue.push(firstEpochEnd + this.clock.resultDelay, trialId);
  }

  /** Turns the scheduler's ledger into events; trials left out of a promotion stop for good. */
  private flushLedger(): void {
    const { o, trials } = this;
    const ledger = o.scheduler.takeLedger();
    // Indexed: a for-of here made two iterator results per call, and this runs after every result (~130 KiB a study).
    for (let k = 0; k < ledger.length; k++) {
      const entry = ledger[k];
      if (entry.type === 'bracketOpened') {
        if (this.reads.bracketOpened) {
          o.emit({ type: 'bracketOpened', time: this.now, bracket: entry.bracket, bracketType: entry.bracketType, rungs: entry.rungs.map((r) => ({ level: r.level, slots: r.slots })) });
        } else {
          this.countUnread();
        }
        continue;
      }
      // The ledger's entries are the scheduler's to give away (neither keeps them): the event takes their ranking
      // as it is unless a failed trial's NaN must read null, and their promoted list.
      if (this.reads.rungCompleted) {
        const ranking = entry.ranking.some((r) => Number.isNaN(r.error))
          ? entry.ranking.map((r) => ({ trialId: r.trialId, error: Number.isNaN(r.error) ? null : r.error }))
          : entry.ranking;
        o.emit({ type: 'rungCompleted', time: this.now, bracket: entry.bracket, rung: entry.rung, level: entry.level, ranking, promoted: entry.promoted });
      } else {
        this.countUnread();
      }
      if (entry.promoted.length === 0) continue;
      for (let i = entry.promoted.length; i < entry.ranking.length; i++) {
        const trialId = entry.ranking[i].trialId;
        if (trials.state[trialId] !== WorkerState.Paused) continue;
        trials.state[trialId] = WorkerState.Stopped;
        this.emitStopped(trialId, trials.epochs[trialId], 'notPromoted');
      }
    }
  }

  private reportProgress(): void {
    const fraction = this.progress.step(this.now, this.nextTrialId);
    if (fraction === null) return;
    if (this.reads.progress) {
      this.o.emit({
        type: 'progress', time: this.now, fraction, trialsStarted: this.nextTrialId, resultsReported: this.resultsReported,
        bestError: this.incumbent.bestErrorOrNull,
      });
    } else {
      this.countUnread();
    }
    this.o.onProgress?.({ fraction, trialsStarted: this.nextTrialId, resultsReported: this.resultsReported });
  }

  private emitStopped(trialId: number, epoch: number, reason: TrialStoppedDraft['reason']): void {
    if (this.reads.trialStopped) this.o.emit({ type: 'trialStopped', time: this.now, trialId, epoch, reason });
    else this.countUnread();
  }

  /** An event nobody reads (SimulationOptions.readOnly), at the current time: counted, not built. */
  private countUnread(): void {
    this.o.readOnly!.count(this.now);
  }

  private checkAbort(): boolean {
    const signal = this.o.signal;
    if (!signal?.aborted) return false;
    this.stopReason ??= signal.reason === 'llmBudget' ? 'llmBudget' : 'cancelled';
    return true;
  }

  /** Nothing runs and the scheduler has no job: only possible once no new trials may start. */
  private exhaustedReason(): StopReason {
    if (this.nextTrialId >= this.maxTrials) return 'maxTrials';
    throw new Error(`scheduler ${this.o.scheduler.kind} has no job while no trial is running`);
  }

  /** Awaits a suggestion, or gives up as soon as the study is cancelled. */
  private settle(pending: PromiseLike<Suggestion>): Promise<Suggestion | typeof ABORTED> {
    const signal = this.o.signal;
    if (!signal) return Promise.resolve(pending);
    if (signal.aborted) return Promise.resolve(ABORTED);
    return new Promise((resolve, reject) => {
      const onAbort = () => resolve(ABORTED);
      signal.addEventListener('abort', onAbort, { once: true });
      Promise.resolve(pending).then(
        (s) => { signal.removeEventListener('abort', onAbort); resolve(s); },
        (e: unknown) => { signal.removeEventListener('abort', onAbort); reject(e); },
      );
    });
  }

  private finish(): SimulationSummary {
    const { trials, o } = this;
    for (let trialId = 0; trialId < trials.count; trialId++) {
      if (trials.state[trialId] !== WorkerState.Running) continue;
      trials.state[trialId] = WorkerState.Stopped;
      this.emitStopped(trialId, trials.epochs[trialId], 'budget');
    }
    this.queue.clear();
    const summary: SimulationSummary = {
      trialsStarted: this.nextTrialId,
      resultsReported: this.resultsReported,
      bestError: this.incumbent.bestErrorOrNull,
      bestErrorAtMax: this.incumbent.bestAtMaxOrNull,
      incumbentArch: this.incumbent.incumbentTrial >= 0 ? trials.archs[this.incumbent.incumbentTrial] : null,
      simulatedSeconds: this.now,
      stopReason: this.stopReason ?? 'cancelled',
      decision: this.decisions.totals(this.now, this.freeWorkers, o.workers, Number.isFinite(this.budget) ? this.budget : this.now),
    };
    const fraction = this.progress.fraction(this.now, this.nextTrialId);
    if (this.reads.progress) {
      o.emit({ type: 'progress', time: this.now, fraction, trialsStarted: summary.trialsStarted, resultsReported: summary.resultsReported, bestError: summary.bestError });
    } else {
      this.countUnread();
    }
    o.onProgress?.({ fraction, trialsStarted: summary.trialsStarted, resultsReported: summary.resultsReported });
    return summary;
  }
}

function isPromiseLike<T>(value: T | PromiseLike<T>): value is PromiseLike<T> {
  return typeof (value as PromiseLike<T> | undefined)?.then === 'function';
}

type TrialStartedDraft = Extract<StudyEventDraft, { type: 'trialStarted' }>;
type TrialStoppedDraft = Extract<StudyEventDraft, { type: 'trialStopped' }>;
/** The events the simulation reports that a study's result is not folded from: nobody may read them. */
type ReportedEventType = 'trialPaused' | 'trialStopped' | 'incumbentChanged' | 'progress' | 'bracketOpened' | 'rungCompleted';
type Mutable<T> = { -readonly [K in keyof T]: T[K] };
