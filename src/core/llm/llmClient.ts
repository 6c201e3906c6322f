/**
 * The LLM client the LLAMBO searcher talks to: reply cache first, then budget, concurrency and rate
 * limits, then HTTP attempts with our own retry loop (so every retry is counted), then usage and cost.
 * It never logs and never stores the API key; errors are typed (llmErrors.ts).
 */
import { abortableSleep, type Sleep } from './abortableSleep';
import { ChatTransport } from './chatTransport';
import { inferEndpointKind } from './endpointKind';
import { LlmBudget } from './llmBudget';
import { LlmCancelled, LlmError, LlmRequestFailed, ReplyCacheMiss } from './llmErrors';
import type { ChatRequest, ChatResult, EndpointKind, LlmClientOptions, LlmTotals, ReplyCacheMode } from './llmTypes';
import { DEFAULT_PRICES, estimateCost, type PriceTable } from './priceTable';
import { RateLimiter } from './rateLimiter';
import { ReplyCache, type CachedReply, type ReplyCacheEntry } from './replyCache';
import { cachedRequestOf, replyCacheKey, type CachedRequest } from './replyCacheKey';
import { backoffMs, DEFAULT_BACKOFF, isRetryable, type BackoffSettings } from './retryPolicy';
import { Semaphore } from './semaphore';
import { SeededRandom } from '../random/seededRandom';

const DEFAULTS = { concurrency: 4, timeoutMs: 60_000, maxRetries: 4, maxRetryAfterMs: 120_000 };

interface LiveReply {
  readonly reply: CachedReply;
  readonly attempts: number;
  readonly latencySeconds: number;
}

type MutableTotals = { -readonly [K in keyof LlmTotals]: LlmTotals[K] };

export class LlmClient {
  readonly model: string;
  readonly endpointKind: EndpointKind;
  readonly budget: LlmBudget;
  private readonly transport: ChatTransport;
  private readonly semaphore: Semaphore;
  private readonly rateLimiter: RateLimiter;
  private readonly cache: ReplyCache | undefined;
  private readonly cacheMode: ReplyCacheMode;
  private readonly prices: PriceTable;
  private readonly backoff: BackoffSettings;
  private readonly maxRetries: number;
  private readonly maxRetryAfterMs: number;
  private readonly sleep: Sleep;
  private readonly random: () => number;
  private readonly now: () => number;
  private readonly onWait: LlmClientOptions['onWait'];
  private readonly occurrences = new Map<string, number>();
  private readonly counts: MutableTotals = {
    requests: 0, httpRequests: 0, promptTokens: 0, completionTokens: 0, cachedTokens: 0,
    costUsd: 0, recordedCostUsd: 0, cacheHits: 0, retries: 0, failures: 0, cancellations: 0,
  };

  constructor(opts: LlmClientOptions) {
    this.model = opts.model;
    this.endpointKind = opts.endpointKind ?? inferEndpointKind(opts.baseUrl, opts.azureApiVersion);
    this.now = opts.now ?? Date.now;
    this.onWait = opts.onWait;
    this.sleep = opts.sleep ?? abortableSleep;
    this.random = opts.random ?? seededJitter();
    this.maxRetries = nonNegativeInteger('maxRetries', opts.maxRetries ?? DEFAULTS.maxRetries);
    this.maxRetryAfterMs = opts.maxRetryAfterMs ?? DEFAULTS.maxRetryAfterMs;
    this.backoff = {
      ...DEFAULT_BACKOFF,
      initialBackoffMs: opts.initialBackoffMs ?? DEFAULT_BACKOFF.initialBackoffMs,
      maxBackoffMs: opts.maxBackoffMs ?? DEFAULT_BACKOFF.maxBackoffMs,
    };
    this.prices = { ...DEFAULT_PRICES, ...opts.prices };
    this.budget = new LlmBudget(opts.budget);
    this.semaphore = new Semaphore(opts.concurrency ?? DEFAULTS.concurrency);
    this.rateLimiter = new RateLimiter(
      {
        requestsPerMinute: positiveOrUndefined('requestsPerMinute', opts.requestsPerMinute),
        tokensPerMinute: positiveOrUndefined('tokensPerMinute', opts.tokensPerMinute),
      },
      this.now,
      (ms, signal) => { opts.onWait?.({ reason: 'rateLimit', ms }); return this.sleep(ms, signal); },
    );
    this.cacheMode = opts.cache?.mode ?? 'live';
    this.cache = opts.cache && this.cacheMode !== 'live' ? new ReplyCache(opts.cache.path).load() : undefined;
    this.transport = new ChatTransport({
      baseUrl: opts.baseUrl,
      kind: this.endpointKind,
      apiKey: opts.apiKey,
      headers: opts.headers,
      azureApiVersion: opts.azureApiVersion,
      timeoutMs: opts.timeoutMs ?? DEFAULTS.timeoutMs,
      now: this.now,
      fetch: opts.fetch,
    });
  }

