/**
 * The worker_threads entry (bundled to dist/worker.js): runs one study per worker, appends its events
 * to `<studyDir>/events.jsonl`, and posts them to the extension host in batches. Never imports
 * 'vscode'. Every batch is flushed to disk before it is posted, so whatever the host has seen
 * survives a window reload. LLM searchers get the API key in memory (from the start message) and
 * their reply cache path is resolved against the study folder.
 */
import { statSync } from 'node:fs';
import { parentPort, receiveMessageOnPort, workerData } from 'node:worker_threads';
import { loadTable, type TableBenchmark } from '../core/benchmark/tableLoader';
import type { LlmWait } from '../core/llm/llmTypes';
import { describeLlmWait } from '../core/llm/llmWaitText';
import { EventLogWriter } from '../core/study/eventLog';
import type { StudyEvent } from '../core/events/studyEvents';
import { runStudy, type StudyProgress } from '../core/study/studyRunner';
import { parseStudySpec } from '../core/study/studySpec';
import {
  hasMethod, type StudyWorkerData, type WorkerStartCommand, type WorkerStartParams, type WorkerToHostMessage, type WorkerWarmLlmCommand,
} from '../protocol';
import { EventBatcher } from './eventBatcher';
import { WorkerStartSteps } from './workerStartSteps';
import { SecretRedactor } from '../core/llm/secretRedactor';
import { loadOpenAiClient } from '../core/llm/chatTransport';
import { tokenCounterFor } from '../core/llm/tokenCounter';
import { sha256Hex } from '../core/hashing/sha256Hex';

/** Epoch ms when this bundle began to run (a timed start marks it). */
const bundleRunningAt = performance.timeOrigin + performance.now();
const port = parentPort;
if (!port) throw new Error('studyWorker must run in a worker thread');

const controller = new AbortController();
const data = workerData as StudyWorkerData | undefined;
const cancelFlag = new Int32Array(data?.cancelFlag ?? new SharedArrayBuffer(4));
let started = false;
let whenWarm: (() => void) | undefined;

/**
 * Calls `callback` once this thread's first study has finished, when the study's hot code is compiled:
 * dist/worker.js (src/boot/studyWorkerLauncher.ts) writes V8's code cache of this bundle then.
 */
export function onceWarm(callback: () => void): void {
  whenWarm = callback;
}

interface WarmTable {
  readonly path: string;
  /** The file as it was when loading began: a start uses the warm table only while the file is unchanged. */
  readonly stamp: string;
  readonly benchmark: TableBenchmark;
}

/** A warm spare loads its table before the start message (see StudyWorkerData.warmTablePath). */
const warm = loadWarmTable(data?.warmTablePath);
const spareTableLoadedAt = warm ? performance.timeOrigin + performance.now() : undefined;
let warmLlmModel: string | undefined;
/** Epoch ms when this spare last finished loading (a timed start marks it). */
let warmAt: number | undefined;
if (data?.warmLlmModel !== undefined) warmLlmClient(data.warmLlmModel);
else if (data?.warmTablePath !== undefined) postWarm();

/**
 * What the first request of an LLM study on `model` would load (StudyWorkerData.warmLlmModel,
 * worker/warmLlm), in two steps after the table, each in a turn of its own: first what sending needs
 * (the openai client, the fetch internals it builds its request with, node:crypto for the reply
 * cache key), then the model's token encoding (~0.3 s of CPU). A start that arrives meanwhile goes
 * first and the steps left are skipped: the study loads what it needs itself, and counts its first
 * prompt while that request is out (LlmCallRecorder), so it need not wait for the encoding here.
 */
function warmLlmClient(model: string): void {
  const steps = [warmLlmTransport, () => tokenCounterFor(model).count('')];
  const next = (): void => {
    readQueuedMessages();
    if (started) return;
    const step = steps.shift();
    if (step === undefined) {
      warmLlmModel = model;
      postWarm();
      return;
    }
    try {
      step();
    } catch {
      // The study's own first request loads it again and reports what fails.
    }
    setImmediate(next);
  };
  setImmediate(next);
}

function warmLlmTransport(): void {
  loadOpenAiClient();
  // Node loads its fetch implementation (undici) when one of these is first read; the openai client reads them for every request.
  void [globalThis.fetch, globalThis.Headers, globalThis.Request, globalThis.Response, globalThis.FormData];
  sha256Hex('');
}

/** Tells the pool what this spare holds ready. */
function postWarm(): void {
  warmAt = performance.timeOrigin + performance.now();
  post({ method: 'worker/warm', params: { tableLoaded: warm !== undefined, ...(warmLlmModel !== undefined ? { llmModel: warmLlmModel } : {}) } });
}

function loadWarmTable(path: string | undefined): WarmTable | undefined {
  const stamp = path === undefined ? undefined : fileStamp(path);
  if (path === undefined || stamp === undefined) return undefined;
  try {
    return { path, stamp, benchmark: loadTable(path) };
  } catch {
    // The study's own load reports what is wrong with the table, to the study that asked for it.
    return undefined;
  }
}

