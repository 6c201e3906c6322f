/**
 * The one read model of a study: a single incremental fold over its event stream that every view and
 * export projects from (the panel's model and deltas, trials CSV/JSONL, the Syne Tune export, report.md
 * and its charts, the CLI and the extension export alike). `add` does constant work per event, so a
 * running study folds as its events arrive and a reopened 10k-event log folds in one pass; folding a
 * prefix and then the rest gives the same model as folding all at once.
 */
import type {
  StudyErrorEvent, StudyEvent, StudyFinishedEvent, StudyStartedEvent,
} from '../events/studyEvents';
import { LlmTally } from '../study/llmTally';
import { IncumbentPath } from './incumbentPath';
import { LlmCallIndex } from './llmCallIndex';
import { LlmComponentTotals } from './llmComponentTotals';
import { ResultLog, type LoggedResult } from './resultLog';
import { RungLedger } from './rungLedger';
import { StudyResultFold, type FinalErrorLookup } from './studyResult';
import { TrialRows, type TrialRowsOptions } from './trialRows';

export interface StudyReadModelOptions extends TrialRowsOptions {
  /** Seed-mean error at the table's last epoch, for the headline (DESIGN.md section 10). */
  readonly finalErrorOf?: FinalErrorLookup;
  /**
   * Receives every result with its decision, in report order, once it is settled (the Syne Tune export's
   * rows); call finishResults() after the last event. Off by default: the panel draws decimated curves,
   * and a long study has millions of results, so they are passed on, never kept.
   */
  readonly onResult?: (result: LoggedResult) => void;
}

/** What studyStarted says about the study: id, spec (and the fields of it every view shows), table and its optimum. */
export interface StudyIdentity extends Pick<StudyStartedEvent, 'studyId' | 'spec' | 'table' | 'optimumError'> {
  readonly searcher: string;
  readonly scheduler: string;
  readonly seed: number | null;
  readonly budgetSeconds: number | null;
}

export class StudyReadModel {
  readonly ledger = new RungLedger();
  readonly trials: TrialRows;
  readonly llmCalls = new LlmCallIndex();
  readonly llmTally = new LlmTally();
  readonly llmComponents = new LlmComponentTotals();
  readonly incumbent = new IncumbentPath();
  readonly result: StudyResultFold;
  /** Settles each result's decision for `onResult`; undefined without it. */
  private readonly resultLog: ResultLog | undefined;
  study: StudyIdentity | null = null;
  finished: StudyFinishedEvent | null = null;
  failure: StudyErrorEvent | null = null;
  events = 0;
  results = 0;
  /** Simulated seconds of the latest event. */
  simulatedSeconds = 0;

  constructor(options: StudyReadModelOptions = {}) {
    this.trials = new TrialRows(this.ledger.bracketTypes, options);
    this.result = new StudyResultFold(options.finalErrorOf);
    this.resultLog = options.onResult ? new ResultLog(options.onResult) : undefined;
  }

  /** The events ended: results with nothing after them go to `onResult` as InProgress. */
  finishResults(): void {
    this.resultLog?.finish();
  }

  static of(events: Iterable<StudyEvent>, options: StudyReadModelOptions = {}): StudyReadModel {
    return new StudyReadModel(options).addAll(events);
  }

  addAll(events: Iterable<StudyEvent>): this {
    for (const event of events) this.add(event);
    return this;
  }

  add(event: StudyEvent): void {
    this.events++;
    if (event.time > this.simulatedSeconds) this.simulatedSeconds = event.time;
    this.ledger.add(event);
    this.trials.add(event);
    this.llmTally.sink(event);
    this.llmComponents.add(event);
    this.result.add(event);
    this.resultLog?.add(event);
    switch (event.type) {
      case 'studyStarted':
        this.study = identityOf(event);
        return;
      case 'trialStarted': {
        const callIds = event.info?.callIds;
        if (Array.isArray(callIds)) this.llmCalls.linkTrial(event.trialId, callIds.filter((c): c is string => typeof c === 'string'));
        return;
      }
      case 'result': this.results++; return;
      case 'llmCall': this.llmCalls.add(event); return;
      case 'incumbentChanged': this.incumbent.add(event, this.trials.opsOf(event.trialId)); return;
      case 'studyFinished': this.finished = event; return;
      case 'studyError': this.failure = event; return;
      default:
    }
  }

  /** The study ended, one way or the other. */
  get ended(): boolean {
    return this.finished !== null || this.failure !== null;
  }
}

/** The spec is unknown in type (older logs, other tools): read only fields of the expected type. */
function identityOf(event: StudyStartedEvent): StudyIdentity {
  const spec = (typeof event.spec === 'object' && event.spec !== null ? event.spec : {}) as Record<string, unknown>;
  return {
    studyId: event.studyId, spec: event.spec, table: event.table, optimumError: event.optimumError,
    searcher: typeof spec.searcher === 'string' ? spec.searcher : '',
    scheduler: typeof spec.scheduler === 'string' ? spec.scheduler : '',
    seed: typeof spec.seed === 'number' ? spec.seed : null,
    budgetSeconds: typeof spec.budgetSeconds === 'number' ? spec.budgetSeconds : null,
  };
}
