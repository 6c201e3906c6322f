/**
 * Runs several searchers (optionally each under its own scheduler) over the same seeds on one loaded
 * benchmark and aggregates their outcomes: IQM with bootstrap CI, median and quartiles, regret. The
 * searchers are ranked by the headline (DESIGN.md section 10): the IQM over seeds of the returned
 * architecture's seed-mean error at the table's last epoch.
 */
import type { Benchmark } from '../benchmark/benchmark';
import type { LlmHealth } from '../llambo/llmHealthMonitor';
import type { ResultHeadline } from '../readModel/studyResult';
import { summarizeDistribution, type DistributionSummary } from './compareStats';
import { runStudy, type RunStudyOptions } from './studyRunner';
import { studyIdPart } from './studyId';
import { WarmStartReplyMemo } from './warmStartReplyMemo';
import {
  impliedScheduler, parseStudySpec, SCHEDULER_KINDS, SEARCHER_NAMES, StudySpecError,
  type SchedulerKind, type SearcherName, type StudySpec, type StudySpecInput,
} from './studySpec';

/** One contender: a searcher under a scheduler; written `searcher` or `searcher@scheduler` (searcher e.g. `rea` or `rea+warm`). */
export interface CompareEntry {
  readonly label: string;
  readonly searcher: SearcherName;
  readonly scheduler: SchedulerKind;
}

/** Parses `random,bohb,rea+warm@asha`; entries without `@` use the default scheduler. */
export function parseCompareEntries(list: string, defaultScheduler: SchedulerKind): CompareEntry[] {
  const entries = list.split(',').map((s) => s.trim()).filter((s) => s !== '').map((text) => {
    const [searcher, given, extra] = text.split('@');
    if (extra !== undefined || !(SEARCHER_NAMES as readonly string[]).includes(searcher)) {
      throw new StudySpecError([`searchers: ${JSON.stringify(text)} is not one of ${SEARCHER_NAMES.join(', ')} (optionally @scheduler, e.g. rea+warm@asha)`]);
    }
    const implied = impliedScheduler(searcher as SearcherName);
    const scheduler = given ?? implied ?? defaultScheduler;
    if (!(SCHEDULER_KINDS as readonly string[]).includes(scheduler)) {
      throw new StudySpecError([`searchers: scheduler ${JSON.stringify(scheduler)} in ${JSON.stringify(text)} is not one of ${SCHEDULER_KINDS.join(', ')}`]);
    }
    const label = scheduler === defaultScheduler || scheduler === implied ? searcher : `${searcher}@${scheduler}`;
    return { label, searcher: searcher as SearcherName, scheduler: scheduler as SchedulerKind };
  });
  if (entries.length === 0) throw new StudySpecError(['searchers: give at least one searcher']);
  const labels = new Set(entries.map((e) => e.label));
  if (labels.size !== entries.length) throw new StudySpecError([`searchers: duplicate entries in ${JSON.stringify(list)}`]);
  return entries;
}

export interface CompareProgress {
  readonly done: number;
  readonly total: number;
  readonly label: string;
  readonly seed: number;
}

export interface CompareOptions {
  readonly benchmark: Benchmark;
  readonly entries: readonly CompareEntry[];
  readonly seeds: readonly number[];
  /** Everything but searcher, scheduler, seed and studyId, shared by every run. */
  readonly baseSpec: StudySpecInput;
  readonly signal?: AbortSignal;
  readonly onProgress?: (progress: CompareProgress) => void;
  /** LLM access for searchers that need it (the key never enters a spec). */
  readonly llm?: RunStudyOptions['llm'];
  /** Hears each LLM health problem of a run, as it appears. */
  readonly onLlmHealthProblem?: (label: string, seed: number, problem: string) => void;
}

