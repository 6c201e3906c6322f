/**
 * The panel's view models as a projection of the study's read model, incrementally: `add` folds events
 * as they come (constant work per event), `snapshot` gives the whole model (after the webview says
 * ready), `takeDelta` what changed since the last snapshot or delta (sent at most every ~100 ms).
 * Runs in the extension host (or the worker), so the webview only draws. It also answers the
 * webview's requests for the full text of an LLM call and for a search over all of them.
 */
import type { StudyEvent } from '../events/studyEvents';
import type { LlmSearchOptions } from '../readModel/llmCallIndex';
import { StudyReadModel, type StudyReadModelOptions } from '../readModel/studyReadModel';
import type { TrialPrediction } from '../readModel/trialRows';
import { incumbentSeries, type IncumbentRun } from './incumbentSeries';
import type {
  CalibrationModel, IncumbentSeries, LlmCallText, LlmSearchHit, OverviewModel, PanelDelta, PanelModel,
  RungPairCorrelation, TrialCurve, TrialView,
} from './panelModel';
import { rungCorrelations, surrogateCalibration } from './rungCorrelation';

export interface PanelModelBuilderOptions extends StudyReadModelOptions {
  /** Incumbent traces of other studies drawn beside this one (other seeds and searchers of a comparison). */
  readonly companions?: readonly IncumbentRun[];
  /** This study's line label in the overview (default: its searcher). */
  readonly label?: string;
  /**
   * Rung correlation and calibration are recomputed over every trial; a delta carries them at most
   * every this many deltas (default 5: twice a second at the host's 100 ms pace), and always at the end.
   */
  readonly analysisEveryDeltas?: number;
}

export class PanelModelBuilder {
  private readonly model: StudyReadModel;
  private companions: readonly IncumbentRun[];
  private companionSeries: IncumbentSeries[] | undefined;
  private eventsSinceDelta = 0;
  private deltasSinceAnalysis = 0;

  constructor(private readonly options: PanelModelBuilderOptions = {}) {
    this.model = new StudyReadModel(options);
    this.companions = options.companions ?? [];
  }

  add(events: Iterable<StudyEvent>): void {
    for (const event of events) {
      this.eventsSinceDelta++;
      this.model.add(event);
    }
  }

  setCompanions(runs: readonly IncumbentRun[]): void {
    this.companions = runs;
    this.companionSeries = undefined;
    this.eventsSinceDelta++;
  }

  /**
   * This study's incumbent trace (the overview's own line; other panels draw it as a companion). A result
   * that beats the trace is followed by its incumbentChanged event, but a batch of events can end between
   * the two (the worker sends the batch with the first result at once, ending at that result): the trace
   * then ends at the best result so far, reported at the latest event's time (that result's), so the
   * line and the headline's "best at any epoch" agree in every delta.
   */
  incumbentRun(): IncumbentRun {
    const { incumbent, study, simulatedSeconds, result } = this.model;
    const time = incumbent.time.slice(), error = incumbent.error.slice();
    const best = result.current.bestAtAnyEpoch;
    if (best && best.error < (error[error.length - 1] ?? Infinity)) {
      time.push(simulatedSeconds);
      error.push(best.error);
    }
    return { label: this.label, seed: study?.seed ?? 0, time, error, endTime: simulatedSeconds };
  }

  /** The whole model; what changed before it is not repeated in the next delta. */
  snapshot(): PanelModel {
    this.clearChanges();
    this.deltasSinceAnalysis = 0;
    const { trials, ledger, incumbent, llmCalls } = this.model;
    const ids = trials.ids();
    return {
      overview: this.overview(),
      trials: ids.map((id) => trials.row(id) as TrialView),
      curves: ids.map((id) => trials.curve(id) as TrialCurve),
      marks: ledger.marks.slice(0),
      ledger: ledger.ledger(),
      incumbentPath: incumbent.steps.slice(),
      llmCalls: llmCalls.summaries(),
      ...this.analysis(),
    };
  }

