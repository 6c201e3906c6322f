/**
 * The one list of ranges for every number a study takes: spec fields, CLI flags and the extension's
 * settings (package.json minimum/maximum, checked against this list by a test). An upper bound exists
 * for every value because an unbounded one is an out-of-memory or a timer overflow waiting to happen
 * (`--eta 1e9`, `compare --seeds 1e9`, a timeout above 2^31-1 ms that Node turns into 1 ms).
 */

export interface NumericRange {
  readonly min: number;
  readonly max: number;
  readonly integer: boolean;
  /** `min` itself is not allowed (a budget of 0 hours). */
  readonly minExclusive?: boolean;
}

const int = (min: number, max: number): NumericRange => ({ min, max, integer: true });
const real = (min: number, max: number, minExclusive = false): NumericRange => ({ min, max, integer: false, minExclusive });

/** Node timers hold a signed 32-bit millisecond count; a longer delay silently becomes 1 ms. */
export const MAX_TIMER_MS = 2 ** 31 - 1;
/** NB201 trains 200 epochs: no rung can ask for more. */
const NB201_EPOCHS = 200;
const MAX_HOURS = 1000;
/** Seeds of one compare or bench run: each is a whole study per searcher. */
const MAX_SEEDS = 1000;

export const NUMERIC_RANGES = {
  workers: int(1, 256),
  hours: real(0, MAX_HOURS, true),
  budgetSeconds: real(0, MAX_HOURS * 3600, true),
  maxTrials: int(1, 10_000_000),
  seed: int(0, 0xffffffff),
  rMin: int(1, NB201_EPOCHS - 1),
  eta: real(2, 100),
  rMax: int(1, NB201_EPOCHS),
  seeds: int(1, MAX_SEEDS),
  secondsPerSuggestion: real(0, 86_400),
  secondsPerLlmCall: real(0, 86_400),
  llmConcurrency: int(1, 64),
  requestsPerMinute: int(1, 1_000_000),
  tokensPerMinute: int(1, 1_000_000_000),
  timeoutMs: int(1, MAX_TIMER_MS),
  /** import-table --download: how long the host may send nothing before the download fails. */
  downloadTimeoutMs: int(1, MAX_TIMER_MS),
  maxRetries: int(0, 20),
  maxRequests: int(0, 10_000_000),
  maxTokens: int(0, 1e12),
  maxUsd: real(0, 1_000_000),
  pricePerMTok: real(0, 10_000),
  contextWindow: int(256, 10_000_000),
  nInit: int(0, 256),
  /** compare's worker threads (0: the main thread). */
  workerThreads: int(0, 64),
  /** compare's target error for the time-to-target column (an error rate, 0.0947 = 9.47%). */
  targetError: real(0, 1),
  /** bench's fresh processes per figure. */
  benchProcesses: int(1, 1000),
} as const satisfies Record<string, NumericRange>;

export type RangeName = keyof typeof NUMERIC_RANGES;

/** "an integer in [1, 256]", "a number in (0, 1000]": the wording of every range error. */
export function describeRange(range: NumericRange): string {
  const kind = range.integer ? 'an integer' : 'a number';
  return `must be ${kind} in ${range.minExclusive ? '(' : '['}${range.min}, ${range.max}]`;
}

export function isInRange(value: number, range: NumericRange): boolean {
  if (!Number.isFinite(value) || (range.integer && !Number.isInteger(value))) return false;
  const aboveMin = range.minExclusive ? value > range.min : value >= range.min;
  return aboveMin && value <= range.max;
}