  get totals(): LlmTotals {
    return { ...this.counts };
  }

  /** Highest number of requests that were in flight at once. */
  get maxInFlight(): number {
    return this.semaphore.maxInUse;
  }

  /** Milliseconds spent waiting for the RPM/TPM limits. */
  get rateLimitWaitMs(): number {
    return this.rateLimiter.waitedMs;
  }

  async chat(req: ChatRequest): Promise<ChatResult> {
    if (req.messages.length === 0) throw new RangeError('chat request needs at least one message');
    if (req.signal?.aborted) throw new LlmCancelled(0);
    const request = cachedRequestOf(this.endpointKind, this.model, req);
    const key = replyCacheKey(request);
    // Taken synchronously, in call order, so concurrent identical requests replay in the order they were made.
    const occurrence = this.occurrences.get(key) ?? 0;
    this.occurrences.set(key, occurrence + 1);

    if (this.cacheMode === 'replay-strict' || this.cacheMode === 'replay-or-live') {
      const entry = this.cache!.get(key, occurrence);
      if (entry) return this.replay(entry, key, occurrence);
      if (this.cacheMode === 'replay-strict') throw cacheMiss(req, key, occurrence);
    }

    this.budget.admit();
    this.counts.requests++;
    const live = await this.callLive(request, req.signal);
    const cost = estimateCost(this.prices, this.model, this.endpointKind, live.reply.usage);
    this.addUsage(live.reply);
    this.counts.costUsd += cost.usd;
    this.budget.charge(live.reply.usage.promptTokens + live.reply.usage.completionTokens, cost.usd);
    if (this.cache) {
      this.cache.append(cacheEntry(key, occurrence, req, request, live, cost.usd, cost.known, this.now()));
    }
    return {
      ...replyFields(live.reply),
      latencySeconds: live.latencySeconds,
      retries: live.attempts - 1,
      costUsd: cost.usd,
      recordedCostUsd: cost.usd,
      costKnown: cost.known,
      cacheHit: false,
      cacheKey: key,
      cacheOccurrence: occurrence,
    };
  }

  private replay(entry: ReplyCacheEntry, key: string, occurrence: number): ChatResult {
    // Charged like the recording was, so a replay meets the budget limit at the same call.
    this.budget.admit();
    this.budget.charge(entry.reply.usage.promptTokens + entry.reply.usage.completionTokens, entry.recordedCostUsd);
    this.counts.requests++;
    this.counts.cacheHits++;
    this.counts.recordedCostUsd += entry.recordedCostUsd;
    this.addUsage(entry.reply);
    return {
      ...replyFields(entry.reply),
      latencySeconds: entry.latencySeconds,
      retries: 0,
      costUsd: 0,
      recordedCostUsd: entry.recordedCostUsd,
      costKnown: entry.costKnown,
      cacheHit: true,
      cacheKey: key,
      cacheOccurrence: occurrence,
    };
  }

  private addUsage(reply: CachedReply): void {
    this.counts.promptTokens += reply.usage.promptTokens;
    this.counts.completionTokens += reply.usage.completionTokens;
    this.counts.cachedTokens += reply.usage.cachedTokens;
  }

