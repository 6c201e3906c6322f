/**
 * Counts what a study's LLM did, from its event stream: requests, tokens, dollars, cache hits, parse
 * failures, failed calls and fallbacks, plus the new configs they produced. Folding events (rather than
 * asking the client) means a replayed log gives the same numbers as the live run.
 */
import type { StudyEvent } from './events';

export interface LlmStudyTotals {
  /** LLM requests made by the searcher (each one `llmCall` event; a cache hit counts as a request). */
  requests: number;
  promptTokens: number;
  completionTokens: number;
  costUsd: number;
  cacheHits: number;
  /** Requests whose reply could not be used in whole or part (malformed JSON, wrong ops, wrong counts...). */
  parseFailures: number;
  /** Requests that failed outright (after retries), including those not sent because a budget was spent. */
  failedCalls: number;
  /** New configs that came from a fallback (mutation or random) instead of the LLM. */
  fallbacks: number;
  /** New configs (trials started). */
  newConfigs: number;
}

export class LlmTally {
  readonly totals: LlmStudyTotals = {
    requests: 0, promptTokens: 0, completionTokens: 0, costUsd: 0, cacheHits: 0,
    parseFailures: 0, failedCalls: 0, fallbacks: 0, newConfigs: 0,
  };

  readonly sink = (event: StudyEvent): void => {
    const t = this.totals;
    if (event.type === 'trialStarted') {
      t.newConfigs++;
      if (event.fallback) t.fallbacks++;
    } else if (event.type === 'llmCall') {
      t.requests++;
      if (event.usage) {
        t.promptTokens += event.usage.promptTokens;
        t.completionTokens += event.usage.completionTokens;
      }
      t.costUsd += event.costUsd ?? 0;
      if (event.cacheHit) t.cacheHits++;
      if (event.parseFailures && event.parseFailures.length > 0) t.parseFailures++;
      if (event.error !== undefined) t.failedCalls++;
    }
  };
}