/** The outcome of one run, kept so callers can plot or re-aggregate. */
export interface CompareRun {
  readonly label: string;
  readonly seed: number;
  readonly trialsStarted: number;
  readonly resultsReported: number;
  readonly bestError: number | null;
  readonly bestErrorAtMax: number | null;
  readonly incumbentArch: string | null;
  /** The run's result: returned architecture, its seed-mean error at the last epoch and regret. */
  readonly headline: ResultHeadline | null;
  readonly wallMs: number;
  /** LLM searchers: whether the LLM did its job (see LlmHealthMonitor). */
  readonly llmHealth?: LlmHealth;
}

export interface CompareRow {
  readonly label: string;
  readonly searcher: SearcherName;
  readonly scheduler: SchedulerKind;
  readonly runs: number;
  /** 1 for the lowest headline IQM (ties and searchers without a headline keep the entry order). */
  readonly rank: number;
  /** Over seeds: the returned architecture's seed-mean error at the table's last epoch, and its regret (never negative). */
  readonly headline: { readonly finalError: DistributionSummary; readonly regret: DistributionSummary };
  /** Secondary: the best error at any epoch. */
  readonly bestError: DistributionSummary;
  readonly bestErrorAtMax: DistributionSummary;
  /** bestErrorAtMax - optimumError (single seed, so it can be negative; kept for compatibility). */
  readonly regret: DistributionSummary;
  readonly meanTrials: number;
  readonly meanResults: number;
  readonly totalWallMs: number;
}

export interface ComparisonResult {
  readonly table: string;
  readonly provenanceNote: string;
  readonly optimumError: number;
  readonly seeds: readonly number[];
  /** The shared spec (budget, workers, default scheduler, clock, decision-time mode ...). */
  readonly spec: Omit<StudySpec, 'searcher' | 'seed' | 'studyId'>;
  readonly statistic: string;
  readonly rows: readonly CompareRow[];
  readonly runs: readonly CompareRun[];
  readonly wallMs: number;
}

export const IQM_METHOD = 'IQM = mean after dropping floor(n/4) values at each end (scipy trim_mean 0.25); 95% percentile bootstrap CI, 2000 resamples, seeded';

/** One study of a comparison: an entry under one seed. Its outcome depends on nothing else, so jobs can run anywhere, in any order. */
export interface CompareJob {
  readonly entry: CompareEntry;
  readonly seed: number;
}

/** What every job of a comparison shares. */
export type CompareJobOptions = Pick<CompareOptions, 'benchmark' | 'baseSpec' | 'signal' | 'llm' | 'onLlmHealthProblem'>;

/** The jobs of a comparison in result order: entry by entry, seeds in the given order. */
export function compareJobs(entries: readonly CompareEntry[], seeds: readonly number[]): CompareJob[] {
  return entries.flatMap((entry) => seeds.map((seed) => ({ entry, seed })));
}

/**
 * Runs `jobs` one after the other and returns their outcomes in job order; `onRun` hears each as it
 * ends. Callers may split a comparison's jobs across threads: the outcomes are the same.
 */
export async function runCompareJobs(
  jobs: readonly CompareJob[], options: CompareJobOptions, onRun?: (run: CompareRun, index: number) => void,
): Promise<CompareRun[]> {
  const runs: CompareRun[] = [];
  // One warm start per endpoint and seed, however many entries start from it (jobs needing an LLM all run in one thread).
  const warmStartReplies = new WarmStartReplyMemo();
  for (const { entry, seed } of jobs) {
    if (options.signal?.aborted) throw new Error('comparison cancelled');
    const summary = await runStudy(
      { ...options.baseSpec, searcher: entry.searcher, scheduler: entry.scheduler, seed, studyId: `${studyIdPart(entry.label)}-s${seed}` },
      {
        benchmark: options.benchmark, signal: options.signal, llm: options.llm, warmStartReplies,
        ...(options.onLlmHealthProblem ? { onLlmHealthProblem: (problem: string) => options.onLlmHealthProblem!(entry.label, seed, problem) } : {}),
      },
    );
    const run: CompareRun = {
      label: entry.label, seed, trialsStarted: summary.trialsStarted, resultsReported: summary.resultsReported,
      bestError: summary.bestError, bestErrorAtMax: summary.bestErrorAtMax, incumbentArch: summary.incumbentArch,
      headline: summary.headline, wallMs: summary.wallMs,
      ...(summary.llm ? { llmHealth: summary.llm.health } : {}),
    };
    runs.push(run);
    onRun?.(run, runs.length - 1);
  }
  return runs;
}

