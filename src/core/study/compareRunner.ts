/**
 * Runs several searchers (optionally each under its own scheduler) over the same seeds on one loaded
 * benchmark and aggregates their outcomes: IQM with bootstrap CI, median and quartiles, regret. The
 * searchers are ranked by the headline (DESIGN.md section 10): the IQM over seeds of the returned
 * architecture's seed-mean error at the table's last epoch.
 */
import type { Benchmark } from '../benchmark/benchmark';
import type { StudyDelay } from '../events/studyEvents';
import type { LlmHealth } from '../llambo/llmHealthMonitor';
import type { IncumbentAtMaxPath, ResultHeadline } from '../readModel/studyResult';
import { isLlmSearcher, LLM_SEARCHERS } from '../searchers/llmSearchers';
import { entryLlmTotals, type EntryLlmTotals, type StudyLlmCounts } from './entryLlmTotals';
import { bootstrapIqmCi, summarizeDistribution, type DistributionSummary, type IqmCiFunction } from './compareStats';
import { rankByIqm, summarizeComparison, type ComparisonSummary } from './comparisonSummary';
import { runStudy, type RunStudyOptions, type StudySummary } from './studyRunner';
import { studyIdPart } from './studyId';
import { WarmStartReplyMemo } from './warmStartReplyMemo';
import {
  impliedScheduler, parseStudySpec, SCHEDULER_KINDS, SEARCHER_NAMES, StudySpecError,
  type SchedulerKind, type SearcherName, type StudySpec, type StudySpecInput,
} from './studySpec';

/** One contender: a searcher (e.g. `rea` or `rea+warm`) under a scheduler, LLM searchers optionally on a named LLM profile. */
export interface CompareEntry {
  readonly label: string;
  readonly searcher: SearcherName;
  readonly scheduler: SchedulerKind;
  /** The LLM profile the entry's LLM searcher talks to; absent: the run's default endpoint. */
  readonly profile?: string;
}

/**
 * Parses `random,bohb,rea+warm@asha,llambo:gpt4omini,llambo:llama31@asha`: `searcher[:profile][@scheduler]`.
 * Entries without `@` use the default scheduler; `:profile` names one of `profiles` (LLM searchers only).
 */
export function parseCompareEntries(list: string, defaultScheduler: SchedulerKind, profiles: readonly string[] = []): CompareEntry[] {
  const entries = list.split(',').map((s) => s.trim()).filter((s) => s !== '').map((text) => {
    const [head, given, extra] = text.split('@');
    const [searcher, profile, extraProfile] = head.split(':');
    if (extra !== undefined || extraProfile !== undefined || !(SEARCHER_NAMES as readonly string[]).includes(searcher)) {
      throw new StudySpecError([`searchers: ${JSON.stringify(text)} is not one of ${SEARCHER_NAMES.join(', ')} (optionally :profile, then @scheduler, e.g. rea+warm@asha or llambo:gpt4omini@asha)`]);
    }
    if (profile !== undefined) checkProfile(text, searcher, profile, profiles);
    const implied = impliedScheduler(searcher as SearcherName);
    const scheduler = given ?? implied ?? defaultScheduler;
    if (!(SCHEDULER_KINDS as readonly string[]).includes(scheduler)) {
      throw new StudySpecError([`searchers: scheduler ${JSON.stringify(scheduler)} in ${JSON.stringify(text)} is not one of ${SCHEDULER_KINDS.join(', ')}`]);
    }
    const name = profile === undefined ? searcher : `${searcher}:${profile}`;
    const label = scheduler === defaultScheduler || scheduler === implied ? name : `${name}@${scheduler}`;
    return { label, searcher: searcher as SearcherName, scheduler: scheduler as SchedulerKind, ...(profile !== undefined ? { profile } : {}) };
  });
  if (entries.length === 0) throw new StudySpecError(['searchers: give at least one searcher']);
  const labels = new Set(entries.map((e) => e.label));
  if (labels.size !== entries.length) throw new StudySpecError([`searchers: duplicate entries in ${JSON.stringify(list)}`]);
  return entries;
}

function checkProfile(text: string, searcher: string, profile: string, profiles: readonly string[]): void {
  if (!isLlmSearcher(searcher)) {
    throw new StudySpecError([`searchers: ${JSON.stringify(text)} names an LLM profile, but ${searcher} uses no LLM (profiles go with ${LLM_SEARCHERS.join(', ')})`]);
  }
  if (!profiles.includes(profile)) {
    const known = profiles.length === 0 ? 'no profiles are defined: give --llm-profiles FILE' : `known profiles: ${profiles.join(', ')}`;
    throw new StudySpecError([`searchers: LLM profile ${JSON.stringify(profile)} in ${JSON.stringify(text)} is not defined (${known})`]);
  }
}

