/**
 * Folds one study's event stream into the panel's view models, incrementally: `add` takes events as
 * they come (constant work per event), `snapshot` gives the whole model (after the webview says
 * ready), `takeDelta` what changed since the last snapshot or delta (sent at most every ~100 ms).
 * Runs in the extension host (or the worker), so the webview only draws. It also answers the
 * webview's requests for the full text of an LLM call and for a search over all of them.
 */
import { parseArchString } from '../nb201/searchSpace';
import type { StudyEvent } from '../events/studyEvents';
import { LlmTally } from '../study/llmTally';
import { changedEdges } from './cellPaths';
import { incumbentSeries, type IncumbentRun } from './incumbentSeries';
import { LlmCallIndex } from './llmCallIndex';
import type {
  CalibrationModel, IncumbentSeries, IncumbentStep, LlmCallText, LlmSearchHit, OverviewModel, PanelDelta, PanelModel,
  RungPairCorrelation, TrialCurve, TrialView,
} from './panelModel';
import { rungCorrelations, surrogateCalibration, type Prediction } from './rungCorrelation';
import { RungLedgerFold } from './rungLedgerFold';
import { TrialFold, type TrialFoldOptions } from './trialFold';

export interface PanelModelBuilderOptions extends TrialFoldOptions {
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

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

export class PanelModelBuilder {
  private readonly ledger = new RungLedgerFold();
  private readonly trials: TrialFold;
  private readonly llm = new LlmCallIndex();
  private readonly tally = new LlmTally();
  private readonly path: IncumbentStep[] = [];
  private readonly trace = { time: [] as number[], error: [] as number[] };
  private readonly head: Mutable<Omit<OverviewModel, 'trials' | 'results' | 'epochs' | 'fallbacks' | 'llm' | 'series'>> = {
    studyId: '', searcher: '', scheduler: '', seed: null, table: null, optimumError: null, budgetSeconds: null,
    simulatedSeconds: 0, finished: false, incumbent: null,
  };
  private results = 0;
  private companions: readonly IncumbentRun[];
  private companionSeries: IncumbentSeries[] | undefined;
  private pathChanged = false;
  private eventsSinceDelta = 0;
  private deltasSinceAnalysis = 0;

  constructor(private readonly options: PanelModelBuilderOptions = {}) {
    this.trials = new TrialFold(this.ledger.bracketTypes, options);
    this.companions = options.companions ?? [];
  }

  add(events: Iterable<StudyEvent>): void {
    for (const event of events) this.addOne(event);
  }

  setCompanions(runs: readonly IncumbentRun[]): void {
    this.companions = runs;
    this.companionSeries = undefined;
    this.eventsSinceDelta++;
  }

  /** This study's incumbent trace, for other panels to draw as a companion. */
  incumbentRun(): IncumbentRun {
    return {
      label: this.label, seed: this.head.seed ?? 0, time: this.trace.time.slice(), error: this.trace.error.slice(),
      endTime: this.head.simulatedSeconds,
    };
  }

  /** The whole model; what changed before it is not repeated in the next delta. */
  snapshot(): PanelModel {
    this.clearChanges();
    this.deltasSinceAnalysis = 0;
    const ids = this.trials.ids();
    return {
      overview: this.overview(),
      trials: ids.map((id) => this.trials.view(id) as TrialView),
      curves: ids.map((id) => this.trials.curve(id) as TrialCurve),
      marks: this.ledger.marks.slice(0),
      ledger: this.ledger.ledger(),
      incumbentPath: this.path.slice(),
      llmCalls: this.llm.summaries(),
      ...this.analysis(),
    };
  }

