/**
 * Runs several searchers (optionally each under its own scheduler) over the same seeds on one loaded
 * benchmark and aggregates their outcomes: IQM with bootstrap CI, median and quartiles, regret. The
 * searchers are ranked by the headline (DESIGN.md section 10): the IQM over seeds of the returned
 * architecture's seed-mean error at the table's last epoch.
 */
import type { Benchmark } from '../benchmark/benchmark';
import type { LlmHealth } from '../llambo/llmHealthMonitor';
import type { IncumbentAtMaxPath, ResultHeadline } from '../readModel/studyResult';
import { summarizeDistribution, type DistributionSummary } from './compareStats';
import { rankByIqm, summarizeComparison, type ComparisonSummary } from './comparisonSummary';
import { runStudy, type RunStudyOptions, type StudySummary } from './studyRunner';
import {
  impliedScheduler, parseStudySpec, SCHEDULER_KINDS, SEARCHER_NAMES, StudySpecError,
  type SchedulerKind, type SearcherName, type StudySpec, type StudySpecInput,
} from './studySpec';

/** One contender: a searcher under a scheduler; written `searcher` or `searcher@scheduler`. */
export interface CompareEntry {
  readonly label: string;
  readonly searcher: SearcherName;
  readonly scheduler: SchedulerKind;
}

/** Parses `random,bohb,rea@asha`; entries without `@` use the default scheduler. */
export function parseCompareEntries(list: string, defaultScheduler: SchedulerKind): CompareEntry[] {
  const entries = list.split(',').map((s) => s.trim()).filter((s) => s !== '').map((text) => {
    const [searcher, given, extra] = text.split('@');
    if (extra !== undefined || !(SEARCHER_NAMES as readonly string[]).includes(searcher)) {
      throw new StudySpecError([`searchers: ${JSON.stringify(text)} is not one of ${SEARCHER_NAMES.join(', ')} (optionally @scheduler)`]);
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
  /** The incumbent at r_max over simulated time, and when the run ended: the comparison summary's curves. */
  readonly incumbentAtMax: IncumbentAtMaxPath;
  readonly simulatedSeconds: number;
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
  /** What the text, the panel and the report print: curves over time, average rank, final IQM/CI, per-seed points. */
  readonly summary: ComparisonSummary;
  readonly wallMs: number;
}

export const IQM_METHOD = 'IQM = mean after dropping floor(n/4) values at each end (scipy trim_mean 0.25); 95% percentile bootstrap CI, 2000 resamples, seeded';

export async function runComparison(options: CompareOptions): Promise<ComparisonResult> {
  const { benchmark, entries, seeds } = options;
  const started = performance.now();
  const shared = parseStudySpec({ ...options.baseSpec, searcher: undefined, seed: undefined, studyId: undefined });
  const total = entries.length * seeds.length;
  const runs: CompareRun[] = [];
  const rows: Omit<CompareRow, 'rank'>[] = [];
  for (const entry of entries) {
    const entryRuns: StudySummary[] = [];
    for (const seed of seeds) {
      if (options.signal?.aborted) throw new Error('comparison cancelled');
      const summary = await runStudy(
        { ...options.baseSpec, searcher: entry.searcher, scheduler: entry.scheduler, seed, studyId: `${entry.label.replace('@', '-')}-s${seed}` },
        {
          benchmark, signal: options.signal, llm: options.llm,
          ...(options.onLlmHealthProblem ? { onLlmHealthProblem: (problem: string) => options.onLlmHealthProblem!(entry.label, seed, problem) } : {}),
        },
      );
      entryRuns.push(summary);
      runs.push({
        label: entry.label, seed, trialsStarted: summary.trialsStarted, resultsReported: summary.resultsReported,
        bestError: summary.bestError, bestErrorAtMax: summary.bestErrorAtMax, incumbentArch: summary.incumbentArch,
        headline: summary.headline, incumbentAtMax: summary.incumbentAtMax, simulatedSeconds: summary.simulatedSeconds, wallMs: summary.wallMs,
        ...(summary.llm ? { llmHealth: summary.llm.health } : {}),
      });
      options.onProgress?.({ done: runs.length, total, label: entry.label, seed });
    }
    rows.push(aggregate(entry, entryRuns, benchmark.optimumError));
  }
  const { searcher: _searcher, seed: _seed, studyId: _studyId, ...spec } = shared;
  const { info } = benchmark;
  const summary = summarizeComparison(runs, {
    optimumError: benchmark.optimumError, labels: entries.map((e) => e.label),
    table: { label: info.label, kind: info.kind, provenanceNote: info.provenanceNote },
  });
  return {
    table: info.label, provenanceNote: info.provenanceNote, optimumError: benchmark.optimumError,
    seeds, spec, statistic: IQM_METHOD, rows: ranked(rows), runs, summary, wallMs: performance.now() - started,
  };
}

/** The rows in entry order, each with its rank by the headline IQM (lower error first; none last). */
function ranked(rows: readonly Omit<CompareRow, 'rank'>[]): CompareRow[] {
  const ranks = rankByIqm(rows.map((row) => row.headline.finalError.iqm));
  return rows.map((row, index) => ({ ...row, rank: ranks[index] }));
}

function aggregate(entry: CompareEntry, runs: readonly StudySummary[], optimumError: number): Omit<CompareRow, 'rank'> {
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
