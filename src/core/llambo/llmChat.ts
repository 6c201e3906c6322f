import { hasErrorCode, type LlmErrorCode } from '../llm/llmErrors';
import type { ChatRequest, EndpointAdaptation, ResponseFormatLevel } from '../llm/llmTypes';

/**
 * The narrow slice of the LLM client that LLAMBO needs. The real `LlmClient.chat` satisfies it; unit
 * tests pass a plain function. Request types come from the client; its errors (LlmBudgetExhausted,
 * ReplyCacheMiss, LlmRequestFailed, LlmCancelled) are recognised by their `code` (hasErrorCode), not their classes.
 */

export type { ChatMessage } from '../llm/llmTypes';

export type LlamboComponent = 'warmstart' | 'sampler' | 'surrogate' | 'repair';

/** The request LLAMBO sends: exactly the client's ChatRequest. */
export type LlmChatRequest = ChatRequest;

export interface LlmChatUsage {
  readonly promptTokens: number;
  readonly completionTokens: number;
  readonly cachedTokens: number;
}

export interface LlmChatResult {
  /** One text per choice (n). */
  readonly texts: readonly string[];
  /** Token log-probabilities as the client returns them; read defensively (see tokenLogprobs.ts). */
  readonly logprobs?: unknown;
  readonly usage: LlmChatUsage;
  /** Seconds the request took (recorded with the reply, so a cache replay charges the same). */
  readonly latencySeconds: number;
  readonly retries: number;
  readonly costUsd: number;
  readonly costKnown?: boolean;
  readonly cacheHit: boolean;
  readonly cacheKey?: string;
  readonly finishReasons?: readonly (string | null)[];
  /** The response_format the reply was asked with (absent: a chat function that does not say). */
  readonly responseFormat?: ResponseFormatLevel;
  /** What this call taught the client about the endpoint. */
  readonly adaptations?: readonly EndpointAdaptation[];
  /** Characters of reasoning returned beside the answer; never read as the answer. */
  readonly reasoningChars?: number;
}

export type LlmChat = (request: LlmChatRequest) => Promise<LlmChatResult>;

function hasLlmErrorCode(error: unknown, code: LlmErrorCode): boolean {
  return hasErrorCode(error, code);
}

/**
 * The study is being cancelled: the searcher must stop, not fall back. A platform abort is a
 * DOMException named 'AbortError' (the standard way to tell one; its numeric `code` is legacy).
 */
export function isCancellation(error: unknown, signal?: AbortSignal): boolean {
  return hasLlmErrorCode(error, 'cancelled') || (error instanceof Error && error.name === 'AbortError') || signal?.aborted === true;
}

/**
 * replay-strict found no recorded reply: the study cannot reproduce what it claims to replay, so it
 * must stop (and say which request missed) rather than fall back and look like a faithful replay.
 */
export function isReplayMiss(error: unknown): boolean {
  return hasLlmErrorCode(error, 'replyCacheMiss');
}

/** The prompt cannot fit the context window: the study must stop and say which setting to change. */
export function isPromptTooLong(error: unknown): boolean {
  return hasErrorCode(error, PROMPT_TOO_LONG);
}

/** No LLM call will succeed again in this study (budget spent): stop asking. */
export function isBudgetExhausted(error: unknown): boolean {
  return hasLlmErrorCode(error, 'budgetExhausted');
}

/** A prompt that cannot fit the context window even in its shortest form: the settings must change. */
const PROMPT_TOO_LONG = 'promptTooLong';

export class PromptTooLong extends Error {
  readonly code = PROMPT_TOO_LONG;
  constructor(message: string) {
    super(message);
    this.name = 'PromptTooLong';
  }
}

/** The message, prefixed with the error's name when it has its own (e.g. "ReplyCacheMiss: ..."). */
export function describeError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const { name, message } = error;
  return name && name !== 'Error' && !message.startsWith(name) ? `${name}: ${message}` : message;
}
