/**
 * Typed errors of the LLM client. Callers branch on `code` (code outside the client may not share its
 * classes: a second bundle or a test double) rather than on messages or class names; messages are
 * built from redacted text only, so they never contain the API key.
 */

export type BudgetDimension = 'requests' | 'tokens' | 'usd';

export type LlmErrorCode = 'budgetExhausted' | 'replyCacheMiss' | 'requestFailed' | 'cancelled' | 'config';

/** Whether `error` carries `code` (the one way errors are recognised across bundles and test doubles). */
export function hasErrorCode(error: unknown, code: string): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === code;
}

export abstract class LlmError extends Error {
  abstract readonly code: LlmErrorCode;
}

/** The budget is used up; the call made no HTTP request and changed no counter. */
export class LlmBudgetExhausted extends LlmError {
  readonly code = 'budgetExhausted' as const;
  constructor(
    readonly dimension: BudgetDimension,
    readonly limit: number,
    readonly spent: number,
  ) {
    super(`LLM budget exhausted: ${dimension} ${formatAmount(dimension, spent)} of ${formatAmount(dimension, limit)} used`);
    this.name = 'LlmBudgetExhausted';
  }
}

/** replay-strict found no recorded reply for a request. */
export class ReplyCacheMiss extends LlmError {
  readonly code = 'replyCacheMiss' as const;
  constructor(
    readonly key: string,
    readonly occurrence: number,
    readonly component: string | undefined,
    readonly template: string | undefined,
    /** First 200 characters of the last message. */
    readonly preview: string,
  ) {
    const who = component ? `${component}${template ? `/${template}` : ''}` : 'untagged request';
    super(
      `Reply cache miss (replay-strict) for ${who}, key ${key}` +
        (occurrence > 0 ? ` (occurrence ${occurrence})` : '') +
        `: "${preview}"`,
    );
    this.name = 'ReplyCacheMiss';
  }
}

export type RequestFailureReason = 'http' | 'timeout' | 'connection' | 'malformed' | 'empty' | 'retryAfterTooLong' | 'tooLarge';

/** The request failed for good (after the retries it was allowed). */
export class LlmRequestFailed extends LlmError {
  readonly code = 'requestFailed' as const;
  constructor(
    readonly reason: RequestFailureReason,
    /** HTTP status of the last attempt, when there was one. */
    readonly status: number | undefined,
    readonly attempts: number,
    detail: string,
  ) {
    super(`LLM request failed after ${attempts} attempt${attempts === 1 ? '' : 's'}: ${detail}`);
    this.name = 'LlmRequestFailed';
  }
}

/** The caller's AbortSignal fired. */
export class LlmCancelled extends LlmError {
  readonly code = 'cancelled' as const;
  constructor(readonly attempts: number) {
    super('LLM request cancelled');
    this.name = 'LlmCancelled';
  }
}

/** The options cannot work (e.g. Azure without a key or api-version); thrown by the constructor. */
export class LlmConfigError extends LlmError {
  readonly code = 'config' as const;
  constructor(message: string) {
    super(message);
    this.name = 'LlmConfigError';
  }
}

function formatAmount(dimension: BudgetDimension, value: number): string {
  return dimension === 'usd' ? `$${value.toFixed(4)}` : String(value);
}