/** Runs a comparison's studies in this thread, in order. */
export async function runComparison(options: CompareOptions): Promise<ComparisonResult> {
  const started = performance.now();
  // A bad shared spec fails before the first study, not after all of them.
  parseStudySpec({ ...options.baseSpec, searcher: undefined, seed: undefined, studyId: undefined });
  const jobs = compareJobs(options.entries, options.seeds);
  const runs = await runCompareJobs(jobs, options, (run, index) =>
    options.onProgress?.({ done: index + 1, total: jobs.length, label: run.label, seed: run.seed }));
  return summarizeComparison(options, runs, performance.now() - started);
}

/** The comparison of `runs` (the outcomes of compareJobs(entries, seeds), in that order): rows ranked by the headline IQM. */
export function summarizeComparison(
  options: Pick<CompareOptions, 'benchmark' | 'entries' | 'seeds' | 'baseSpec'>, runs: readonly CompareRun[], wallMs: number,
): ComparisonResult {
  const { benchmark, entries, seeds } = options;
  const shared = parseStudySpec({ ...options.baseSpec, searcher: undefined, seed: undefined, studyId: undefined });
  if (runs.length !== entries.length * seeds.length) throw new Error(`summarizeComparison: ${runs.length} runs for ${entries.length} entries x ${seeds.length} seeds`);
  const rows = entries.map((entry, e) => aggregate(entry, runs.slice(e * seeds.length, (e + 1) * seeds.length), benchmark.optimumError));
  const { searcher: _searcher, seed: _seed, studyId: _studyId, ...spec } = shared;
  return {
    table: benchmark.info.label, provenanceNote: benchmark.info.provenanceNote, optimumError: benchmark.optimumError,
    seeds, spec, statistic: IQM_METHOD, rows: ranked(rows), runs, wallMs,
  };
}

/** The rows in entry order, each with its rank by the headline IQM (lower error first; none last). */
function ranked(rows: readonly Omit<CompareRow, 'rank'>[]): CompareRow[] {
  const order = rows.map((row, index) => ({ index, iqm: row.headline.finalError.iqm ?? Infinity }))
    .sort((a, b) => a.iqm - b.iqm || a.index - b.index);
  const rankOf = new Map(order.map((o, i) => [o.index, i + 1]));
  return rows.map((row, index) => ({ ...row, rank: rankOf.get(index) as number }));
}

function aggregate(entry: CompareEntry, runs: readonly CompareRun[], optimumError: number): Omit<CompareRow, 'rank'> {
  const atMax = runs.map((r) => r.bestErrorAtMax);
  let trials = 0, results = 0, wall = 0;
  for (const r of runs) { trials += r.trialsStarted; results += r.resultsReported; wall += r.wallMs; }
  return {
    label: entry.label, searcher: entry.searcher, scheduler: entry.scheduler, runs: runs.length,
    headline: {
      finalError: summarizeDistribution(runs.map((r) => r.headline?.finalError ?? null)),
      regret: summarizeDistribution(runs.map((r) => r.headline?.regret ?? null)),
    },
    bestError: summarizeDistribution(runs.map((r) => r.bestError)),
    bestErrorAtMax: summarizeDistribution(atMax),
    regret: summarizeDistribution(atMax.map((v) => (v === null ? null : v - optimumError))),
    meanTrials: trials / Math.max(1, runs.length),
    meanResults: results / Math.max(1, runs.length),
    totalWallMs: wall,
  };
}
