/**
 * Counts what a study's LLM did, from its event stream: requests, tokens, dollars, cache hits, parse
 * failures, refused cells, failed calls and fallbacks, plus the new configs they produced. Folding
 * events (rather than asking the client) means a replayed log gives the same numbers as the live run.
 */
import type { StudyEvent } from '../events/studyEvents';
import { addYield, emptyYield, yieldFromParsed, type ProposalYield } from '../llambo/proposalYield';

export interface LlmStudyTotals {
  /** LLM requests made by the searcher (each one `llmCall` event; a cache hit counts as a request). */
  requests: number;
  promptTokens: number;
  completionTokens: number;
  costUsd: number;
  /** Seconds the requests took (a cache hit counts the latency recorded with its reply). */
  llmSeconds: number;
  cacheHits: number;
  /**
   * Requests whose reply could not be read as asked, in whole or part (no JSON, malformed items, wrong
   * ops, too few cells, NaN or out-of-range predictions, missing predictions). Not counted here: replies
   * that were read fine but proposed cells the searcher refused (see droppedCells).
   */
  parseFailures: number;
  /** Well-formed proposed cells refused: already evaluated, pending or picked, duplicate or isomorphic in the batch, disconnected. */
  droppedCells: number;
  /** Requests that failed outright (after retries), including those not sent because a budget was spent. */
  failedCalls: number;
  /** New configs that came from a fallback (mutation or random) instead of the LLM. */
  fallbacks: number;
  /** New configs (trials started). */
  newConfigs: number;
  /** Of the cells the LLM proposed (warm start, sampler, repair): accepted, unused, refused by reason. */
  proposalYield: ProposalYield;
}

export class LlmTally {
  readonly totals: LlmStudyTotals = {
    requests: 0, promptTokens: 0, completionTokens: 0, costUsd: 0, llmSeconds: 0, cacheHits: 0,
    parseFailures: 0, droppedCells: 0, failedCalls: 0, fallbacks: 0, newConfigs: 0, proposalYield: emptyYield(),
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
      t.llmSeconds += event.latencySeconds ?? 0;
      if (event.cacheHit) t.cacheHits++;
      const dropped = droppedCount(event.parsed);
      if ((event.parseFailures?.length ?? 0) > dropped) t.parseFailures++;
      t.droppedCells += dropped;
      if (event.error !== undefined) t.failedCalls++;
      const proposals = yieldFromParsed(event.parsed);
      if (proposals) addYield(t.proposalYield, proposals);
    }
  };
}

/** Proposal calls list their refused cells among parseFailures and count them in `parsed.dropped`. */
function droppedCount(parsed: unknown): number {
  const dropped = parsed && typeof parsed === 'object' ? (parsed as { dropped?: unknown }).dropped : undefined;
  return typeof dropped === 'number' && dropped > 0 ? dropped : 0;
}
