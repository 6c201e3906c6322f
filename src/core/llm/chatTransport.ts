/**
 * One HTTP attempt of a chat completion through the `openai` package (its own retries off), turned
 * into a plain outcome: a parsed reply, a classified failure, or cancellation. The per-attempt timeout
 * is ours and covers headers and body; the caller's signal cancels the request in flight.
 *
 * The package is loaded when the first transport is made, not at import: its module code took ~10 MiB
 * and tens of ms in every process, studies without an LLM included. The build keeps it out of the
 * bundles too (esbuild.mjs writes it to a side file the `require` below then loads).
 */
import type OpenAI from 'openai';
import { LlmConfigError } from './llmErrors';
import type { CachedReply } from './replyCache';
import type { TokenLimitName } from './endpointCapabilities';
import type { CachedRequest } from './replyCacheKey';
import type { EndpointKind, TokenLogprob } from './llmTypes';
import { parseRetryAfter, type AttemptFailure } from './retryPolicy';
import { replyTooLargeIn, sizeLimitedFetch } from './replySizeLimit';
import { SecretRedactor } from './secretRedactor';
import { urlCredentials, withoutUrlCredentials } from './urlCredentials';
import { estimateCompletionTokens, estimatePromptTokens } from './tokenEstimate';

/** Sent to servers that need no key; the openai package refuses to run without one. */
const PLACEHOLDER_KEY = 'not-needed';
const DEFAULT_AZURE_API_VERSION = '2024-10-21';

export type AttemptOutcome =
  | { readonly kind: 'reply'; readonly reply: CachedReply }
  | { readonly kind: 'failure'; readonly failure: AttemptFailure }
  | { readonly kind: 'cancelled' };

export interface ChatTransportOptions {
  readonly baseUrl: string;
  readonly kind: EndpointKind;
  readonly apiKey?: string;
  readonly headers?: Record<string, string>;
  readonly azureApiVersion?: string;
  readonly timeoutMs: number;
  /** Resolves once an attempt's timeout has passed; aborted when the attempt ends first. */
  readonly timeoutTimer: (ms: number, signal: AbortSignal, request: CachedRequest) => Promise<void>;
  readonly now: () => number;
  readonly fetch?: typeof globalThis.fetch;
}

type OpenAiModule = typeof import('openai');
let openAi: OpenAiModule | undefined;

/** Loads the openai client now rather than at the first request (a warm study worker does). */
export function loadOpenAiClient(): void {
  openAiModule();
}

function openAiModule(): OpenAiModule {
  // Lazy on purpose (see the file comment); in the bundles this resolves to dist/openai.js.
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- a lazy load of the openai client only when an LLM is used
  return openAi ??= require('openai') as OpenAiModule;
}

export class ChatTransport {
  private readonly client: OpenAI;
  readonly redactor: SecretRedactor;

  constructor(private readonly opts: ChatTransportOptions) {
    this.redactor = new SecretRedactor([opts.apiKey, ...Object.values(opts.headers ?? {}), ...urlCredentials(opts.baseUrl)]);
    this.client = createClient(opts);
  }