function fileStamp(path: string): string | undefined {
  try {
    const stat = statSync(path);
    return `${stat.dev}:${stat.ino}:${stat.size}:${stat.mtimeMs}`;
  } catch {
    return undefined;
  }
}

/** The warm table when the start names the same, unchanged file (an import-table in between reloads). */
function tableFor(path: string): TableBenchmark {
  if (warm && warm.path === path && fileStamp(path) === warm.stamp) return warm.benchmark;
  return loadTable(path);
}

function post(message: WorkerToHostMessage): void {
  port!.postMessage(message);
}

/** Reads the host's shared flag; cheap enough to call per event. */
function checkCancelFlag(): void {
  if (!controller.signal.aborted && Atomics.load(cancelFlag, 0) !== 0) controller.abort();
}

async function runOne(params: WorkerStartParams, steps: WorkerStartSteps | undefined): Promise<void> {
  const spec = parseStudySpec(params.spec);
  const studyId = spec.studyId ?? 'study';
  const benchmark = tableFor(params.tablePath);
  steps?.mark('tableReady');
  const created = params.resume?.created;
  const log = new EventLogWriter(params.studyDir, {
    table: benchmark.info,
    // A resume rewrites the log from the start (the host moved the interrupted one aside first).
    overwrite: params.resume !== undefined,
    ...(created !== undefined ? { now: () => new Date(created) } : {}),
  });
  steps?.mark('logOpened');
  const batcher = new EventBatcher((events: StudyEvent[]) => {
    log.flush();
    post({ method: 'worker/events', params: { studyId, events } });
    steps?.posted(events);
  });
  let lastProgressPost = 0;
  let lastProgress: StudyProgress = { fraction: 0, trialsStarted: 0, resultsReported: 0 };
  let waiting = false;
  const onProgress = (progress: StudyProgress): void => {
    checkCancelFlag();
    lastProgress = progress;
    const now = performance.now();
    // The first progress after an LLM wait is always posted: it clears the wait text.
    if (now - lastProgressPost < 100 && !waiting) return;
    lastProgressPost = now;
    waiting = false;
    post({ method: 'worker/progress', params: { studyId, ...progress } });
  };
  const onWait = (wait: LlmWait): void => {
    waiting = true;
    post({ method: 'worker/progress', params: { studyId, ...lastProgress, llmWait: describeLlmWait(wait) } });
  };
  try {
    const summary = await runStudy(spec, {
      benchmark,
      signal: controller.signal,
      onProgress,
      sinks: [log.sink, (event) => { checkCancelFlag(); steps?.sawEvent(event); batcher.push(event); }],
      llm: { apiKey: params.apiKey, baseDir: params.studyDir, clientOverrides: { onWait, ...(steps ? { fetch: steps.fetch() } : {}) } },
    });
    batcher.flush();
    // Before finished: the host ends the thread as soon as it reads that, which cut the cache's write short.
    whenWarm?.();
    whenWarm = undefined;
    post({ method: 'worker/finished', params: { summary } });
  } finally {
    batcher.flush();
    log.close();
    // The host ends this thread next; the table's cache file would otherwise stay open in its process.
    benchmark.close();
  }
}

port.on('message', receive);

/** Messages from the host: the port's listener, and readQueuedMessages between warm-up steps. */
function receive(message: unknown): void {
  if (hasMethod<WorkerStartCommand>(message, 'worker/start')) {
    const receivedAt = performance.timeOrigin + performance.now();
    if (started) {
      post({ method: 'worker/failed', params: { message: 'this worker already runs a study' } });
      return;
    }
    started = true;
    const steps = message.params.timeSteps ? new WorkerStartSteps((marks) => post({ method: 'worker/startSteps', params: { marks } })) : undefined;
    steps?.mark('bundleRunning', bundleRunningAt);
    if (spareTableLoadedAt !== undefined) steps?.mark('spareTableLoaded', spareTableLoadedAt);
    if (warmAt !== undefined) steps?.mark('warm', warmAt);
    steps?.mark('startReceived', receivedAt);
    // The host terminates the thread after finished/failed; closing the port here could drop those.
    runOne(message.params, steps).catch((error: unknown) => {
      const text = error instanceof Error ? error.message : String(error);
      post({ method: 'worker/failed', params: { studyId: studyIdOf(message.params), message: new SecretRedactor([message.params.apiKey]).redact(text) } });
    });
  } else if (hasMethod(message, 'worker/cancel')) {
    controller.abort();
  } else if (hasMethod<WorkerWarmLlmCommand>(message, 'worker/warmLlm')) {
    // Only a spare: a running study loads what its own prompts need.
    if (!started && warmLlmModel !== message.params.model) warmLlmClient(message.params.model);
  }
}

/**
 * Takes the messages already queued on the port (a start that came while a warm-up step ran): the
 * port's own delivery may come only after the next step, which would make that start wait for it.
 */
function readQueuedMessages(): void {
  for (let queued = receiveMessageOnPort(port!); queued; queued = receiveMessageOnPort(port!)) receive(queued.message);
}

function studyIdOf(params: WorkerStartParams): string | undefined {
  const spec = params.spec as { studyId?: unknown };
  return typeof spec.studyId === 'string' ? spec.studyId : undefined;
}