  /**
   * What changed since the last snapshot or delta; undefined when nothing did, unless `always` (a
   * status change without events, e.g. a failed worker, still needs a message for the new headline).
   */
  takeDelta(always = false): PanelDelta | undefined {
    if (this.eventsSinceDelta === 0 && !always) return undefined;
    this.deltasSinceAnalysis++;
    const analysisDue = this.trials.levelsChanged &&
      (this.head.finished || this.deltasSinceAnalysis >= (this.options.analysisEveryDeltas ?? 5));
    const trialIds = [...this.trials.dirtyTrials];
    const curveIds = [...this.trials.dirtyCurves];
    const delta: PanelDelta = {
      overview: this.overview(),
      trials: trialIds.map((id) => this.trials.view(id) as TrialView),
      curves: curveIds.map((id) => this.trials.curve(id) as TrialCurve),
      marks: this.ledger.marks.slice(this.ledger.marks.taken),
      llmCalls: [...this.llm.dirty].map((id) => this.llm.summary(id)).filter((s) => s !== undefined),
      ...(this.ledger.changed ? { ledger: this.ledger.ledger() } : {}),
      ...(this.pathChanged ? { incumbentPath: this.path.slice() } : {}),
      ...(analysisDue ? this.analysis() : {}),
    };
    const levelsPending = this.trials.levelsChanged && !analysisDue;
    if (analysisDue) this.deltasSinceAnalysis = 0;
    this.clearChanges();
    this.trials.levelsChanged = levelsPending;
    return delta;
  }

  llmCallText(callId: string): LlmCallText | undefined {
    return this.llm.text(callId);
  }

  searchLlmCalls(query: string, limit?: number): LlmSearchHit[] {
    return this.llm.search(query, limit);
  }

  private get label(): string {
    return this.options.label ?? (this.head.searcher || 'study');
  }

  private addOne(event: StudyEvent): void {
    this.eventsSinceDelta++;
    if (event.time > this.head.simulatedSeconds) this.head.simulatedSeconds = event.time;
    this.ledger.add(event);
    this.trials.add(event);
    this.tally.sink(event);
    switch (event.type) {
      case 'studyStarted': {
        const spec = (event.spec ?? {}) as { searcher?: unknown; scheduler?: unknown; seed?: unknown; budgetSeconds?: unknown };
        this.head.studyId = event.studyId;
        this.head.searcher = typeof spec.searcher === 'string' ? spec.searcher : '';
        this.head.scheduler = typeof spec.scheduler === 'string' ? spec.scheduler : '';
        this.head.seed = typeof spec.seed === 'number' ? spec.seed : null;
        this.head.budgetSeconds = typeof spec.budgetSeconds === 'number' ? spec.budgetSeconds : null;
        this.head.table = { label: event.table.label, kind: event.table.kind, provenanceNote: event.table.provenanceNote };
        this.head.optimumError = event.optimumError;
        return;
      }
      case 'trialStarted': {
        const callIds = event.info?.callIds;
        if (Array.isArray(callIds)) this.llm.linkTrial(event.trialId, callIds.filter((c): c is string => typeof c === 'string'));
        return;
      }
      case 'result': this.results++; return;
      case 'llmCall': this.llm.add(event); return;
      case 'incumbentChanged': this.addIncumbent(event.trialId, event.time, event.epoch, event.error, event.arch); return;
      case 'studyFinished': case 'studyError': this.head.finished = true; return;
      default:
    }
  }

  private addIncumbent(trialId: number, time: number, epoch: number, error: number, arch: string): void {
    this.head.incumbent = { trialId, epoch, error, arch };
    this.trace.time.push(time);
    this.trace.error.push(error);
    const ops = this.trials.opsOf(trialId) ?? safeParse(arch);
    const previous = this.path[this.path.length - 1];
    this.path.push({ trialId, time, epoch, error, arch, ops, changedEdges: previous ? changedEdges(previous.ops, ops) : [] });
    this.pathChanged = true;
  }

  private overview(): OverviewModel {
    return {
      ...this.head,
      trials: this.trials.size, results: this.results, epochs: this.trials.epochsTrained, fallbacks: this.trials.fallbacks,
      llm: this.llm.size > 0 ? { ...this.tally.totals } : null,
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
    const predictions: Prediction[] = this.trials.ids().map((id) => this.trials.prediction(id) as Prediction);
    return { correlation: rungCorrelations(predictions), calibration: surrogateCalibration(predictions) };
  }

  private clearChanges(): void {
    this.trials.dirtyTrials.clear();
    this.trials.dirtyCurves.clear();
    this.trials.levelsChanged = false;
    this.ledger.marks.taken = this.ledger.marks.trialIds.length;
    this.ledger.changed = false;
    this.llm.dirty.clear();
    this.pathChanged = false;
    this.eventsSinceDelta = 0;
  }
}

function safeParse(arch: string): readonly number[] {
  try {
    return parseArchString(arch);
  } catch {
    return [0, 0, 0, 0, 0, 0];
  }
}
