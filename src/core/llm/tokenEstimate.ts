/**
 * What a request will cost in tokens before it is sent: chars/4 for the prompt, and the reply limit it
 * asks for. Used to reserve budget before sending, to pace the token rate limit, and in place of a
 * usage the endpoint reports in a form that cannot be trusted (a string, a negative, 1e309).
 */
import type { CachedRequest } from './replyCacheKey';

export function estimatePromptTokens(request: CachedRequest): number {
  let chars = 0;
  for (const m of request.messages) chars += m.content.length;
  return Math.ceil(chars / 4);
}

/** The completion tokens the request may use: its max_tokens for every choice (0 when it sets none). */
export function estimateCompletionTokens(request: CachedRequest): number {
  return (request.max_tokens ?? 0) * (request.n ?? 1);
}

export function estimateTokens(request: CachedRequest): number {
  return estimatePromptTokens(request) + estimateCompletionTokens(request);
}