/** How the studies of a profile entry reach their LLM: the spec fields the profile sets, and its key. */
export interface ProfileRun {
  readonly llm: NonNullable<StudySpecInput['llm']>;
  readonly searcherOptions?: StudySpecInput['searcherOptions'];
  readonly access: NonNullable<RunStudyOptions['llm']>;
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
  /** Entries naming a profile run with its endpoint, limits, prices, cache and key instead of the default's. */
  readonly profileRuns?: ReadonlyMap<string, ProfileRun>;
  /** Hears each LLM health problem of a run, as it appears. */
  readonly onLlmHealthProblem?: (label: string, seed: number, problem: string) => void;
  /** The error the summary's time-to-target column measures the time to; default the optimum + 1 pp. */
  readonly targetError?: number;
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
  /** LLM searchers: what the study's LLM did (requests, tokens, dollars, seconds, ...). */
  readonly llm?: StudyLlmCounts;
  /** LLM searchers whose decision time was charged: LLM seconds, the part charged, idle worker-seconds. */
  readonly delay?: StudyDelay;
}

export interface CompareRow {
  readonly label: string;
  readonly searcher: SearcherName;
  readonly scheduler: SchedulerKind;
  readonly profile?: string;
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
  /** LLM searchers: their LLM's work summed over the seeds (entryLlmTotals.ts). */
  readonly llm?: EntryLlmTotals;
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

/** One study of a comparison: an entry under one seed. Its outcome depends on nothing else, so jobs can run anywhere, in any order. */
export interface CompareJob {
  readonly entry: CompareEntry;
  readonly seed: number;
}

/** What every job of a comparison shares. */
export type CompareJobOptions = Pick<CompareOptions, 'benchmark' | 'baseSpec' | 'signal' | 'llm' | 'profileRuns' | 'onLlmHealthProblem'>;

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
  for (const job of jobs) {
    const run = await runCompareJob(job, options, warmStartReplies);
    runs.push(run);
    onRun?.(run, runs.length - 1);
  }
  return runs;
}

/**
 * One study of a comparison and its outcome; rejects with "comparison cancelled" when the signal is
 * already set. `warmStartReplies` shares the LLM warm starts between the jobs of one thread.
 */
export async function runCompareJob(
  { entry, seed }: CompareJob, options: CompareJobOptions, warmStartReplies: WarmStartReplyMemo = new WarmStartReplyMemo(),
): Promise<CompareRun> {
  if (options.signal?.aborted) throw new Error('comparison cancelled');
  const profileRun = entry.profile === undefined ? undefined : options.profileRuns?.get(entry.profile);
  if (entry.profile !== undefined && !profileRun) throw new Error(`compare: no set-up for LLM profile ${JSON.stringify(entry.profile)}`);
  const summary = await runStudy(
    {
      ...specWithProfile(options.baseSpec, profileRun),
      searcher: entry.searcher, scheduler: entry.scheduler, seed, studyId: `${studyIdPart(entry.label)}-s${seed}`,
    },
    {
      benchmark: options.benchmark, signal: options.signal, llm: profileRun?.access ?? options.llm, warmStartReplies,
      ...(options.onLlmHealthProblem ? { onLlmHealthProblem: (problem: string) => options.onLlmHealthProblem!(entry.label, seed, problem) } : {}),
    },
  );
  return {
    label: entry.label, seed, trialsStarted: summary.trialsStarted, resultsReported: summary.resultsReported,
    bestError: summary.bestError, bestErrorAtMax: summary.bestErrorAtMax, incumbentArch: summary.incumbentArch,
    headline: summary.headline, incumbentAtMax: summary.incumbentAtMax, simulatedSeconds: summary.simulatedSeconds, wallMs: summary.wallMs,
    ...(summary.llm ? { llmHealth: summary.llm.health, llm: studyLlmCounts(summary.llm) } : {}),
    ...(summary.delay ? { delay: summary.delay } : {}),
  };
}

/** Runs a comparison's studies in this thread, in order. */
export async function runComparison(options: CompareOptions): Promise<ComparisonResult> {
  const started = performance.now();
  // A bad shared spec fails before the first study, not after all of them.
  parseStudySpec({ ...options.baseSpec, searcher: undefined, seed: undefined, studyId: undefined });
  const jobs = compareJobs(options.entries, options.seeds);
  const runs = await runCompareJobs(jobs, options, (run, index) =>
    options.onProgress?.({ done: index + 1, total: jobs.length, label: run.label, seed: run.seed }));
  return comparisonOfRuns(options, runs, performance.now() - started);
}

