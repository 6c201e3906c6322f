/**
 * Whether a study's LLM is doing its job, folded from the study's events (so the live run, the CLI
 * summary and a panel reopened from disk all judge alike). Unhealthy when several calls in a row
 * failed, when fallbacks made more than a share of the new trials, or when the circuit breaker
 * disabled the endpoint. Each problem is reported once, the moment it appears, with its cause; a
 * study whose LLM never answered (or was disabled) "ran without its LLM", which the CLI's exit code says.
 * Fallbacks after a spent LLM budget are by design and do not count.
 */
import type { StudyEvent } from '../events/studyEvents';
import type { SearcherNotice } from '../searchers/searcher';

export interface LlmHealthThresholds {
  /** Failed calls in a row that make the LLM unhealthy. */
  readonly consecutiveFailedCalls: number;
  /** Share of new trials from fallbacks above which the LLM is unhealthy ... */
  readonly fallbackShare: number;
  /** ... once at least this many new trials started. */
  readonly minTrialsForShare: number;
}

export const DEFAULT_HEALTH_THRESHOLDS: LlmHealthThresholds = { consecutiveFailedCalls: 3, fallbackShare: 0.2, minTrialsForShare: 20 };

export interface LlmHealth {
  readonly status: 'healthy' | 'unhealthy';
  /** One line per problem, in the order they appeared, worded when they appeared. */
  readonly problems: readonly string[];
  /** Why the circuit breaker stopped calling the endpoint, or null. */
  readonly endpointDisabled: string | null;
  /** The endpoint was disabled, or no LLM call succeeded: the study's configs came from fallbacks. */
  readonly ranWithoutLlm: boolean;
  readonly calls: number;
  readonly failedCalls: number;
  readonly newTrials: number;
  readonly fallbackTrials: number;
}

/** The `searcherInfo` detail that marks the breaker opening in the log. */
const ENDPOINT_DISABLED_KEY = 'llmEndpointDisabled';

/** The notice the study emits when the circuit breaker opens. */
export function endpointDisabledNotice(reason: string): SearcherNotice {
  return {
    kind: 'info',
    message: `LLM endpoint disabled for the rest of the study (${reason}); new configs come from fallbacks (mutation/random)`,
    detail: { [ENDPOINT_DISABLED_KEY]: reason },
  };
}

/** "LLM unhealthy: …" for headers and summaries; undefined while healthy. */
export function unhealthyLine(health: LlmHealth): string | undefined {
  return health.problems.length === 0 ? undefined : `LLM unhealthy: ${health.problems.join('; ')}`;
}

type ProblemKind = 'failedInARow' | 'fallbackShare' | 'endpointDisabled';

export class LlmHealthMonitor {
  private readonly problems = new Map<ProblemKind, string>();
  private calls = 0;
  private succeeded = 0;
  private failedCalls = 0;
  private failedInARow = 0;
  private lastError: string | undefined;
  private parseTroubles = 0;
  private newTrials = 0;
  private fallbackTrials = 0;
  private budgetSpent = false;
  private disabledReason: string | null = null;

  constructor(
    /** Hears each problem once, when it appears. */
    private readonly onProblem?: (problem: string, health: LlmHealth) => void,
    private readonly thresholds: LlmHealthThresholds = DEFAULT_HEALTH_THRESHOLDS,
  ) {}

  readonly sink = (event: StudyEvent): void => {
    if (event.type === 'llmCall') this.onCall(event.error, (event.parseFailures?.length ?? 0) > 0, event.time);
    else if (event.type === 'trialStarted') this.onTrial(event.fallback === true, event.time);
    else if (event.type === 'searcherInfo') this.onInfo(event.detail, event.time);
  };

  get health(): LlmHealth {
    return {
      status: this.problems.size > 0 ? 'unhealthy' : 'healthy',
      problems: [...this.problems.values()],
      endpointDisabled: this.disabledReason,
      ranWithoutLlm: this.disabledReason !== null || (this.failedCalls > 0 && this.succeeded === 0),
      calls: this.calls, failedCalls: this.failedCalls, newTrials: this.newTrials, fallbackTrials: this.fallbackTrials,
    };
  }

  private onCall(error: string | undefined, parseTrouble: boolean, time: number): void {
    this.calls++;
    if (error === undefined) {
      this.succeeded++;
      this.failedInARow = 0;
      if (parseTrouble) this.parseTroubles++;
      return;
    }
    if (/^(not sent: )?LlmBudgetExhausted/.test(error)) {
      this.budgetSpent = true;
      return;
    }
    if (/^LlmEndpointDisabled: |^not sent/.test(error)) return;
    this.failedCalls++;
    this.failedInARow++;
    this.lastError = clip(error);
    if (this.failedInARow >= this.thresholds.consecutiveFailedCalls) {
      this.report('failedInARow', `${this.failedInARow} LLM calls in a row failed by ${hours(time)} (last: ${this.lastError})`);
    }
  }

  private onTrial(fallback: boolean, time: number): void {
    if (this.budgetSpent) return;
    this.newTrials++;
    if (fallback) this.fallbackTrials++;
    const { minTrialsForShare, fallbackShare } = this.thresholds;
    if (this.newTrials >= minTrialsForShare && this.fallbackTrials > fallbackShare * this.newTrials) {
      const percent = Math.round((100 * this.fallbackTrials) / this.newTrials);
      const cause = this.lastError !== undefined ? `last LLM error: ${this.lastError}`
        : this.parseTroubles > 0 ? `${this.parseTroubles} replies were not fully usable` : 'the LLM gave too few usable cells';
      this.report('fallbackShare', `${this.fallbackTrials} of ${this.newTrials} new configs (${percent}%) came from fallbacks by ${hours(time)}, not the LLM (${cause})`);
    }
  }

  private onInfo(detail: unknown, time: number): void {
    const reason = detail && typeof detail === 'object' ? (detail as Record<string, unknown>)[ENDPOINT_DISABLED_KEY] : undefined;
    if (typeof reason !== 'string') return;
    this.disabledReason = reason;
    this.report('endpointDisabled', `endpoint disabled at ${hours(time)} for the rest of the study, configs from fallbacks (${clip(reason)})`);
  }

  private report(kind: ProblemKind, problem: string): void {
    if (this.problems.has(kind)) return;
    this.problems.set(kind, problem);
    this.onProblem?.(problem, this.health);
  }
}

function hours(seconds: number): string {
  return `${(seconds / 3600).toFixed(2)} h simulated`;
}

function clip(text: string): string {
  const line = text.replace(/\s+/g, ' ');
  return line.length > 200 ? `${line.slice(0, 200)}…` : line;
}
