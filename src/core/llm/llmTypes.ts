/**
 * Public types of the LLM client (DESIGN.md section 7). The LLAMBO searcher builds requests from these
 * and turns results into `llmCall` events; nothing here carries the API key.
 */
import type { PriceTable } from './priceTable';

export type EndpointKind = 'openai' | 'azure' | 'ollama' | 'lmstudio' | 'vllm' | 'llamacpp' | 'custom';

export type ReplyCacheMode = 'live' | 'record' | 'replay-strict' | 'replay-or-live';

export interface LlmBudgetLimits {
  /** Chat calls admitted (live or replayed), not HTTP attempts. */
  readonly maxRequests?: number;
  /** Prompt + completion tokens of the replies received. */
  readonly maxTokens?: number;
  readonly maxUsd?: number;
}

export interface LlmClientOptions {
  /** e.g. https://api.openai.com/v1, http://127.0.0.1:11434/v1, https://res.openai.azure.com/openai */
  readonly baseUrl: string;
  /** Model name; for Azure the deployment name. */
  readonly model: string;
  /** Omitted for local servers: a placeholder is sent (never printed). */
  readonly apiKey?: string;
  readonly headers?: Record<string, string>;
  /** Azure `api-version` query parameter; giving it implies endpointKind 'azure'. */
  readonly azureApiVersion?: string;
  /** Part of the cache key. Inferred from baseUrl/azureApiVersion when omitted (see inferEndpointKind). */
  readonly endpointKind?: EndpointKind;
  /** Max requests in flight (default 4). */
  readonly concurrency?: number;
  readonly requestsPerMinute?: number;
  readonly tokensPerMinute?: number;
  /** Per HTTP attempt, headers and body included (default 60 s). */
  readonly timeoutMs?: number;
  /** Retries after the first attempt (default 4). */
  readonly maxRetries?: number;
  /** First backoff before jitter (default 1000 ms); doubles per retry. */
  readonly initialBackoffMs?: number;
  /** Backoff cap before jitter (default 30 s). */
  readonly maxBackoffMs?: number;
  /** A Retry-After longer than this is not waited for: the call fails (default 120 s). */
  readonly maxRetryAfterMs?: number;
  /** Merged over DEFAULT_PRICES. */
  readonly prices?: PriceTable;
  readonly budget?: LlmBudgetLimits;
  readonly cache?: { readonly path: string; readonly mode: ReplyCacheMode };
  /** Injected for tests; must reject when `signal` aborts. */
  readonly sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Uniform [0, 1) for backoff jitter; defaults to a seeded stream. */
  readonly random?: () => number;
  /** Milliseconds; drives rate limits and latency. */
  readonly now?: () => number;
  /** Custom fetch passed to the openai package (tests, proxies). */
  readonly fetch?: typeof globalThis.fetch;
  /** Hears each wait before a request goes out (RPM/TPM limits, backoff before a retry), so progress can say so. */
  readonly onWait?: (wait: LlmWait) => void;
}

export interface LlmWait {
  readonly reason: 'rateLimit' | 'retry';
  readonly ms: number;
  /** Retries: the attempt that failed (1 = the first) and why. */
  readonly attempt?: number;
  readonly detail?: string;
}

export interface ChatMessage {
  readonly role: 'system' | 'user' | 'assistant';
  readonly content: string;
}

export interface ChatRequestTag {
  readonly component: string;
  readonly template?: string;
}

export interface ChatRequest {
  readonly messages: readonly ChatMessage[];
  readonly temperature?: number;
  readonly topP?: number;
  readonly maxTokens?: number;
  readonly n?: number;
  readonly seed?: number;
  readonly responseFormat?: 'json_object' | 'text';
  readonly logprobs?: boolean;
  readonly topLogprobs?: number;
  /** Names the request in errors and cache entries; not part of the cache key. */
  readonly tag?: ChatRequestTag;
  readonly signal?: AbortSignal;
}

export interface TokenLogprob {
  readonly token: string;
  readonly logprob: number;
  readonly topLogprobs: readonly { readonly token: string; readonly logprob: number }[];
}

export interface ChatUsage {
  readonly promptTokens: number;
  readonly completionTokens: number;
  /** usage.prompt_tokens_details.cached_tokens (0 when absent). */
  readonly cachedTokens: number;
}

export interface ChatResult {
  /** One text per choice, in choice order. */
  readonly texts: readonly string[];
  /** Per choice, its token log-probabilities (null for a choice without them); absent when none came back. */
  readonly logprobs?: readonly (readonly TokenLogprob[] | null)[];
  readonly usage: ChatUsage;
  /** Live: first attempt start to reply (retries and backoff included). Cache hit: the recorded value. */
  readonly latencySeconds: number;
  readonly retries: number;
  /** Money spent by this call: 0 on a cache hit. */
  readonly costUsd: number;
  /** What the reply cost when it was recorded (cache hit) or now (live). */
  readonly recordedCostUsd: number;
  readonly costKnown: boolean;
  readonly cacheHit: boolean;
  /** SHA-256 of the canonical request. */
  readonly cacheKey: string;
  /** n-th identical request in this client's life (0-based); replay returns the n-th recorded reply. */
  readonly cacheOccurrence: number;
  readonly finishReasons: readonly string[];
}

export interface LlmTotals {
  /** Chat calls admitted (after budget and cache checks passed or hit). */
  readonly requests: number;
  /** HTTP attempts sent. */
  readonly httpRequests: number;
  /** Tokens of every reply used, replayed ones included. */
  readonly promptTokens: number;
  readonly completionTokens: number;
  readonly cachedTokens: number;
  /** Money actually spent (live replies only). */
  readonly costUsd: number;
  /** Recorded cost of the replies served from the cache. */
  readonly recordedCostUsd: number;
  readonly cacheHits: number;
  /** HTTP attempts after the first, over all calls. */
  readonly retries: number;
  /** Calls that ended in LlmRequestFailed. */
  readonly failures: number;
  /** Calls that ended in LlmCancelled. */
  readonly cancellations: number;
}
