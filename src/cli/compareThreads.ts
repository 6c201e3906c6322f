/**
 * `compare` on several cores. Worker threads (compareWorker.ts) are started first (CompareThreads.start,
 * before the command loads its table: compiling their bundle is most of their start-up), then share the
 * work with this thread:
 * - the table: loaded once in shared memory (TableBenchmark.shared), each valid_error row read once for
 *   every thread (sharedTableRows.ts); before, every thread read and checked its own copy of almost all rows;
 * - the studies: each thread, this one included, claims jobs until none is left (jobClaims.ts: each from
 *   its own stretch of the list first), so the threads end together however long their studies take
 *   (dealt in advance, a share could not be rebalanced), and each outcome is put in its job's place;
 * - the summary's bootstrap intervals (IqmCiBatch): listed by a first pass of comparisonOfRuns, taken in
 *   chunks from a shared counter by every thread, then looked up by a second pass.
 * Every study depends only on its entry and seed, and every interval only on its values and seed, so the
 * result is the same for any number of threads and any split, and the same as runComparison's.
 * Cancelling (Ctrl-C) terminates every thread and rejects with "comparison cancelled" (exit code 130).
 */
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { Worker } from 'node:worker_threads';
import type { SharedTableFile } from '../core/benchmark/sharedTableRows';
import { loadTable, TableBenchmark } from '../core/benchmark/tableLoader';
import {
  comparisonOfRuns, compareJobs, runCompareJob, type CompareJob, type CompareOptions, type CompareRun, type ComparisonResult,
} from '../core/study/compareRunner';
import { IqmCiBatch, intervalsOf, type IqmCiRequest } from '../core/study/iqmCiBatch';
import type { StudySpecInput } from '../core/study/studySpec';
import { claimJobs, newJobClaims } from './jobClaims';

/** Where a worker gets the table: the shared one, or (no trusted cache to share) its own load of the file. */
export type CompareWorkerTable = { readonly shared: SharedTableFile } | { readonly path: string };

export type CompareWorkerRequest =
  | {
    readonly kind: 'jobs'; readonly table: CompareWorkerTable; readonly baseSpec: StudySpecInput;
    readonly jobs: readonly CompareJob[];
    /** The jobs' claims (jobClaims.ts), and which of how many runners this thread is. */
    readonly claims: SharedArrayBuffer;
    readonly runner: number;
    readonly runners: number;
  }
  | {
    readonly kind: 'intervals'; readonly requests: readonly IqmCiRequest[]; readonly chunk: number;
    /** Int32 [0]: the next chunk of requests to take. */
    readonly next: SharedArrayBuffer;
  };

export type CompareWorkerMessage =
  | { readonly kind: 'run'; readonly index: number; readonly run: CompareRun }
  /** The job counter ran out; busyMs: this thread's time on the table and its studies. */
  | { readonly kind: 'jobsDone'; readonly busyMs: number }
  | { readonly kind: 'intervals'; readonly from: number; readonly intervals: Float64Array }
  | { readonly kind: 'intervalsDone'; readonly busyMs: number }
  | { readonly kind: 'failed'; readonly message: string };

/** Most worker threads worth starting: beyond this the threads' memory costs more than the cores give back. */
export const MAX_COMPARE_THREADS = 8;

/** Requests of the summary's bootstrap intervals taken at a time: a few ms of work, so the threads end together. */
export const INTERVAL_CHUNK = 8;

/**
 * Worker threads for a comparison when the user did not say: one per core besides this thread (which
 * runs studies too), capped by the jobs left for them and MAX_COMPARE_THREADS; 0 (only this thread)
 * on one core, for a single job, or with an LLM searcher.
 */
export function autoCompareThreads(jobCount: number, usesLlm: boolean, cores: number = availableParallelism()): number {
  if (usesLlm || cores < 2 || jobCount < 2) return 0;
  return Math.min(cores - 1, jobCount - 1, MAX_COMPARE_THREADS);
}

