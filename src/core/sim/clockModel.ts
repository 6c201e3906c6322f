/** How the simulated tuner spends time besides training: event-driven, or Syne Tune's polling loop. */
export type ClockKind = 'event' | 'synetune';

/** Timing constants of the simulated tuner loop (seconds). */
export interface ClockModel {
  readonly kind: ClockKind;
  /** From the tuner's start command to training starting on the worker. */
  readonly startDelay: number;
  /** From a worker reporting a result to the backend registering it. */
  readonly resultDelay: number;
  /** Tuner time a pause or stop takes before the worker counts as free. */
  readonly releaseCost: number;
  /** Poll interval while every worker is busy; 0 = react to each result the moment it arrives. */
  readonly pollSeconds: number;
}

/** Syne Tune's SimulatorConfig default delay for every backend event. */
const SYNE_TUNE_DELAY = 0.05;
/** Syne Tune's Tuner DEFAULT_SLEEP_TIME, which its SimulatorCallback turns into simulated time. */
const SYNE_TUNE_POLL = 5;
/**
 * SimulatorBackend._stop_or_pause_trial advances the clock to stop + 1 ms, then to completion + 1 ms:
 * (delay_stop + 0.001) + (delay_complete_after_stop + 0.001).
 */
const SYNE_TUNE_RELEASE = (SYNE_TUNE_DELAY + 0.001) * 2;

export function clockModelFor(kind: ClockKind): ClockModel {
  switch (kind) {
    case 'event': return { kind, startDelay: 0, resultDelay: 0, releaseCost: 0, pollSeconds: 0 };
    case 'synetune': return {
      kind, startDelay: SYNE_TUNE_DELAY, resultDelay: SYNE_TUNE_DELAY, releaseCost: SYNE_TUNE_RELEASE, pollSeconds: SYNE_TUNE_POLL,
    };
    default: throw new Error(`unknown clock kind: ${String(kind satisfies never)}`);
  }
}
