/**
 * Public types of the LLM client (DESIGN.md section 7). The LLAMBO searcher builds requests from these
 * and turns results into `llmCall` events; nothing here carries the API key.
 */
export type EndpointKind = 'openai' | 'azure' | 'ollama' | 'lmstudio' | 'vllm' | 'llamacpp' | 'custom';

/** USD per million tokens of one model (DEFAULT_PRICES in priceTable.ts, overridden by settings). */
export interface ModelPrice {
  readonly inputPerMTok: number;
  /** Price of prompt tokens served from the provider's prompt cache; defaults to inputPerMTok. */
  readonly cachedInputPerMTok?: number;
  readonly outputPerMTok: number;
}

export type PriceTable = Readonly<Record<string, ModelPrice>>;

export type ReplyCacheMode = 'live' | 'record' | 'replay-strict' | 'replay-or-live';

/** What a request asking for structured output sends: `auto` starts at json_schema and steps down on refusal. */
export type ResponseFormatMode = 'auto' | 'json_schema' | 'json_object' | 'text';
export const RESPONSE_FORMAT_MODES = ['auto', 'json_schema', 'json_object', 'text'] as const;
/** The response_format actually sent: a JSON schema, JSON mode, or none (plain text). */
export type ResponseFormatLevel = 'json_schema' | 'json_object' | 'text';

/** The JSON shape a request wants its reply in (an OpenAI strict-mode schema). */
export interface StructuredOutput {
  /** a-z, A-Z, 0-9, _ and -, at most 64 characters (OpenAI's rule for json_schema.name). */
  readonly name: string;
  readonly schema: Readonly<Record<string, unknown>>;
}

/** Request parameters an endpoint can refuse, which the client then stops sending. */
export type RefusableParameter = 'response_format' | 'temperature' | 'top_p' | 'seed' | 'logprobs' | 'max_tokens' | 'max_completion_tokens';

/** Something the client learnt about the endpoint and model, kept for the rest of the study. */
export interface EndpointAdaptation {
  readonly parameter: RefusableParameter;
  /** e.g. "json_schema -> json_object", "dropped", "sent as max_completion_tokens". */
  readonly change: string;
  /** The refusal, as the server worded it (redacted, clipped). */
  readonly reason: string;
  /** Learnt from the reply cache (the recorded study was refused), not from a live refusal. */
  readonly fromRecording: boolean;
}

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
  /**
   * Waits out one attempt's timeout (default: a real timer); tests inject one they fire themselves,
   * picking the attempt by its messages.
   */
  readonly timeoutTimer?: (ms: number, signal: AbortSignal, request: { readonly messages: readonly ChatMessage[] }) => Promise<void>;
  /** Uniform [0, 1) for backoff jitter; defaults to a seeded stream. */
  readonly random?: () => number;
  /** Milliseconds; drives rate limits and latency. */
  readonly now?: () => number;
  /** Custom fetch passed to the openai package (tests, proxies). */
  readonly fetch?: typeof globalThis.fetch;
  /** For requests that ask for structured output (default auto). */
  readonly responseFormat?: ResponseFormatMode;
  /** Told once per thing learnt about the endpoint (a refused response_format or parameter). */
  readonly onAdaptation?: (adaptation: EndpointAdaptation) => void;
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
  /** The reply's JSON shape; sent as response_format as far as the endpoint accepts (LlmClientOptions.responseFormat). */
  readonly structuredOutput?: StructuredOutput;
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
  /** The response_format the reply was asked with ('text' when none was sent). */
  readonly responseFormat: ResponseFormatLevel;
  /** What this call taught the client about the endpoint (refusals it then worked around). */
  readonly adaptations: readonly EndpointAdaptation[];
  /** Characters of reasoning the server returned beside the answer (reasoning_content / reasoning); never used as the answer. */
  readonly reasoningChars: number;
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
  /** HTTP attempts the endpoint refused for a parameter it does not accept (each then worked around). */
  readonly refusedRequests: number;
}