  async attempt(request: CachedRequest, tokenLimitName: TokenLimitName, signal: AbortSignal | undefined): Promise<AttemptOutcome> {
    if (signal?.aborted) return { kind: 'cancelled' };
    const controller = new AbortController();
    let timedOut = false;
    const attemptEnded = new AbortController();
    this.opts.timeoutTimer(this.opts.timeoutMs, attemptEnded.signal, request).then(() => {
      timedOut = true;
      controller.abort();
    }, () => undefined);
    const onAbort = () => controller.abort();
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      const completion: unknown = await this.client.chat.completions.create(wireBody(request, tokenLimitName), {
        signal: controller.signal,
        // Ours fires first; theirs is a backstop.
        timeout: this.opts.timeoutMs + 1000,
        maxRetries: 0,
      });
      return parseCompletion(completion, request);
    } catch (error) {
      if (signal?.aborted) return { kind: 'cancelled' };
      if (timedOut) return failure('timeout', `no reply within ${this.opts.timeoutMs} ms`);
      return { kind: 'failure', failure: this.classify(error) };
    } finally {
      attemptEnded.abort();
      signal?.removeEventListener('abort', onAbort);
    }
  }

  private classify(error: unknown): AttemptFailure {
    const redact = (text: string) => this.redactor.redact(text);
    const { APIConnectionError, APIConnectionTimeoutError, APIError } = openAiModule();
    const tooLarge = replyTooLargeIn(error);
    if (tooLarge) return { reason: 'tooLarge', detail: tooLarge.message };
    if (error instanceof APIConnectionTimeoutError) {
      return { reason: 'timeout', detail: `no reply within ${this.opts.timeoutMs} ms` };
    }
    if (error instanceof APIConnectionError) {
      return { reason: 'connection', detail: redact(`connection error: ${causeChain(error.cause)}`) };
    }
    if (error instanceof APIError && typeof error.status === 'number') {
      // The package prefixes the status; bodies can be whole HTML error pages.
      const message = clip(error.message.replace(/^\d{3}\s*/, ''), 300);
      return {
        reason: 'http',
        status: error.status,
        detail: redact(`HTTP ${error.status}: ${message}`),
        retryAfterMs: parseRetryAfter(error.headers, this.opts.now()),
        ...(typeof error.param === 'string' ? { param: error.param } : {}),
      };
    }
    if (error instanceof SyntaxError) return { reason: 'malformed', detail: redact(`reply is not JSON (${error.message})`) };
    const message = error instanceof Error ? error.message : String(error);
    return { reason: 'connection', detail: redact(`request failed: ${message}`) };
  }
}

