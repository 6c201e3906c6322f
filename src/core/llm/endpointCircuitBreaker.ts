/**
 * Stops a study from calling an endpoint that cannot answer: after a few consecutive connection
 * failures (refused, reset, timed out: each already retried by the client) or at once on a 401/403
 * (the key will not start working mid-study), every later call fails at once with
 * LlmEndpointDisabled, without a request, and the searcher falls back for the rest of the study.
 * Without it a dead endpoint
 * costs every remaining call its full retry schedule (minutes to hours of wall time) and a bad key
 * sends hundreds of doomed requests.
 */
import { setMaxListeners } from 'node:events';
import { hasErrorCode } from './llmErrors';
import type { ChatRequest } from './llmTypes';

/** Consecutive connection failures that open the breaker. */
export const DEFAULT_CONNECTION_FAILURES_TO_OPEN = 3;

/** Thrown instead of sending a request once the breaker is open, and by the calls it abandoned as it opened. */
const ENDPOINT_DISABLED = 'endpointDisabled';

export class LlmEndpointDisabled extends Error {
  readonly code = ENDPOINT_DISABLED;
  constructor(readonly reason: string, abandoned = false) {
    super(`${abandoned ? 'abandoned in flight' : 'not sent'}, the LLM endpoint is disabled for the rest of the study: ${reason}`);
    this.name = 'LlmEndpointDisabled';
  }
}

export function isEndpointDisabled(error: unknown): boolean {
  return hasErrorCode(error, ENDPOINT_DISABLED);
}

export interface CircuitBreakerOptions {
  readonly connectionFailuresToOpen?: number;
  /** Called once, when the breaker opens, with why. */
  readonly onOpen?: (reason: string) => void;
}

export class EndpointCircuitBreaker {
  private consecutiveConnectionFailures = 0;
  private openReason: string | undefined;
  private readonly failuresToOpen: number;
  /** Aborted when the breaker opens: calls waiting for a slot, in backoff or in flight give up too. */
  private readonly opened = new AbortController();

  constructor(private readonly options: CircuitBreakerOptions = {}) {
    this.failuresToOpen = options.connectionFailuresToOpen ?? DEFAULT_CONNECTION_FAILURES_TO_OPEN;
    // Every call in flight listens on it: dozens at once is normal, not a leak.
    setMaxListeners(0, this.opened.signal);
    if (!Number.isInteger(this.failuresToOpen) || this.failuresToOpen < 1) {
      throw new RangeError(`connectionFailuresToOpen must be an integer >= 1, got ${this.failuresToOpen}`);
    }
  }

  /** Why the endpoint is no longer called, or undefined while it is. */
  get disabledReason(): string | undefined {
    return this.openReason;
  }

  /** `chat`, guarded: the same requests and results, until the breaker opens. */
  wrap<R>(chat: (request: ChatRequest) => Promise<R>): (request: ChatRequest) => Promise<R> {
    return async (request) => {
      if (this.openReason !== undefined) throw new LlmEndpointDisabled(this.openReason);
      const signal = request.signal ? AbortSignal.any([request.signal, this.opened.signal]) : this.opened.signal;
      try {
        const result = await chat({ ...request, signal });
        this.consecutiveConnectionFailures = 0;
        return result;
      } catch (error) {
        // Cancelled by the breaker, not by the caller: say why, so it is not taken for the study's cancellation.
        if (this.openReason !== undefined && !request.signal?.aborted && this.opened.signal.aborted && !isFailureThatOpened(error)) {
          throw new LlmEndpointDisabled(this.openReason, true);
        }
        this.observe(error);
        throw error;
      }
    };
  }

  private observe(error: unknown): void {
    const { reason, status } = (error ?? {}) as { reason?: unknown; status?: unknown };
    const message = error instanceof Error ? error.message : String(error);
    if (status === 401 || status === 403) {
      this.open(`the endpoint refused the API key (HTTP ${status}): ${message}`);
    } else if (reason === 'connection' || reason === 'timeout') {
      this.consecutiveConnectionFailures++;
      if (this.consecutiveConnectionFailures >= this.failuresToOpen) {
        this.open(`${this.consecutiveConnectionFailures} calls in a row could not reach it: ${message}`);
      }
    } else if (reason !== undefined) {
      // The server answered (a 4xx/5xx, a malformed reply): it is reachable, so the run of connection failures ends.
      this.consecutiveConnectionFailures = 0;
    }
  }

  private open(reason: string): void {
    if (this.openReason !== undefined) return;
    this.openReason = reason;
    this.options.onOpen?.(reason);
    this.opened.abort();
  }
}

/** A request failure (with a reason) is the call's own outcome, even if it ended after the breaker opened. */
function isFailureThatOpened(error: unknown): boolean {
  return typeof (error as { reason?: unknown } | undefined)?.reason === 'string';
}
