/**
 * Request, token and dollar budget of one client. Requests are reserved when a call is admitted (so
 * concurrent calls cannot overshoot the request limit); tokens and dollars are charged when a reply
 * arrives, so calls in flight may overshoot those by their own size. Cache hits are charged their
 * recorded tokens and cost so that a replay exhausts the budget at exactly the same call as the recording.
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

export class LlmBudget {
  private requests = 0;
  private tokens = 0;
  private usd = 0;

  constructor(readonly limits: LlmBudgetLimits = {}) {
    for (const [name, value] of Object.entries(limits)) {
      if (value !== undefined && !(value >= 0)) throw new RangeError(`budget ${name} must be >= 0, got ${value}`);
    }
  }

  get spent(): BudgetSpent {
    return { requests: this.requests, tokens: this.tokens, usd: this.usd };
  }

  /** The first limit reached, or null while there is budget left. */
  exhaustion(): BudgetExhaustion | null {
    const { maxRequests, maxTokens, maxUsd } = this.limits;
    if (maxRequests !== undefined && this.requests >= maxRequests) {
      return { dimension: 'requests', limit: maxRequests, spent: this.requests };
    }
    if (maxTokens !== undefined && this.tokens >= maxTokens) {
      return { dimension: 'tokens', limit: maxTokens, spent: this.tokens };
    }
    if (maxUsd !== undefined && this.usd >= maxUsd) return { dimension: 'usd', limit: maxUsd, spent: this.usd };
    return null;
  }

  get isExhausted(): boolean {
    return this.exhaustion() !== null;
  }

  /** Throws LlmBudgetExhausted (changing nothing) or reserves one request. */
  admit(): void {
    const exhausted = this.exhaustion();
    if (exhausted) throw new LlmBudgetExhausted(exhausted.dimension, exhausted.limit, exhausted.spent);
    this.requests++;
  }

  charge(tokens: number, usd: number): void {
    this.tokens += tokens;
    this.usd += usd;
  }
}