/** "fetch failed: connect ECONNREFUSED 127.0.0.1:9" rather than just "fetch failed". */
function causeChain(cause: unknown): string {
  const parts: string[] = [];
  for (let c = cause, depth = 0; c instanceof Error && depth < 4; c = c.cause, depth++) parts.push(c.message);
  return parts.length > 0 ? parts.join(': ') : 'unknown cause';
}

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max)}…`;
}

function failure(reason: AttemptFailure['reason'], detail: string): AttemptOutcome {
  return { kind: 'failure', failure: { reason, detail } };
}

function createClient(opts: ChatTransportOptions): OpenAI {
  const { url, basicAuthorization } = withoutUrlCredentials(opts.baseUrl);
  // Without a key, credentials in the URL are the authorization (a key, when given, wins as Bearer).
  const authorization = !opts.apiKey && basicAuthorization ? { Authorization: basicAuthorization } : {};
  const common = {
    baseURL: url,
    defaultHeaders: { ...authorization, ...opts.headers },
    maxRetries: 0,
    timeout: opts.timeoutMs + 1000,
    // Never read OPENAI_ORG_ID / OPENAI_LOG from the environment; never log.
    organization: null,
    project: null,
    logLevel: 'off' as const,
    fetch: sizeLimitedFetch(opts.fetch ?? globalThis.fetch),
  };
  const openai = openAiModule();
  if (opts.kind === 'azure' && !/\/openai\/v1\/?$/.test(url)) {
    if (!opts.apiKey) throw new LlmConfigError('Azure OpenAI needs an API key');
    return new openai.AzureOpenAI({
      ...common,
      apiKey: opts.apiKey,
      apiVersion: opts.azureApiVersion ?? DEFAULT_AZURE_API_VERSION,
    });
  }
  const defaultQuery = opts.azureApiVersion ? { 'api-version': opts.azureApiVersion } : undefined;
  return new openai.OpenAI({ ...common, apiKey: opts.apiKey || PLACEHOLDER_KEY, defaultQuery });
}

/** The request under the reply-limit name the endpoint takes (EndpointCapabilities.tokenLimitName). */
function wireBody(request: CachedRequest, tokenLimitName: TokenLimitName): OpenAI.ChatCompletionCreateParamsNonStreaming {
  const tokenLimit = request.max_tokens === undefined ? {} : { [tokenLimitName]: request.max_tokens };
  const format = request.response_format;
  return {
    model: request.model,
    messages: request.messages.map((m) => ({ role: m.role, content: m.content })),
    ...defined({
      temperature: request.temperature,
      top_p: request.top_p,
      n: request.n,
      seed: request.seed,
      logprobs: request.logprobs,
      top_logprobs: request.top_logprobs,
    }),
    ...(format === undefined ? {} : { response_format: format === 'json_object' ? { type: 'json_object' as const } : format }),
    ...tokenLimit,
  };
}

function defined<T extends Record<string, unknown>>(fields: T): Partial<T> {
  const out: Partial<T> = {};
  for (const key of Object.keys(fields) as (keyof T)[]) if (fields[key] !== undefined) out[key] = fields[key];
  return out;
}

function parseCompletion(completion: unknown, request: CachedRequest): AttemptOutcome {
  if (!isRecord(completion) || !Array.isArray(completion.choices)) {
    return failure('malformed', 'reply has no choices array');
  }
  if (completion.choices.length === 0) return failure('empty', 'empty reply (no choices)');
  const choices = completion.choices.map((c) => (isRecord(c) ? c : {}));
  const logprobs = choices.map((c) => tokenLogprobs(c.logprobs));
  const usage = isRecord(completion.usage) ? completion.usage : {};
  const details = isRecord(usage.prompt_tokens_details) ? usage.prompt_tokens_details : {};
  const messages = choices.map((c) => (isRecord(c.message) ? c.message : {}));
  const reasoningChars = messages.reduce((sum, m) => sum + reasoningLength(m), 0);
  return {
    kind: 'reply',
    reply: {
      texts: messages.map((m) => (typeof m.content === 'string' ? m.content : '')),
      ...(reasoningChars > 0 ? { reasoningChars } : {}),
      finishReasons: choices.map((c) => (typeof c.finish_reason === 'string' ? c.finish_reason : 'unknown')),
      ...(logprobs.some((l) => l !== null) ? { logprobs } : {}),
      usage: {
        promptTokens: tokenCount(usage.prompt_tokens) ?? estimatePromptTokens(request),
        completionTokens: tokenCount(usage.completion_tokens) ?? estimateCompletionTokens(request),
        // Unknown cached tokens count as none: cached input is the cheaper kind, so this never under-charges.
        cachedTokens: tokenCount(details.cached_tokens) ?? 0,
      },
    },
  };
}

/**
 * Reasoning servers return beside the answer (DeepSeek and vLLM: reasoning_content; Ollama and
 * OpenRouter: reasoning). It is thinking, not the answer, so only its length is kept.
 */
function reasoningLength(message: Record<string, unknown>): number {
  const text = typeof message.reasoning_content === 'string' ? message.reasoning_content
    : typeof message.reasoning === 'string' ? message.reasoning : '';
  return text.length;
}

/** Tokens without a numeric log-probability are dropped (NaN and infinities do not survive JSON). */
function tokenLogprobs(value: unknown): TokenLogprob[] | null {
  if (!isRecord(value) || !Array.isArray(value.content)) return null;
  return value.content.filter(hasLogprob).map((t) => ({
    token: String(t.token ?? ''),
    logprob: t.logprob,
    topLogprobs: (Array.isArray(t.top_logprobs) ? t.top_logprobs : [])
      .filter(hasLogprob)
      .map((alt) => ({ token: String(alt.token ?? ''), logprob: alt.logprob })),
  }));
}

function hasLogprob(value: unknown): value is Record<string, unknown> & { logprob: number } {
  return isRecord(value) && typeof value.logprob === 'number' && Number.isFinite(value.logprob);
}

/**
 * A reported token count, or undefined when it cannot be trusted (absent, a string, negative, 1e309):
 * counting those as 0 would let a priced model spend without the dollar budget ever applying.
 */
function tokenCount(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
