/**
 * What the baseline searchers (random, BOHB-style KDE, regularized evolution, local search) share:
 * the initial design stream, the set of cells already suggested, one derived random stream per
 * suggestion, and pause/resume by replaying the searcher log.
 */
import * as z from 'zod';
import { cellCode, cellFromCode, NUM_CELLS, NUM_EDGES, NUM_OPS, type Cell } from '../nb201/searchSpace';
import type { SeededRandom } from '../random/seededRandom';
import { InitialDesignStream } from './initialDesign';
import type { Observation, Searcher, SearcherContext, Suggestion, SuggestRequest } from './searcher';
import { SearcherLog } from './searcherLog';

/** What a subclass proposes; `memo` (a non-negative integer) is logged and handed back on replay. */
export interface Proposal {
  readonly cell: Cell;
  readonly info?: Record<string, unknown>;
  readonly memo?: number;
}

const STATE_FORMAT = 'baseline-searcher/1';

const stateSchema = z.object({
  format: z.literal(STATE_FORMAT),
  searcher: z.string(),
  suggestCount: z.int().min(0),
  designPosition: z.int().min(0).max(NUM_CELLS),
  log: z.array(z.number().nullable()),
});

/** The JSON state of a baseline searcher: the log plus two counters. */
export type BaselineSearcherState = z.output<typeof stateSchema>;

/**
 * Base class of the baseline searchers. Determinism: the n-th suggestion draws only from
 * `context.rng.derive('suggest/' + n)` and from the shared initial design stream, and every other
 * piece of state is rebuilt from the log, so a restored searcher continues exactly like the original.
 * Subclasses must change their state only in `onSuggested`, `learn`, `noteFailure` and `reset`.
 */
export abstract class BaselineSearcher implements Searcher {
  abstract readonly name: string;

  /** Codes (cellCode) of every cell suggested by this searcher or reported pending to it. */
  protected readonly suggested = new Set<number>();
  private configured?: SearcherContext;
  private design?: InitialDesignStream;
  private log = new SearcherLog();
  private suggestCount = 0;

  configure(context: SearcherContext): void {
    this.configured = context;
    this.resetAll();
  }

  suggest(request: SuggestRequest): Suggestion {
    const rng = this.context.rng.derive(`suggest/${this.suggestCount}`);
    this.suggestCount++;
    const proposal = this.propose(rng, request);
    const code = cellCode(proposal.cell);
    const memo = proposal.memo ?? -1;
    this.log.suggested(code, memo);
    this.applySuggested(code, memo);
    return { cell: proposal.cell, fallback: false, info: proposal.info };
  }

  onPending(trialId: number, cell: Cell): void {
    const code = cellCode(cell);
    this.log.pending(trialId, code);
    this.suggested.add(code);
  }

  onResult(observation: Observation): void {
    this.log.result(observation.trialId, cellCode(observation.cell), observation.epoch, observation.error);
    this.learn(observation);
  }

  onFailure(trialId: number, cell: Cell): void {
    const code = cellCode(cell);
    this.log.failure(trialId, code);
    this.noteFailure(trialId, code);
  }

  state(): BaselineSearcherState {
    return {
      format: STATE_FORMAT,
      searcher: this.name,
      suggestCount: this.suggestCount,
      designPosition: this.designStream.position,
      log: this.log.toJSON(),
    };
  }

  /** Restores a state from `state()` of a searcher of the same kind; call after `configure`. */
  restore(state: unknown): void {
    const parsed = stateSchema.safeParse(state);
    if (!parsed.success) throw new Error(`not a baseline searcher state: ${parsed.error.message}`);
    const { searcher, suggestCount, designPosition } = parsed.data;
    if (searcher !== this.name) throw new Error(`state of searcher "${searcher}" cannot restore searcher "${this.name}"`);
    const log = SearcherLog.fromJSON(parsed.data.log);
    this.resetAll();
    this.designStream.advanceTo(designPosition);
    for (const entry of log.entries()) {
      switch (entry.kind) {
        case 'suggested': cellFromCode(entry.code); this.applySuggested(entry.code, entry.memo); break;
        case 'pending': cellFromCode(entry.code); this.suggested.add(entry.code); break;
        case 'result': this.learn({ trialId: entry.trialId, cell: cellFromCode(entry.code), epoch: entry.epoch, error: entry.error }); break;
        case 'failure': cellFromCode(entry.code); this.noteFailure(entry.trialId, entry.code); break;
      }
    }
    this.log = log;
    this.suggestCount = suggestCount;
  }

  protected get context(): SearcherContext {
    if (!this.configured) throw new Error(`searcher "${this.name}" used before configure()`);
    return this.configured;
  }

  /**
   * The next cell of the shared initial design stream this searcher has not suggested yet; once
   * all 15,625 cells are used, a uniform random cell (a duplicate is then unavoidable).
   */
  protected nextDesignCell(rng: SeededRandom): Cell {
    const cell = this.designStream.next((code) => this.suggested.has(code));
    return cell ?? Array.from({ length: NUM_EDGES }, () => rng.int(NUM_OPS));
  }

  protected abstract propose(rng: SeededRandom, request: SuggestRequest): Proposal;
  /** Clears all subclass state (configure and restore start from it). */
  protected abstract reset(): void;
  /** Takes one result into the subclass's model; NaN errors are for the subclass to ignore. */
  protected abstract learn(observation: Observation): void;
  /** A proposal was handed out (live or on replay). */
  protected onSuggested(_code: number, _memo: number): void {}
  protected noteFailure(_trialId: number, _code: number): void {}

  private get designStream(): InitialDesignStream {
    if (!this.design) throw new Error(`searcher "${this.name}" used before configure()`);
    return this.design;
  }

  private applySuggested(code: number, memo: number): void {
    this.suggested.add(code);
    this.onSuggested(code, memo);
  }

  private resetAll(): void {
    const context = this.context;
    this.design = new InitialDesignStream(context.initialDesignRng, (cell) => context.isoClassOf(cell));
    this.suggested.clear();
    this.log.clear();
    this.suggestCount = 0;
    this.reset();
  }
}
