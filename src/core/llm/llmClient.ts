/**
 * The LLM client the LLAMBO searcher talks to: reply cache first, then budget, concurrency and rate
 * limits, then HTTP attempts with our own retry loop (so every retry is counted), then usage and cost.
 * It never logs and never stores the API key; errors are typed (llmErrors.ts).
 */
import { abortableSleep, type Sleep } from './abortableSleep';
import { ChatTransport } from './chatTransport';
import { EndpointCapabilities } from './endpointCapabilities';
import { inferEndpointKind } from './endpointKind';
import { LlmBudget, type BudgetEstimate, type BudgetReservation } from './llmBudget';
import { LlmCancelled, LlmError, LlmRequestFailed, ReplyCacheMiss } from './llmErrors';
import type { ChatRequest, ChatResult, EndpointAdaptation, EndpointKind, LlmClientOptions, LlmTotals, PriceTable, ReplyCacheMode } from './llmTypes';
import { DEFAULT_PRICES, estimateCost } from './priceTable';
import { RateLimiter } from './rateLimiter';
import { ReplyCache, type CachedReply, type ReplyCacheEntry } from './replyCache';
import { cachedRequestOf, replyCacheKey, type CachedRequest } from './replyCacheKey';
import { backoffMs, DEFAULT_BACKOFF, isRetryable, MAX_RETRY_AFTER_MS, type AttemptFailure, type BackoffSettings } from './retryPolicy';
import { Semaphore } from './semaphore';
import { estimateCompletionTokens, estimatePromptTokens, estimateTokens } from './tokenEstimate';
import { SeededRandom } from '../random/seededRandom';

const DEFAULTS = { concurrency: 4, timeoutMs: 60_000, maxRetries: 4, maxRetryAfterMs: MAX_RETRY_AFTER_MS };

interface LiveReply {
  readonly reply: CachedReply;
  readonly attempts: number;
  readonly latencySeconds: number;
  /** The request as finally sent, its cache key and occurrence. */
  readonly slot: RequestSlot;
  readonly adaptations: readonly EndpointAdaptation[];
}

/** A request in the shape it is sent, with its cache key and its occurrence number for that key. */
interface RequestSlot {
  readonly sent: CachedRequest;
  readonly key: string;
  readonly occurrence: number;
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
  private readonly capabilities: EndpointCapabilities;
  /**
   * Held by a request that carries something the endpoint has not accepted yet (a response_format
   * level, a sampling parameter), so concurrent requests do not all meet the same refusal: the
   * others wait for its outcome and are then sent in the shape it taught.
   */
  private readonly probeGate = new Semaphore(1);
  private readonly onAdaptation: ((adaptation: EndpointAdaptation) => void) | undefined;
  private readonly learnt: EndpointAdaptation[] = [];
  private readonly counts: MutableTotals = {
    requests: 0, httpRequests: 0, promptTokens: 0, completionTokens: 0, cachedTokens: 0,
    costUsd: 0, recordedCostUsd: 0, cacheHits: 0, retries: 0, failures: 0, cancellations: 0, refusedRequests: 0,
  };