/** Where each thread's time went in the last run: the bench prints it. */
export interface CompareThreadTimes {
  /** From run() to the table being ready here (loading it shared, unless the caller's already was). */
  readonly tableMs: number;
  /** From run() to the last study's outcome. */
  readonly studiesMs: number;
  /** Bootstrap intervals computed by the threads, and the time from the last study to the last interval. */
  readonly intervals: number;
  readonly intervalsMs: number;
  /** The two summary passes in this thread. */
  readonly summaryPassesMs: number;
  /** Per thread, this one first: time spent on studies and intervals (the rest it waited or started). */
  readonly busyMs: readonly number[];
  /** Studies run by each thread, this one first. */
  readonly studies: readonly number[];
}

interface ThreadState {
  readonly worker: Worker;
  jobsDone: boolean;
  intervalsDone: boolean;
  studies: number;
  busyMs: number;
}

/** A comparison's worker threads; run() once, then they are ended (close() ends them sooner, e.g. when the command fails first). */
export class CompareThreads {
  private readonly threads: ThreadState[];
  private failure: Error | undefined;
  private wake: (() => void) | undefined;
  private closed = false;
  private onRun: ((index: number, run: CompareRun) => void) | undefined;
  private onIntervals: ((from: number, intervals: Float64Array) => void) | undefined;
  times: CompareThreadTimes | undefined;

  /** Starts `count` (>= 1) worker threads now; they wait for run(). */
  static start(count: number): CompareThreads {
    return new CompareThreads(count);
  }

  private constructor(count: number) {
    this.threads = Array.from({ length: count }, () => {
      const state: ThreadState = { worker: startCompareWorker(), jobsDone: false, intervalsDone: false, studies: 0, busyMs: 0 };
      state.worker.on('error', (error) => this.fail(error));
      state.worker.on('exit', (code) => this.fail(new Error(`a compare worker thread exited with code ${code} before the comparison ended`)));
      state.worker.on('message', (message: CompareWorkerMessage) => this.hear(state, message));
      return state;
    });
  }

