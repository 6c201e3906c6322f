/**
 * Request, token and dollar budget of one client. A call is admitted with its estimated tokens and
 * dollars reserved, and checked again just before each HTTP attempt leaves (a stage of queued calls must
 * not be sent after the budget is spent); the reply's real usage then replaces the reservation. So
 * spending exceeds a limit by at most what the requests already in flight spend. Cache hits are charged
 * their recorded tokens and cost so that a replay exhausts the budget at the same call as the recording.
 */
import { LlmBudgetExhausted, type BudgetDimension } from './llmErrors';
import type { LlmBudgetLimits } from './llmTypes';

export interface BudgetSpent {
  readonly requests: number;
  readonly tokens: number;
  readonly usd: number;
}

export interface BudgetExhaustion {
  readonly dimension: BudgetDimension;
  readonly limit: number;
  readonly spent: number;
}

/** What one admitted call holds of the budget until its reply is charged. */
export interface BudgetReservation {
  /** Throws LlmBudgetExhausted when what was spent and what others hold leave nothing for this call. */
  checkBeforeSend(): void;
  /** Replaces the reservation by what the call really spent. */
  settle(tokens: number, usd: number): void;
  /** Gives the reservation back (the call failed or was refused before anything was spent). */
  release(): void;
}

export interface BudgetEstimate {
  readonly tokens: number;
  readonly usd: number;
}

export class LlmBudget {
  private requests = 0;
  private tokens = 0;
  private usd = 0;
  private reservedTokens = 0;
  private reservedUsd = 0;

  constructor(readonly limits: LlmBudgetLimits = {}) {
    for (const [name, value] of Object.entries(limits)) {
      if (value !== undefined && !(value >= 0)) throw new RangeError(`budget ${name} must be >= 0, got ${value}`);
    }
  }

  get spent(): BudgetSpent {
    return { requests: this.requests, tokens: this.tokens, usd: this.usd };
  }

  /** The first limit reached by what was spent, or null while there is budget left. */
  exhaustion(): BudgetExhaustion | null {
    return this.exhaustionWith(0, 0);
  }

  get isExhausted(): boolean {
    return this.exhaustion() !== null;
  }

  /** Throws LlmBudgetExhausted (changing nothing) or counts one request and reserves its estimate. */
  admit(estimate: BudgetEstimate = { tokens: 0, usd: 0 }): BudgetReservation {
    this.throwIfExhausted(this.exhaustionWith(this.reservedTokens, this.reservedUsd));
    this.requests++;
    this.reservedTokens += estimate.tokens;
    this.reservedUsd += estimate.usd;
    let held = true;
    const giveBack = () => {
      if (!held) return;
      held = false;
      this.reservedTokens -= estimate.tokens;
      this.reservedUsd -= estimate.usd;
    };
    return {
      checkBeforeSend: () => {
        // Others' reservations count, this call's own does not: it is the one about to spend.
        const exhausted = this.exhaustionWith(this.reservedTokens - estimate.tokens, this.reservedUsd - estimate.usd, false);
        if (exhausted) giveBack();
        this.throwIfExhausted(exhausted);
      },
      settle: (tokens, usd) => {
        giveBack();
        this.tokens += tokens;
        this.usd += usd;
      },
      release: giveBack,
    };
  }

  private throwIfExhausted(exhausted: BudgetExhaustion | null): void {
    if (exhausted) throw new LlmBudgetExhausted(exhausted.dimension, exhausted.limit, exhausted.spent);
  }

  /** The first limit reached by what was spent plus `tokens`/`usd` held by calls in flight. */
  private exhaustionWith(tokens: number, usd: number, countRequests = true): BudgetExhaustion | null {
    const { maxRequests, maxTokens, maxUsd } = this.limits;
    if (countRequests && maxRequests !== undefined && this.requests >= maxRequests) {
      return { dimension: 'requests', limit: maxRequests, spent: this.requests };
    }
    if (maxTokens !== undefined && this.tokens + tokens >= maxTokens) {
      return { dimension: 'tokens', limit: maxTokens, spent: this.tokens };
    }
    if (maxUsd !== undefined && this.usd + usd >= maxUsd) return { dimension: 'usd', limit: maxUsd, spent: this.usd };
    return null;
  }
}
