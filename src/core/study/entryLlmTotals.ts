/**
 * What the LLM of one comparison entry did over all its seeds: requests, tokens, dollars, LLM seconds,
 * parse failures, fallback share and proposal yield. Summed from each study's own tally (llmTally.ts),
 * so the CLI's compare text and JSON and the extension's comparison show the same numbers.
 */
import { addYield, emptyYield, type ProposalYield } from '../llambo/proposalYield';
import type { LlmStudyTotals } from './llmTally';

/** One study's LLM counts as StudySummary.llm carries them. */
export type StudyLlmCounts = LlmStudyTotals & { readonly httpRequests: number };

export interface EntryLlmTotals {
  /** Studies of the entry that used an LLM (its seeds). */
  readonly studies: number;
  /** Sums over those studies. */
  readonly requests: number;
  /** Requests that went over the network (cache hits and budget refusals do not). */
  readonly httpRequests: number;
  readonly cacheHits: number;
  readonly promptTokens: number;
  readonly completionTokens: number;
  /** Dollars spent (a reply replayed from the cache costs nothing). */
  readonly costUsd: number;
  readonly llmSeconds: number;
  readonly parseFailures: number;
  readonly fallbacks: number;
  readonly newConfigs: number;
  readonly proposalYield: ProposalYield;
  /** Means per study. */
  readonly usdPerStudy: number;
  readonly llmSecondsPerStudy: number;
  /** fallbacks / newConfigs; null without new configs. */
  readonly fallbackShare: number | null;
  /** Accepted / proposed cells; null when the LLM proposed none. */
  readonly proposalYieldShare: number | null;
}

/** The entry's totals, or undefined when none of its studies used an LLM. */
export function entryLlmTotals(studies: readonly (StudyLlmCounts | undefined)[]): EntryLlmTotals | undefined {
  const used = studies.filter((s): s is StudyLlmCounts => s !== undefined);
  if (used.length === 0) return undefined;
  const sum = (pick: (s: StudyLlmCounts) => number) => used.reduce((total, s) => total + pick(s), 0);
  const proposalYield = used.reduce((total, s) => addYield(total, s.proposalYield), emptyYield());
  const costUsd = sum((s) => s.costUsd);
  const llmSeconds = sum((s) => s.llmSeconds);
  const fallbacks = sum((s) => s.fallbacks);
  const newConfigs = sum((s) => s.newConfigs);
  return {
    studies: used.length,
    requests: sum((s) => s.requests),
    httpRequests: sum((s) => s.httpRequests),
    cacheHits: sum((s) => s.cacheHits),
    promptTokens: sum((s) => s.promptTokens),
    completionTokens: sum((s) => s.completionTokens),
    costUsd, llmSeconds,
    parseFailures: sum((s) => s.parseFailures),
    fallbacks, newConfigs, proposalYield,
    usdPerStudy: costUsd / used.length,
    llmSecondsPerStudy: llmSeconds / used.length,
    fallbackShare: fallbackShare(fallbacks, newConfigs),
    proposalYieldShare: proposalYieldShare(proposalYield),
  };
}

/** Fallback configs / new configs; null without new configs (a study or a whole entry). */
export function fallbackShare(fallbacks: number, newConfigs: number): number | null {
  return newConfigs === 0 ? null : fallbacks / newConfigs;
}

/** Accepted / proposed cells; null when the LLM proposed none. */
export function proposalYieldShare(proposals: ProposalYield): number | null {
  return proposals.proposed === 0 ? null : proposals.accepted / proposals.proposed;
}
