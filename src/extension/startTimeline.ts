/**
 * Where the time goes between "Start NAS study" accepted and its first result posted to the panel
 * (issue 13): one mark per step, each the first time it happens, in epoch milliseconds
 * (performance.timeOrigin + performance.now()), so the UI smoke can line them up with the marks the
 * browser takes on the same machine. When the first result has reached the webview the timeline is
 * told to its sink once: the extension logs it at debug level (seen only with the output channel's
 * log level at Debug) and, when LLAMBO_NAS_START_TIMINGS names a file, appends it there as one JSON
 * line (the UI smoke reads it). No 'vscode' here.
 */

/** The steps, in the order a start normally takes them. */
export const START_STEPS = [
  /** The quick pick's answer reached the command. */
  'picked',
  /** The plan went to workspaceState as the next run's default (not awaited). */
  'planSaved',
  /** The study's panel exists (createWebviewPanel) and its HTML is set. */
  'panelCreated',
  /** The API key of the plan's first LLM endpoint came from secret storage (a round trip to the window). */
  'keyRead',
  /** The LLM endpoint answered its preflight (or the plan has no LLM study). */
  'endpointChecked',
  /** The study's folder is locked and its worker was told to start. */
  'workerStarted',
  /** The worker's first events reached the host. */
  'firstEvents',
  /** The first event batch holding a result reached the host. */
  'firstResult',
  /** The webview said webview/ready. */
  'webviewReady',
  /** The first panel/model went to the webview. */
  'modelPosted',
  /** The first message whose headline counts a result went to the webview. */
  'resultsPosted',
  /** The webview took that message (its postMessage settled). */
  'resultsDelivered',
] as const;

export type StartStep = (typeof START_STEPS)[number];

export interface StartTimings {
  /** Epoch ms of the timeline's origin (the command began). */
  readonly origin: number;
  /** Epoch ms of each step taken. */
  readonly marks: Partial<Record<StartStep, number>>;
}

export type StartTimingsSink = (timings: StartTimings, line: string) => void;

export function epochNow(): number {
  return performance.timeOrigin + performance.now();
}

export class StartTimeline {
  private readonly marks: Partial<Record<StartStep, number>> = {};
  private told = false;

  constructor(private readonly sink: StartTimingsSink, readonly origin = epochNow()) {}

  /** Marks `step` the first time only; the last step tells the sink. */
  mark(step: StartStep): void {
    if (this.marks[step] !== undefined) return;
    this.marks[step] = epochNow();
    if (step === 'resultsDelivered' && !this.told) {
      this.told = true;
      const timings: StartTimings = { origin: this.origin, marks: { ...this.marks } };
      this.sink(timings, startTimingsLine(timings));
    }
  }
}

/** `picked +0 ms, planSaved +3 ms, ...`: each step's offset from the pick (else from the origin), in the order they happened. */
export function startTimingsLine(timings: StartTimings): string {
  const zero = timings.marks.picked ?? timings.origin;
  return START_STEPS.flatMap((step) => (timings.marks[step] === undefined ? [] : [[step, timings.marks[step] as number] as const]))
    .sort((a, b) => a[1] - b[1])
    .map(([step, at]) => `${step} +${Math.round(at - zero)} ms`).join(', ');
}
