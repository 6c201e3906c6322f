/**
 * Where the time goes between "Start NAS study" accepted and its first result posted to the panel
 * (issue 13): one mark per step, each the first time it happens, in epoch milliseconds
 * (performance.timeOrigin + performance.now()), so the UI smoke can line them up with the marks the
 * browser takes on the same machine. The study's worker adds its own steps (WORKER_START_STEPS, posted
 * as worker/startSteps when the start asks: WorkerStartParams.timeSteps) on the same clock. When the first result has reached the webview the timeline is
 * told to its sink once: the extension logs it at debug level (seen only with the output channel's
 * log level at Debug) and, when LLAMBO_NAS_START_TIMINGS names a file, appends it there as one JSON
 * line (the UI smoke reads it). No 'vscode' here.
 */

import { WORKER_START_STEPS, type WorkerStartMarks } from '../protocol';

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
  /** Epoch ms of each step the study's worker took (WORKER_START_STEPS), when it told them. */
  readonly worker?: WorkerStartMarks;
}

export type StartTimingsSink = (timings: StartTimings, line: string) => void;

export function epochNow(): number {
  return performance.timeOrigin + performance.now();
}

export class StartTimeline {
  private readonly marks: Partial<Record<StartStep, number>> = {};
  private readonly workerMarks: Record<string, number> = {};
  private told = false;

  constructor(private readonly sink: StartTimingsSink, readonly origin = epochNow()) {}

  /** Marks `step` the first time only; the last step tells the sink. */
  mark(step: StartStep): void {
    if (this.marks[step] !== undefined) return;
    this.marks[step] = epochNow();
    if (step === 'resultsDelivered' && !this.told) {
      this.told = true;
      const worker = Object.keys(this.workerMarks).length > 0 ? { worker: { ...this.workerMarks } } : {};
      const timings: StartTimings = { origin: this.origin, marks: { ...this.marks }, ...worker };
      this.sink(timings, startTimingsLine(timings));
    }
  }

  /** Adds the worker's marks (the first of each step counts); those after the sink was told are dropped. */
  markWorker(marks: WorkerStartMarks): void {
    if (this.told) return;
    for (const step of WORKER_START_STEPS) {
      const at = marks[step];
      if (at !== undefined && this.workerMarks[step] === undefined) this.workerMarks[step] = at;
    }
  }
}

/**
 * `picked +0 ms, planSaved +3 ms, ..., worker:startReceived +230 ms, ...`: each step's offset from the pick
 * (else from the origin), the worker's prefixed, in the order they happened.
 */
export function startTimingsLine(timings: StartTimings): string {
  const zero = timings.marks.picked ?? timings.origin;
  const worker = timings.worker ?? {};
  return [
    ...START_STEPS.flatMap((step) => (timings.marks[step] === undefined ? [] : [[step, timings.marks[step] as number] as const])),
    ...WORKER_START_STEPS.flatMap((step) => (worker[step] === undefined ? [] : [[`worker:${step}`, worker[step] as number] as const])),
  ]
    .sort((a, b) => a[1] - b[1])
    .map(([step, at]) => `${step} +${Math.round(at - zero)} ms`).join(', ');
}
