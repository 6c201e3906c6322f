/**
 * When to retry an LLM request and how long to wait: exponential backoff with seeded jitter, or the
 * server's own Retry-After / retry-after-ms when it sends one. Only 429, 5xx, timeouts, connection
 * errors, malformed replies and (once per call) empty replies are retried; other 4xx are final.
 */
import type { RequestFailureReason } from './llmErrors';

export interface BackoffSettings {
  readonly initialBackoffMs: number;
  readonly maxBackoffMs: number;
  /** Jitter spreads each wait uniformly over [1 - j, 1 + j] times the nominal backoff. */
  readonly jitter: number;
}

/**
 * Longest server-asked wait (Retry-After) a request sits through: a 429 with Retry-After: 100 would
 * otherwise hold every call 4 x 100 s. Longer asks fail the call at once, saying what the server asked.
 */
export const MAX_RETRY_AFTER_MS = 30_000;

export const DEFAULT_BACKOFF: BackoffSettings = { initialBackoffMs: 1000, maxBackoffMs: 30_000, jitter: 0.25 };

/** A failed attempt, already classified; `detail` is redacted. */
export interface AttemptFailure {
  readonly reason: RequestFailureReason;
  readonly status?: number;
  readonly detail: string;
  /** Milliseconds the server asked us to wait, if it said so. */
  readonly retryAfterMs?: number;
  /** The request field an HTTP error names (OpenAI's error.param), if it names one. */
  readonly param?: string;
}

export function isRetryableStatus(status: number): boolean {
  return status === 429 || status >= 500;
}

export function isRetryable(failure: AttemptFailure): boolean {
  switch (failure.reason) {
    case 'http':
      return failure.status !== undefined && isRetryableStatus(failure.status);
    case 'timeout':
    case 'connection':
    case 'malformed':
    case 'empty':
      return true;
    case 'retryAfterTooLong':
    case 'tooLarge': // the same request would bring the same oversized reply, paid again
      return false;
  }
}

/** Nominal wait before retry number `retry` (1-based), before jitter. */
export function nominalBackoffMs(retry: number, settings: BackoffSettings): number {
  return Math.min(settings.maxBackoffMs, settings.initialBackoffMs * 2 ** (retry - 1));
}

export function backoffMs(retry: number, settings: BackoffSettings, random: () => number): number {
  const nominal = nominalBackoffMs(retry, settings);
  return Math.round(nominal * (1 - settings.jitter + 2 * settings.jitter * random()));
}

/**
 * Milliseconds from `retry-after-ms` (preferred, fractional allowed) or `retry-after` (delta seconds or
 * an HTTP date, relative to `nowMs`). Undefined when absent or unparseable; never negative.
 */
export function parseRetryAfter(
  headers: { get(name: string): string | null } | undefined,
  nowMs: number,
): number | undefined {
  if (!headers) return undefined;
  const ms = headers.get('retry-after-ms');
  if (ms !== null && ms.trim() !== '') {
    const value = Number(ms);
    if (Number.isFinite(value) && value >= 0) return value;
  }
  const raw = headers.get('retry-after');
  if (raw === null || raw.trim() === '') return undefined;
  const trimmed = raw.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Number(trimmed) * 1000;
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - nowMs);
}
