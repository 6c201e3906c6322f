/**
 * Folds bracket events into the rung ledger (per bracket and rung: slots, results in, trials pending,
 * promoted) and the promotion/stop marks the learning-curve chart draws at rung levels. Only
 * Hyperband-style schedulers open brackets; for the others the ledger stays empty.
 */
import type { StudyEvent } from '../events/studyEvents';

export type RungMarkKind = 'promoted' | 'stopped' | 'completed';

/** Decisions at rungs, as columns: one entry per (trial, rung) a rung completion ranked. */
export interface RungMarks {
  readonly trialIds: readonly number[];
  readonly levels: readonly number[];
  readonly errors: readonly (number | null)[];
  readonly kinds: readonly RungMarkKind[];
}

/** One rung of a bracket in the ledger. */
export interface RungLedgerEntry {
  readonly level: number;
  readonly slots: number;
  /** Slots with a result, and trials training towards this rung now. */
  readonly filled: number;
  readonly pending: number;
  /** Trials promoted from this rung (null until the rung completes). */
  readonly promoted: number | null;
  readonly complete: boolean;
}

export interface BracketLedger {
  readonly bracket: number;
  readonly bracketType: number;
  readonly rungs: readonly RungLedgerEntry[];
}

interface RungState { level: number; slots: number; filled: number; pending: number; promoted: number | null; complete: boolean }
interface BracketState { bracket: number; bracketType: number; rungs: RungState[] }

/** Marks as growing columns; `taken` counts how many a delta already sent. */
export class MarkColumns {
  readonly trialIds: number[] = [];
  readonly levels: number[] = [];
  readonly errors: (number | null)[] = [];
  readonly kinds: RungMarkKind[] = [];
  taken = 0;

  push(trialId: number, level: number, error: number | null, kind: RungMarkKind): void {
    this.trialIds.push(trialId);
    this.levels.push(level);
    this.errors.push(error);
    this.kinds.push(kind);
  }

  slice(from: number): { trialIds: number[]; levels: number[]; errors: (number | null)[]; kinds: RungMarkKind[] } {
    return {
      trialIds: this.trialIds.slice(from), levels: this.levels.slice(from),
      errors: this.errors.slice(from), kinds: this.kinds.slice(from),
    };
  }
}

export class RungLedger {
  private readonly brackets = new Map<number, BracketState>();
  /** Bracket id -> type, for colouring trials by bracket type. */
  readonly bracketTypes = new Map<number, number>();
  /** Which rung (index) of its bracket each trial is training towards, while it is pending there. */
  private readonly pendingRung = new Map<number, { bracket: number; rung: number }>();
  readonly marks = new MarkColumns();
  changed = false;

  add(event: StudyEvent): void {
    switch (event.type) {
      case 'bracketOpened':
        this.bracketTypes.set(event.bracket, event.bracketType);
        this.brackets.set(event.bracket, {
          bracket: event.bracket, bracketType: event.bracketType,
          rungs: event.rungs.map((r) => ({ level: r.level, slots: r.slots, filled: 0, pending: 0, promoted: null, complete: false })),
        });
        this.changed = true;
        return;
      case 'trialStarted':
      case 'trialResumed':
        this.enterRung(event.trialId, event.bracket, event.untilEpoch);
        return;
      case 'result': {
        const at = this.pendingRung.get(event.trialId);
        const rung = at && this.brackets.get(at.bracket)?.rungs[at.rung];
        if (!at || !rung || rung.level !== event.epoch) return;
        rung.pending--;
        rung.filled++;
        this.pendingRung.delete(event.trialId);
        this.changed = true;
        return;
      }
      case 'trialStopped': {
        // A trial stopped before reaching its rung (study budget, failure) no longer holds a slot there.
        const at = this.pendingRung.get(event.trialId);
        const rung = at && this.brackets.get(at.bracket)?.rungs[at.rung];
        if (rung) { rung.pending--; this.changed = true; }
        this.pendingRung.delete(event.trialId);
        return;
      }
      case 'rungCompleted': {
        const bracket = this.brackets.get(event.bracket);
        const rung = bracket?.rungs[event.rung];
        const last = bracket ? event.rung === bracket.rungs.length - 1 : event.promoted.length === 0;
        if (rung) { rung.complete = true; rung.promoted = event.promoted.length; this.changed = true; }
        const promoted = new Set(event.promoted);
        for (const { trialId, error } of event.ranking) {
          const kind: RungMarkKind = last ? 'completed' : promoted.has(trialId) ? 'promoted' : 'stopped';
          this.marks.push(trialId, event.level, error, kind);
        }
        return;
      }
      default:
    }
  }

  ledger(): BracketLedger[] {
    return [...this.brackets.values()].map((b) => ({ bracket: b.bracket, bracketType: b.bracketType, rungs: b.rungs.map((r) => ({ ...r })) }));
  }

  private enterRung(trialId: number, bracketId: number, level: number): void {
    const bracket = this.brackets.get(bracketId);
    if (!bracket) return;
    const rung = bracket.rungs.findIndex((r) => r.level === level);
    if (rung < 0) return;
    bracket.rungs[rung].pending++;
    this.pendingRung.set(trialId, { bracket: bracketId, rung });
    this.changed = true;
  }
}