  private async callLive(request: CachedRequest, signal: AbortSignal | undefined): Promise<LiveReply> {
    let attempts = 0;
    let release: (() => void) | undefined;
    try {
      release = await this.semaphore.acquire(signal);
      const estimate = estimateTokens(request);
      let start = 0;
      let emptyRetried = false;
      for (;;) {
        const permit = this.rateLimiter.isLimited ? await this.rateLimiter.acquire(estimate, signal) : undefined;
        if (attempts === 0) start = this.now();
        else this.counts.retries++;
        attempts++;
        this.counts.httpRequests++;
        const outcome = await this.transport.attempt(request, signal);
        if (outcome.kind === 'cancelled') throw new LlmCancelled(attempts);
        if (outcome.kind === 'reply') {
          const used = outcome.reply.usage.promptTokens + outcome.reply.usage.completionTokens;
          permit?.settle(used > 0 ? used : estimate);
          return { reply: outcome.reply, attempts, latencySeconds: (this.now() - start) / 1000 };
        }
        const failure = outcome.failure;
        let retry = isRetryable(failure) && attempts <= this.maxRetries;
        if (retry && failure.reason === 'empty') {
          retry = !emptyRetried;
          emptyRetried = true;
        }
        if (retry && failure.retryAfterMs !== undefined && failure.retryAfterMs > this.maxRetryAfterMs) {
          const seconds = Math.round(failure.retryAfterMs / 1000);
          throw new LlmRequestFailed('retryAfterTooLong', failure.status, attempts,
            `${failure.detail} (server asked to retry after ${seconds} s, more than the ${this.maxRetryAfterMs / 1000} s allowed)`);
        }
        if (!retry) throw new LlmRequestFailed(failure.reason, failure.status, attempts, failure.detail);
        const waitMs = failure.retryAfterMs ?? backoffMs(attempts, this.backoff, this.random);
        this.onWait?.({ reason: 'retry', ms: waitMs, attempt: attempts, detail: failure.detail });
        await this.sleep(waitMs, signal);
      }
    } catch (error) {
      const typed = error instanceof LlmError ? error : signal?.aborted ? new LlmCancelled(attempts) : undefined;
      if (typed instanceof LlmCancelled) this.counts.cancellations++;
      if (typed instanceof LlmRequestFailed) this.counts.failures++;
      throw typed ?? error;
    } finally {
      release?.();
    }
  }
}

function replyFields(reply: CachedReply): Pick<ChatResult, 'texts' | 'logprobs' | 'usage' | 'finishReasons'> {
  return {
    texts: reply.texts,
    ...(reply.logprobs ? { logprobs: reply.logprobs } : {}),
    usage: reply.usage,
    finishReasons: reply.finishReasons,
  };
}

function cacheEntry(
  key: string, occurrence: number, req: ChatRequest, request: CachedRequest, live: LiveReply,
  costUsd: number, costKnown: boolean, nowMs: number,
): ReplyCacheEntry {
  return {
    v: 1, key, occurrence,
    ...(req.tag ? { tag: { component: req.tag.component, ...(req.tag.template ? { template: req.tag.template } : {}) } } : {}),
    request, reply: live.reply, latencySeconds: live.latencySeconds,
    recordedCostUsd: costUsd, costKnown, createdAt: new Date(nowMs).toISOString(),
  };
}

function cacheMiss(req: ChatRequest, key: string, occurrence: number): ReplyCacheMiss {
  const last = req.messages[req.messages.length - 1].content;
  return new ReplyCacheMiss(key, occurrence, req.tag?.component, req.tag?.template, last.slice(0, 200));
}

/** chars/4 for the prompt plus the completion tokens the request may use. */
function estimateTokens(request: CachedRequest): number {
  let chars = 0;
  for (const m of request.messages) chars += m.content.length;
  return Math.ceil(chars / 4) + (request.max_tokens ?? 0) * (request.n ?? 1);
}

function seededJitter(): () => number {
  const rng = new SeededRandom('llm-backoff-jitter');
  return () => rng.next();
}

function nonNegativeInteger(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 0) throw new RangeError(`${name} must be an integer >= 0, got ${value}`);
  return value;
}

function positiveOrUndefined(name: string, value: number | undefined): number | undefined {
  if (value !== undefined && !(value > 0)) throw new RangeError(`${name} must be > 0, got ${value}`);
  return value;
}