  /**
   * What changed since the last snapshot or delta; undefined when nothing did, unless `always` (a
   * status change without events, e.g. a failed worker, still needs a message for the new headline).
   */
  takeDelta(always = false): PanelDelta | undefined {
    if (this.eventsSinceDelta === 0 && !always) return undefined;
    const { trials, ledger, incumbent, llmCalls } = this.model;
    this.deltasSinceAnalysis++;
    const analysisDue = trials.levelsChanged &&
      (this.model.ended || this.deltasSinceAnalysis >= (this.options.analysisEveryDeltas ?? 5));
    const delta: PanelDelta = {
      overview: this.overview(),
      trials: [...trials.dirtyTrials].map((id) => trials.row(id) as TrialView),
      curves: [...trials.dirtyCurves].map((id) => trials.curve(id) as TrialCurve),
      marks: ledger.marks.slice(ledger.marks.taken),
      llmCalls: [...llmCalls.dirty].map((id) => llmCalls.summary(id)).filter((s) => s !== undefined),
      ...(ledger.changed ? { ledger: ledger.ledger() } : {}),
      ...(incumbent.changed ? { incumbentPath: incumbent.steps.slice() } : {}),
      ...(analysisDue ? this.analysis() : {}),
    };
    const levelsPending = trials.levelsChanged && !analysisDue;
    if (analysisDue) this.deltasSinceAnalysis = 0;
    this.clearChanges();
    trials.levelsChanged = levelsPending;
    return delta;
  }

  /** A trial's learning curve with every epoch it trained (the model's curves are decimated). */
  trialCurve(trialId: number): TrialCurve | undefined {
    return this.model.trials.fullCurve(trialId);
  }

  llmCallText(callId: string): LlmCallText | undefined {
    return this.model.llmCalls.text(callId);
  }

  searchLlmCalls(query: string, limit?: number, options?: LlmSearchOptions): LlmSearchHit[] {
    return this.model.llmCalls.search(query, limit, options);
  }

  private get label(): string {
    return this.options.label ?? (this.model.study?.searcher || 'study');
  }

  private overview(): OverviewModel {
    const { study, trials, incumbent, llmCalls } = this.model;
    const last = incumbent.steps[incumbent.steps.length - 1];
    return {
      studyId: study?.studyId ?? '', searcher: study?.searcher ?? '', scheduler: study?.scheduler ?? '',
      seed: study?.seed ?? null, table: study ? { ...study.table } : null, optimumError: study?.optimumError ?? null,
      budgetSeconds: study?.budgetSeconds ?? null, simulatedSeconds: this.model.simulatedSeconds, finished: this.model.ended,
      incumbent: last ? { trialId: last.trialId, epoch: last.epoch, error: last.error, arch: last.arch } : null,
      result: this.model.result.headline,
      trials: trials.size, results: this.model.results, epochs: trials.epochsTrained, fallbacks: trials.fallbacks,
      llm: llmCalls.size > 0 ? { ...this.model.llmTally.totals } : null,
      delay: this.model.finished?.delay ?? null,
      series: this.series(),
    };
  }

  private series(): IncumbentSeries[] {
    const own = this.incumbentRun();
    const sameLabel = this.companions.filter((r) => r.label === own.label);
    const others = this.companions.filter((r) => r.label !== own.label);
    this.companionSeries ??= incumbentSeries(others);
    return [...incumbentSeries([own, ...sameLabel]), ...this.companionSeries];
  }

  /** Rung correlation and surrogate calibration, from every trial's errors at its rung levels. */
  private analysis(): { correlation: RungPairCorrelation[]; calibration: CalibrationModel } {
    const { trials } = this.model;
    const predictions = trials.ids().map((id) => trials.prediction(id) as TrialPrediction);
    return { correlation: rungCorrelations(predictions), calibration: surrogateCalibration(predictions) };
  }

  private clearChanges(): void {
    const { trials, ledger, incumbent, llmCalls } = this.model;
    trials.dirtyTrials.clear();
    trials.dirtyCurves.clear();
    trials.levelsChanged = false;
    ledger.marks.taken = ledger.marks.trialIds.length;
    ledger.changed = false;
    llmCalls.dirty.clear();
    incumbent.changed = false;
    this.eventsSinceDelta = 0;
  }
}