  /** Set when the reply cache's cut-off last line was dropped on load: the study shows it once. */
  get cacheNotice(): string | undefined {
    return this.cache?.droppedTornLineNotice;
  }

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
    this.capabilities = new EndpointCapabilities(opts.responseFormat ?? 'auto', this.endpointKind);
    this.onAdaptation = opts.onAdaptation;
    this.cacheMode = opts.cache?.mode ?? 'live';
    this.cache = opts.cache && this.cacheMode !== 'live' ? new ReplyCache(opts.cache.path).load() : undefined;
    this.transport = new ChatTransport({
      baseUrl: opts.baseUrl,
      kind: this.endpointKind,
      apiKey: opts.apiKey,
      headers: opts.headers,
      azureApiVersion: opts.azureApiVersion,
      timeoutMs: opts.timeoutMs ?? DEFAULTS.timeoutMs,
      timeoutTimer: opts.timeoutTimer ?? abortableSleep,
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

  /** Everything learnt about the endpoint so far, in the order learnt. */
  get adaptations(): readonly EndpointAdaptation[] {
    return this.learnt.slice();
  }

  /** Milliseconds spent waiting for the RPM/TPM limits. */
  get rateLimitWaitMs(): number {
    return this.rateLimiter.waitedMs;
  }

  async chat(req: ChatRequest): Promise<ChatResult> {
    if (req.messages.length === 0) throw new RangeError('chat request needs at least one message');
    if (req.signal?.aborted) throw new LlmCancelled(0);
    const asked = cachedRequestOf(this.endpointKind, this.model, req);

    if (this.cacheMode === 'replay-strict' || this.cacheMode === 'replay-or-live') {
      const recorded = this.findRecorded(asked);
      if (recorded) return this.replay(recorded.entry, recorded.slot, recorded.adaptations);
      if (this.cacheMode === 'replay-strict') {
        const sent = this.capabilities.shape(asked);
        const key = replyCacheKey(sent);
        throw cacheMiss(req, key, this.occurrences.get(key) ?? 0);
      }
    }

    const shaped = this.capabilities.shape(asked);
    const reservation = this.budget.admit(this.estimateSpend(shaped));
    this.counts.requests++;
    let live: LiveReply;
    try {
      // Numbered now, in call order, so concurrent identical requests replay in the order they were made.
      live = await this.callLive(asked, this.reserve(shaped), req.signal, reservation);
    } catch (error) {
      reservation.release();
      throw error;
    }
    const cost = estimateCost(this.prices, this.model, this.endpointKind, live.reply.usage);
    this.addUsage(live.reply);
    this.counts.costUsd += cost.usd;
    reservation.settle(live.reply.usage.promptTokens + live.reply.usage.completionTokens, cost.usd);
    if (this.cache) {
      this.cache.append(cacheEntry(live.slot, req, live, cost.usd, cost.known, this.now()));
    }
    return {
      ...replyFields(live.reply, live.slot.sent),
      adaptations: live.adaptations,
      latencySeconds: live.latencySeconds,
      retries: live.attempts - 1,
      costUsd: cost.usd,
      recordedCostUsd: cost.usd,
      costKnown: cost.known,
      cacheHit: false,
      cacheKey: live.slot.key,
      cacheOccurrence: live.slot.occurrence,
    };
  }

  /** Tokens and dollars a request is expected to spend, reserved from the budget while it is in flight. */
  private estimateSpend(request: CachedRequest): BudgetEstimate {
    const promptTokens = estimatePromptTokens(request);
    const completionTokens = estimateCompletionTokens(request);
    const cost = estimateCost(this.prices, this.model, this.endpointKind, { promptTokens, completionTokens, cachedTokens: 0 });
    return { tokens: promptTokens + completionTokens, usd: cost.usd };
  }

  private reserve(sent: CachedRequest): RequestSlot {
    const key = replyCacheKey(sent);
    const occurrence = this.occurrences.get(key) ?? 0;
    this.occurrences.set(key, occurrence + 1);
    return { sent, key, occurrence };
  }

  /**
   * The recorded reply of a request, looked up in the shape the endpoint accepts as far as known,
   * then in the shapes a recorded study may have been pushed to by refusals (which are then adopted).
   */
  private findRecorded(asked: CachedRequest): { entry: ReplyCacheEntry; slot: RequestSlot; adaptations: EndpointAdaptation[] } | undefined {
    for (const shape of this.capabilities.recordedShapes(asked)) {
      const key = replyCacheKey(shape.sent);
      const entry = this.cache!.get(key, this.occurrences.get(key) ?? 0);
      if (!entry) continue;
      const adaptations = this.capabilities.adoptRecorded(shape, asked.response_format !== undefined);
      for (const adaptation of adaptations) this.remember(adaptation);
      return { entry, slot: this.reserve(shape.sent), adaptations };
    }
    return undefined;
  }

  private remember(adaptation: EndpointAdaptation): void {
    this.learnt.push(adaptation);
    this.onAdaptation?.(adaptation);
  }

  private replay(entry: ReplyCacheEntry, slot: RequestSlot, adaptations: readonly EndpointAdaptation[]): ChatResult {
    // Charged like the recording was, so a replay meets the budget limit at the same call.
    this.budget.admit().settle(entry.reply.usage.promptTokens + entry.reply.usage.completionTokens, entry.recordedCostUsd);
    this.counts.requests++;
    this.counts.cacheHits++;
    this.counts.recordedCostUsd += entry.recordedCostUsd;
    this.addUsage(entry.reply);
    return {
      ...replyFields(entry.reply, slot.sent),
      adaptations,
      latencySeconds: entry.latencySeconds,
      retries: 0,
      costUsd: 0,
      recordedCostUsd: entry.recordedCostUsd,
      costKnown: entry.costKnown,
      cacheHit: true,
      cacheKey: slot.key,
      cacheOccurrence: slot.occurrence,
    };
  }

  private addUsage(reply: CachedReply): void {
    this.counts.promptTokens += reply.usage.promptTokens;
    this.counts.completionTokens += reply.usage.completionTokens;
    this.counts.cachedTokens += reply.usage.cachedTokens;
  }

  private async callLive(asked: CachedRequest, reserved: RequestSlot, signal: AbortSignal | undefined, budget: BudgetReservation): Promise<LiveReply> {
    let attempts = 0;
    let slot = reserved;
    const adaptations: EndpointAdaptation[] = [];
    let release: (() => void) | undefined;
    let releaseProbe: (() => void) | undefined;
    try {
      for (;;) {
        if (!releaseProbe && this.capabilities.isUnconfirmed(this.capabilities.shape(asked))) {
          // Never wait for the gate while holding a concurrency permit the gate's holder may need.
          release?.();
          release = undefined;
          releaseProbe = await this.probeGate.acquire(signal);
          // The request ahead may have confirmed everything this one carries: no need to go alone.
          if (!this.capabilities.isUnconfirmed(this.capabilities.shape(asked))) {
            releaseProbe();
            releaseProbe = undefined;
          }
        }
        slot = this.reshaped(asked, slot);
        release ??= await this.semaphore.acquire(signal);
        const outcome = await this.attemptWithRetries(slot.sent, signal, attempts, budget);
        attempts = outcome.attempts;
        if (outcome.kind === 'reply') {
          this.capabilities.confirm(slot.sent);
          return { reply: outcome.reply, attempts, latencySeconds: outcome.latencySeconds, slot, adaptations };
        }
        const adaptation = this.capabilities.learn(outcome.failure, slot.sent);
        if (!adaptation) throw new LlmRequestFailed(outcome.failure.reason, outcome.failure.status, attempts, outcome.failure.detail);
        this.counts.refusedRequests++;
        adaptations.push(adaptation);
        this.remember(adaptation);
      }
    } catch (error) {
      const typed = error instanceof LlmError ? error : signal?.aborted ? new LlmCancelled(attempts) : undefined;
      if (typed instanceof LlmCancelled) this.counts.cancellations++;
      if (typed instanceof LlmRequestFailed) this.counts.failures++;
      throw typed ?? error;
    } finally {
      release?.();
      releaseProbe?.();
    }
  }

  /** The slot of the request in its current shape: renumbered when what was learnt changed the shape. */
  private reshaped(asked: CachedRequest, slot: RequestSlot): RequestSlot {
    const sent = this.capabilities.shape(asked);
    return replyCacheKey(sent) === slot.key ? slot : this.reserve(sent);
  }

  /**
   * HTTP attempts of one shape of a request, with backoff, until a reply, a failure not worth
   * retrying (returned, so a refusal can be read), or a failure that ends the call (thrown).
   */
  private async attemptWithRetries(
    sent: CachedRequest, signal: AbortSignal | undefined, attemptsBefore: number, budget: BudgetReservation,
  ): Promise<{ kind: 'reply'; reply: CachedReply; attempts: number; latencySeconds: number } | { kind: 'failure'; failure: AttemptFailure; attempts: number }> {
    const estimate = estimateTokens(sent);
    let attempts = attemptsBefore;
    let start = 0;
    let emptyRetried = false;
    for (let tries = 0; ; tries++) {
      const permit = this.rateLimiter.isLimited ? await this.rateLimiter.acquire(estimate, signal) : undefined;
      budget.checkBeforeSend();
      if (tries === 0) start = this.now();
      else this.counts.retries++;
      attempts++;
      this.counts.httpRequests++;
      const outcome = await this.transport.attempt(sent, this.capabilities.tokenLimitName, signal);
      if (outcome.kind === 'cancelled') throw new LlmCancelled(attempts);
      if (outcome.kind === 'reply') {
        const used = outcome.reply.usage.promptTokens + outcome.reply.usage.completionTokens;
        permit?.settle(used > 0 ? used : estimate);
        return { kind: 'reply', reply: outcome.reply, attempts, latencySeconds: (this.now() - start) / 1000 };
      }
      const failure = outcome.failure;
      let retry = isRetryable(failure) && tries < this.maxRetries;
      if (retry && failure.reason === 'empty') {
        retry = !emptyRetried;
        emptyRetried = true;
      }
      if (retry && failure.retryAfterMs !== undefined && failure.retryAfterMs > this.maxRetryAfterMs) {
        const seconds = Math.round(failure.retryAfterMs / 1000);
        throw new LlmRequestFailed('retryAfterTooLong', failure.status, attempts,
          `${failure.detail} (server asked to retry after ${seconds} s, more than the ${this.maxRetryAfterMs / 1000} s allowed)`);
      }
      if (!retry) return { kind: 'failure', failure, attempts };
      const waitMs = failure.retryAfterMs ?? backoffMs(tries + 1, this.backoff, this.random);
      this.onWait?.({ reason: 'retry', ms: waitMs, attempt: attempts, detail: failure.detail });
      await this.sleep(waitMs, signal);
    }
  }
}

function replyFields(reply: CachedReply, sent: CachedRequest): Pick<ChatResult, 'texts' | 'logprobs' | 'usage' | 'finishReasons' | 'responseFormat' | 'reasoningChars'> {
  return {
    texts: reply.texts,
    ...(reply.logprobs ? { logprobs: reply.logprobs } : {}),
    usage: reply.usage,
    finishReasons: reply.finishReasons,
    responseFormat: EndpointCapabilities.levelOf(sent),
    reasoningChars: reply.reasoningChars ?? 0,
  };
}

function cacheEntry(
  slot: RequestSlot, req: ChatRequest, live: LiveReply, costUsd: number, costKnown: boolean, nowMs: number,
): ReplyCacheEntry {
  return {
    v: 1, key: slot.key, occurrence: slot.occurrence,
    ...(req.tag ? { tag: { component: req.tag.component, ...(req.tag.template ? { template: req.tag.template } : {}) } } : {}),
    request: slot.sent, reply: live.reply, latencySeconds: live.latencySeconds,
    recordedCostUsd: costUsd, costKnown, createdAt: new Date(nowMs).toISOString(),
  };
}

function cacheMiss(req: ChatRequest, key: string, occurrence: number): ReplyCacheMiss {
  const last = req.messages[req.messages.length - 1].content;
  return new ReplyCacheMiss(key, occurrence, req.tag?.component, req.tag?.template, last.slice(0, 200));
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
