import { Bracket, type SlotInRung } from './bracket';
import type { BracketShape } from './rungSystem';
import { firstActiveBracket, takeNextSlot } from './nextSlot';
import type { LedgerEntry } from './scheduler';

/**
 * Decides which bracket gets the next job. Brackets get ids 0, 1, 2, ... in the order they open and
 * their type cycles through the bracket shapes (id mod number of types). The *primary* bracket is
 * the lowest-id one not yet complete. A free worker takes the next free slot of the first active
 * bracket from the primary on that has one; when none has, a new bracket opens, so workers never
 * wait and several brackets run at once.
 */
export class BracketManager {
  private readonly brackets: Bracket[] = [];
  private primary = 0;

  constructor(readonly shapes: readonly BracketShape[], private readonly ledger: LedgerEntry[]) {
    if (shapes.length === 0) throw new Error('need at least one bracket shape');
  }

  bracket(id: number): Bracket {
    const bracket = this.brackets[id];
    if (!bracket) throw new Error(`no bracket ${id}`);
    return bracket;
  }

  get openedCount(): number {
    return this.brackets.length;
  }

  /**
   * The next slot to fill, or null when there is none. Without `allowNewTrials`, brackets whose next
   * slot needs a new config are skipped and no bracket opens: only promotions are handed out.
   */
  nextSlot(newTrialId: number, allowNewTrials: boolean): SlotInRung | null {
    this.primary = firstActiveBracket(this.brackets, this.primary);
    return takeNextSlot(this.brackets, this.primary, newTrialId, allowNewTrials, () => this.openBracket());
  }

  private openBracket(): Bracket {
    const id = this.brackets.length;
    const type = id % this.shapes.length;
    const bracket = new Bracket(id, type, this.shapes[type]);
    this.brackets.push(bracket);
    this.ledger.push({ type: 'bracketOpened', bracket: id, bracketType: type, rungs: this.shapes[type] });
    return bracket;
  }

}
