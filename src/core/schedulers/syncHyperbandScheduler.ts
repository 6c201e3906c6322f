import type { SlotInRung } from './bracket';
import { BracketManager } from './bracketManager';
import { geometricBrackets, levelsOfBrackets, type BracketShape, type RungSpec } from './rungSystem';
import type { Job, LedgerEntry, Scheduler, SchedulerKind, SchedulerOptions, TrialDecision } from './scheduler';

/**
 * Synchronous (geometric) Hyperband, Syne Tune's SynchronousGeometricHyperbandScheduler: brackets
 * of successive halving whose types cycle as they open; a rung promotes only when all its slots have
 * results. With 'first-bracket-only' every bracket is type 0: plain successive halving, repeated.
 *
 * Glue between the bracket manager and the trials: it remembers which slot each running trial is
 * filling, pauses a trial when it reaches that slot's level and stops it at the bracket's last rung.
 */
export class SyncHyperbandScheduler implements Scheduler {
  readonly kind: SchedulerKind;
  readonly rungLevels: readonly number[];
  readonly shapes: readonly BracketShape[];
  private readonly manager: BracketManager;
  private ledger: LedgerEntry[] = [];
  /** Slot each running trial is filling, by trial id. */
  private readonly slotOfTrial: (SlotInRung | undefined)[] = [];

  constructor(readonly options: SchedulerOptions, brackets: 'all-brackets' | 'first-bracket-only') {
    const all = geometricBrackets(options.rMin, options.eta, options.rMax);
    this.shapes = brackets === 'all-brackets' ? all : [all[0]];
    this.kind = brackets === 'all-brackets' ? 'sync-hyperband' : 'sync-sh';
    this.rungLevels = levelsOfBrackets(this.shapes);
    this.manager = new BracketManager(this.shapes, this.ledger);
  }

  nextJob(newTrialId: number, allowNewTrials: boolean): Job | null {
    const slot = this.manager.nextSlot(newTrialId, allowNewTrials);
    if (!slot) return null;
    if (this.slotOfTrial[slot.trialId]) throw new Error(`trial ${slot.trialId} already fills a slot`);
    this.slotOfTrial[slot.trialId] = slot;
    if (slot.rung === 0) {
      // +1: the slot just handed out is one of the configs the rung still needs.
      const slotsRemaining = this.manager.bracket(slot.bracket).newSlotsRemaining() + 1;
      return { kind: 'new', trialId: slot.trialId, bracket: slot.bracket, level: slot.level, slotsRemaining };
    }
    return { kind: 'resume', trialId: slot.trialId, bracket: slot.bracket, fromEpoch: slot.fromLevel, untilEpoch: slot.level };
  }

  onResult(trialId: number, epoch: number, error: number): TrialDecision {
    const slot = this.slotOfTrial[trialId];
    if (!slot) throw new Error(`result for trial ${trialId}, which fills no slot`);
    const failed = Number.isNaN(error);
    if (!failed && epoch < slot.level) return 'continue';
    if (!failed && epoch !== slot.level) throw new Error(`trial ${trialId} went past its level ${slot.level} (epoch ${epoch})`);
    this.slotOfTrial[trialId] = undefined;
    const bracket = this.manager.bracket(slot.bracket);
    const completed = bracket.onResult(slot, error);
    for (let i = 0; i < completed.length; i++) this.ledger.push(completed[i]);
    if (failed) return 'stop';
    return slot.rung === bracket.rungs.length - 1 ? 'stop' : 'pause';
  }

  /** Bracket types cycle as brackets open (BracketManager), so bracket b has shape b mod the number of types. */
  firstRungOf(bracket: number): RungSpec {
    return this.shapes[bracket % this.shapes.length][0];
  }

  takeLedger(): readonly LedgerEntry[] {
    if (this.ledger.length === 0) return NOTHING;
    const entries = this.ledger.splice(0, this.ledger.length);
    return entries;
  }
}

const NOTHING: readonly LedgerEntry[] = Object.freeze([]);