  /** Ends the threads (idempotent). */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const { worker } of this.threads) {
      worker.removeAllListeners('exit');
      void worker.terminate();
    }
  }

  /** The comparison, equal to runComparison(options)'s but for wall times; the threads end with it. */
  async run(options: CompareOptions): Promise<ComparisonResult> {
    const started = performance.now();
    const cancel = () => this.fail(new Error('comparison cancelled'));
    options.signal?.addEventListener('abort', cancel, { once: true });
    let benchmark: TableBenchmark | undefined;
    try {
      if (options.signal?.aborted) cancel();
      this.check();
      const jobs = compareJobs(options.entries, options.seeds);
      benchmark = sharedTable(options.benchmark);
      const tableMs = performance.now() - started;
      const runs = new Array<CompareRun | undefined>(jobs.length);
      let done = 0;
      this.onRun = (index, run) => {
        runs[index] = run;
        options.onProgress?.({ done: ++done, total: jobs.length, label: run.label, seed: run.seed });
      };
      const table: CompareWorkerTable = benchmark.shared ? { shared: benchmark.shared } : { path: benchmark.info.path };
      const claims = newJobClaims(jobs.length);
      const runners = this.threads.length + 1;
      this.threads.forEach(({ worker }, t) => {
        const request: CompareWorkerRequest = { kind: 'jobs', table, baseSpec: options.baseSpec, jobs, claims, runner: t + 1, runners };
        worker.postMessage(request);
      });
      let busyMs = 0, studies = 0;
      for (const index of claimJobs(claims, jobs.length, 0, runners)) {
        const jobStarted = performance.now();
        const run = await runCompareJob(jobs[index], { ...options, benchmark });
        busyMs += performance.now() - jobStarted;
        studies++;
        this.onRun(index, run);
        // A turn for the threads' outcomes, the progress bar and Ctrl-C.
        await nextTurn();
        this.check();
      }
      await this.until(() => this.threads.every((t) => t.jobsDone));
      const studiesMs = performance.now() - started;

      const passStarted = performance.now();
      const batch = new IqmCiBatch();
      comparisonOfRuns(options, runs as CompareRun[], 0, batch.record);
      let passesMs = performance.now() - passStarted;
      const { requests } = batch;
      const intervals = new Float64Array(2 * requests.length);
      this.onIntervals = (from, values) => intervals.set(values, 2 * from);
      const chunks = Math.ceil(requests.length / INTERVAL_CHUNK);
      const nextChunk = new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT);
      this.post({ kind: 'intervals', requests, chunk: INTERVAL_CHUNK, next: nextChunk });
      const chunkCounter = new Int32Array(nextChunk);
      for (let chunk = Atomics.add(chunkCounter, 0, 1); chunk < chunks; chunk = Atomics.add(chunkCounter, 0, 1)) {
        const chunkStarted = performance.now();
        const from = chunk * INTERVAL_CHUNK;
        this.onIntervals(from, intervalsOf(requests, from, Math.min(from + INTERVAL_CHUNK, requests.length)));
        busyMs += performance.now() - chunkStarted;
        await nextTurn();
        this.check();
      }
      await this.until(() => this.threads.every((t) => t.intervalsDone));
      const intervalsMs = performance.now() - started - studiesMs - passesMs;
      batch.answer(intervals);
      const secondPass = performance.now();
      const result = comparisonOfRuns(options, runs as CompareRun[], performance.now() - started, batch.lookup);
      passesMs += performance.now() - secondPass;
      this.times = {
        tableMs, studiesMs, intervals: requests.length, intervalsMs, summaryPassesMs: passesMs,
        busyMs: [busyMs, ...this.threads.map((t) => t.busyMs)], studies: [studies, ...this.threads.map((t) => t.studies)],
      };
      return result;
    } finally {
      options.signal?.removeEventListener('abort', cancel);
      this.close();
      // A table loaded here (the caller's was not shared) is closed here.
      if (benchmark !== undefined && benchmark !== options.benchmark) benchmark.close();
    }
  }

  private post(request: CompareWorkerRequest): void {
    for (const { worker } of this.threads) worker.postMessage(request);
  }

  private hear(state: ThreadState, message: CompareWorkerMessage): void {
    if (this.closed) return;
    switch (message.kind) {
      case 'failed': this.fail(new Error(message.message)); return;
      case 'run': state.studies++; this.onRun?.(message.index, message.run); break;
      case 'jobsDone': state.jobsDone = true; state.busyMs += message.busyMs; break;
      case 'intervals': this.onIntervals?.(message.from, message.intervals); break;
      case 'intervalsDone': state.intervalsDone = true; state.busyMs += message.busyMs; break;
    }
    this.wake?.();
  }

  private fail(error: Error): void {
    if (this.closed || this.failure) return;
    this.failure = error;
    this.close();
    this.wake?.();
  }

  private check(): void {
    if (this.failure) throw this.failure;
  }

  /** Resolves once `done()` holds (checked after each message), rejects on the first failure. */
  private async until(done: () => boolean): Promise<void> {
    for (;;) {
      this.check();
      if (done()) return;
      await new Promise<void>((resolve) => { this.wake = resolve; });
      this.wake = undefined;
    }
  }
}

/** Runs the comparison on `threads` (>= 1) worker threads and this one; the result equals runComparison(options)'s but for wall times. */
export function runComparisonOnThreads(options: CompareOptions, threads: number): Promise<ComparisonResult> {
  return CompareThreads.start(threads).run(options);
}

/** The caller's table if it is shared, else the same file loaded shared (the numbers are the same: the same file). */
function sharedTable(benchmark: CompareOptions['benchmark']): TableBenchmark {
  if (benchmark instanceof TableBenchmark && benchmark.shared) return benchmark;
  return loadTable(benchmark.info.path, { shared: true });
}

/**
 * The bundle dist/compareWorker.js beside dist/cli.js; running from source (tsx, the tests), the
 * TypeScript entry through tsx's require hook, since a worker does not inherit the parent's loader.
 */
function startCompareWorker(): Worker {
  const name = 'llambo-nas-compare';
  if (__filename.endsWith('.ts')) {
    const entry = JSON.stringify(join(__dirname, 'compareWorker.ts'));
    return new Worker(`require('tsx/cjs'); require(${entry});`, { eval: true, name });
  }
  return new Worker(join(__dirname, 'compareWorker.js'), { name });
}