/**
 * The comparison of `runs` (the outcomes of compareJobs(entries, seeds), in that order): rows ranked by
 * the headline IQM. `ci` computes its bootstrap intervals (an IqmCiBatch's, to compute them elsewhere).
 */
export function comparisonOfRuns(
  options: Pick<CompareOptions, 'benchmark' | 'entries' | 'seeds' | 'baseSpec' | 'targetError'>, runs: readonly CompareRun[], wallMs: number,
  ci: IqmCiFunction = bootstrapIqmCi,
): ComparisonResult {
  const { benchmark, entries, seeds } = options;
  const shared = parseStudySpec({ ...options.baseSpec, searcher: undefined, seed: undefined, studyId: undefined });
  if (runs.length !== entries.length * seeds.length) throw new Error(`summarizeComparison: ${runs.length} runs for ${entries.length} entries x ${seeds.length} seeds`);
  const rows = entries.map((entry, e) => aggregate(entry, runs.slice(e * seeds.length, (e + 1) * seeds.length), benchmark.optimumError, ci));
  const { searcher: _searcher, seed: _seed, studyId: _studyId, ...spec } = shared;
  const { info } = benchmark;
  const summary = summarizeComparison(runs, {
    optimumError: benchmark.optimumError, labels: entries.map((e) => e.label), ci,
    ...(options.targetError !== undefined ? { targetError: options.targetError } : {}),
    table: { label: info.label, kind: info.kind, provenanceNote: info.provenanceNote },
  });
  return {
    table: info.label, provenanceNote: info.provenanceNote, optimumError: benchmark.optimumError,
    seeds, spec, statistic: IQM_METHOD, rows: ranked(rows), runs, summary, wallMs,
  };
}

/**
 * The shared spec with a profile's LLM section in place of the default endpoint's (nothing of that
 * endpoint, e.g. its headers, may reach another server) and the profile's searcher options on top.
 */
export function specWithProfile(base: StudySpecInput, run: ProfileRun | undefined): StudySpecInput {
  if (!run) return base;
  return { ...base, llm: run.llm, ...(run.searcherOptions ? { searcherOptions: { ...base.searcherOptions, ...run.searcherOptions } } : {}) };
}

/** The counts of a study's LLM, without the health report and endpoint notes (kept apart). */
function studyLlmCounts(llm: NonNullable<StudySummary['llm']>): StudyLlmCounts {
  const { health: _health, endpointAdaptations: _adaptations, retries: _retries, refusedRequests: _refused, ...counts } = llm;
  return counts;
}

/** The rows in entry order, each with its rank by the headline IQM (lower error first; none last). */
function ranked(rows: readonly Omit<CompareRow, 'rank'>[]): CompareRow[] {
  const ranks = rankByIqm(rows.map((row) => row.headline.finalError.iqm));
  return rows.map((row, index) => ({ ...row, rank: ranks[index] }));
}

function aggregate(entry: CompareEntry, runs: readonly CompareRun[], optimumError: number, ci: IqmCiFunction): Omit<CompareRow, 'rank'> {
  const atMax = runs.map((r) => r.bestErrorAtMax);
  let trials = 0, results = 0, wall = 0;
  for (const r of runs) { trials += r.trialsStarted; results += r.resultsReported; wall += r.wallMs; }
  return {
    label: entry.label, searcher: entry.searcher, scheduler: entry.scheduler, runs: runs.length,
    ...(entry.profile !== undefined ? { profile: entry.profile } : {}),
    headline: {
      finalError: summarizeDistribution(runs.map((r) => r.headline?.finalError ?? null), {}, ci),
      regret: summarizeDistribution(runs.map((r) => r.headline?.regret ?? null), {}, ci),
    },
    bestError: summarizeDistribution(runs.map((r) => r.bestError), {}, ci),
    bestErrorAtMax: summarizeDistribution(atMax, {}, ci),
    regret: summarizeDistribution(atMax.map((v) => (v === null ? null : v - optimumError)), {}, ci),
    meanTrials: trials / Math.max(1, runs.length),
    meanResults: results / Math.max(1, runs.length),
    totalWallMs: wall,
    ...optionalLlm(entryLlmTotals(runs.map((r) => r.llm))),
  };
}

function optionalLlm(llm: EntryLlmTotals | undefined): { llm?: EntryLlmTotals } {
  return llm ? { llm } : {};
}
