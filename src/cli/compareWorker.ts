/**
 * The worker_threads entry of a threaded `compare` (bundled to dist/compareWorker.js): loads the table
 * (through its cache, see tableCache.ts), runs the comparison jobs it was given with the core's
 * runCompareJobs, and posts each outcome as it ends. Baseline searchers only: LLM access does not cross
 * threads, so comparisons with an LLM searcher stay in the main thread.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { loadTable } from '../core/benchmark/tableLoader';
import { runCompareJobs } from '../core/study/compareRunner';
import type { CompareWorkerData, CompareWorkerMessage } from './compareThreads';

const port = parentPort;
if (!port) throw new Error('compareWorker must run in a worker thread');
const data = workerData as CompareWorkerData;
const post = (message: CompareWorkerMessage) => port.postMessage(message);

try {
  const benchmark = loadTable(data.tablePath);
  runCompareJobs(data.jobs.map(({ job }) => job), { benchmark, baseSpec: data.baseSpec }, (run, i) =>
    post({ kind: 'run', index: data.jobs[i].index, run }))
    // Closed before the last message: the thread is ended after it, and its open files stay with the process.
    .finally(() => benchmark.close())
    .then(() => post({ kind: 'done' }), (error: unknown) => post({ kind: 'failed', message: error instanceof Error ? error.message : String(error) }));
} catch (error) {
  post({ kind: 'failed', message: error instanceof Error ? error.message : String(error) });
}
