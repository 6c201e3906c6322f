/** Public surface of the LLM client, for the LLAMBO searcher, the CLI and the extension. */
export { LlmClient } from './llmClient';
export { LlmBudget, type BudgetExhaustion, type BudgetSpent } from './llmBudget';
export {
  LlmError, LlmBudgetExhausted, ReplyCacheMiss, LlmRequestFailed, LlmCancelled, LlmConfigError,
  type BudgetDimension, type RequestFailureReason,
} from './llmErrors';
export { DEFAULT_PRICES, estimateCost, findPrice, costOf, type ModelPrice, type PriceTable, type CostEstimate } from './priceTable';
export { ReplyCache, type ReplyCacheEntry, type CachedReply } from './replyCache';
export { replyCacheKey, cachedRequestOf, type CachedRequest } from './replyCacheKey';
export { inferEndpointKind } from './endpointKind';
export { parseRetryAfter, backoffMs, nominalBackoffMs, DEFAULT_BACKOFF, type BackoffSettings } from './retryPolicy';
export type * from './llmTypes';
