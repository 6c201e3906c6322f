import type { ChatRequest, EndpointAdaptation, ResponseFormatLevel } from '../llm/llmTypes';

/**
 * The narrow slice of the LLM client that LLAMBO needs. The real `LlmClient.chat` satisfies it; unit
 * tests pass a plain function. Request types come from the client; its errors (LlmBudgetExhausted,
 * ReplyCacheMiss, LlmRequestFailed, LlmCancelled) are recognised by name, so no client code is loaded here.
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

function errorName(error: unknown): string {
  if (error && typeof error === 'object') {
    const named = (error as { name?: unknown }).name;
    if (typeof named === 'string' && named !== 'Error') return named;
    const ctor = (error as { constructor?: { name?: unknown } }).constructor?.name;
    if (typeof ctor === 'string') return ctor;
  }
  return '';
}

/** The study is being cancelled: the searcher must stop, not fall back. */
export function isCancellation(error: unknown, signal?: AbortSignal): boolean {
  const name = errorName(error);
  return name === 'LlmCancelled' || name === 'AbortError' || signal?.aborted === true;
}

/**
 * replay-strict found no recorded reply: the study cannot reproduce what it claims to replay, so it
 * must stop (and say which request missed) rather than fall back and look like a faithful replay.
 */
export function isReplayMiss(error: unknown): boolean {
  return errorName(error) === 'ReplyCacheMiss';
}

/** The prompt cannot fit the context window: the study must stop and say which setting to change. */
export function isPromptTooLong(error: unknown): boolean {
  return errorName(error) === 'PromptTooLong';
}

/** No LLM call will succeed again in this study (budget spent): stop asking. */
export function isBudgetExhausted(error: unknown): boolean {
  return errorName(error) === 'LlmBudgetExhausted';
}

/** A prompt that cannot fit the context window even in its shortest form: the settings must change. */
export class PromptTooLong extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PromptTooLong';
  }
}

export function describeError(error: unknown): string {
  const name = errorName(error);
  const message = error instanceof Error ? error.message : String(error);
  return name && !message.startsWith(name) ? `${name}: ${message}` : message;
}
