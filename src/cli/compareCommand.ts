/** `compare`: runs searchers x seeds on one loaded table and prints IQM/CI, median and quartiles. */
import {
  parseCompareEntries, runComparison, specWithProfile, type CompareEntry, type CompareOptions, type ComparisonResult, type CompareRow,
} from '../core/study/compareRunner';
import type { DistributionSummary } from '../core/study/compareStats';
import {
  columnText, FINAL_ERROR_KEY, formatMetric, REGRET_KEY, splitColumns, TIME_TO_TARGET_KEY, type ComparisonMetricColumn,
} from '../core/study/comparisonMetrics';
import type { ComparisonEntrySummary, ComparisonSummary } from '../core/study/comparisonSummary';
import { formatError } from '../core/study/resultFormat';
import { ERROR_METRIC } from '../core/readModel/errorMetric';
import { StudySpecError, type SchedulerKind } from '../core/study/studySpec';
import { NUMERIC_RANGES as R } from '../core/study/numericRanges';
import { rangedFlag, parseCommandArgs, stringFlag, UsageError, type FlagValues } from './cliArgs';
import type { CommandOutput } from './commandOutput';
import { healthWarning, ranWithoutLlm } from './llmHealthOutcome';
import { preflightLlm } from './llmPreflight';
import { applyLlmFlags, applyRunLlmFlags, LLM_FLAGS, LLM_FLAGS_HELP, usesLlm, type LlmSetup } from './llmFlags';
import { LLM_PROFILES_FLAGS, LLM_PROFILES_HELP, profileNamed, profilesFromFlags, profileSetup, refuseEndpointFlags } from './llmProfiles';
import { autoCompareThreads, CompareThreads } from './compareThreads';
import { ProgressBar } from './progressBar';
import { specFromFlags, specInputFromFlags, STUDY_FLAGS, STUDY_FLAGS_HELP } from './studyOptions';
import { latencyText } from './studyReport';
import { loadTableTimed, tableNotice } from './tableSource';

export const DEFAULT_COMPARE_SEARCHERS = 'random,bohb,rea,local';

export const COMPARE_HELP = `Usage: node dist/cli.js compare [--searchers ${DEFAULT_COMPARE_SEARCHERS}] [--seeds 10] [options]

Runs every searcher with the same seeds (so the same initial random designs) on one table and
ranks them by the headline: per seed the returned architecture (best error at r_max, else at the
highest rung reached) and its seed-mean error at the table's last epoch; per searcher the IQM of
that with a 95% bootstrap CI, median and quartiles, regret against the table's optimum (never
negative), then the observed single-seed error at r_max and the best error at any epoch (secondary),
mean trials and wall time. Error = 1 − CIFAR-10 test accuracy after e epochs (metric_valid_error).

  --searchers LIST         comma-separated entries searcher[:profile][@scheduler], e.g. random,bohb,rea@asha;
                           NAME+warm starts a baseline from LLAMBO's warm-start cells instead of
                           random designs (random|bohb|rea|local|mobster|dehb+warm, e.g. rea+warm@asha;
                           bohb-llambo = bohb+warm); the warm start is asked once per seed and shared
                           by every entry; llambo and NAME+warm use the LLM flags below (baselines
                           are charged --decision-seconds, default 0, when --llm-latency-mode is modelled);
                           llambo:gpt4omini,llambo:llama31@asha runs LLAMBO on two profiles of --llm-profiles
  --seeds N                seeds 0..N-1 (default 10)
  --first-seed S           start the seeds at S instead of 0
  --target-error E         the error rate (0.0947 = 9.47%) whose time to reach is reported per entry:
                           the simulated time at which the incumbent at r_max first got to E or better,
                           IQM over the seeds that got there, with how many did not (default: the
                           table's optimum + 0.01)
  --worker-threads N       run the studies on N worker threads besides this one (0: only in this
                           thread); default one per core besides this one (none on one core, or with
                           an LLM searcher, whose access stays here); the numbers are the same for any N
${STUDY_FLAGS_HELP}

${LLM_FLAGS_HELP}

${LLM_PROFILES_HELP}

Entries of LLM searchers also report, per study as the IQM over seeds, their LLM's work: requests,
prompt and completion tokens, dollars, LLM seconds, parse failures, fallback share (fallback configs /
new configs) and proposal yield (accepted / proposed cells); with --llm-latency-mode measured or
modelled also what its delay cost: LLM seconds charged to the clock, worker-seconds idle waiting for
configs and their share of workers x budget. With --json in summary.entries[].metrics (IQM, 95% CI,
quartiles; each seed in summary.entries[].perSeed), sums over the seeds in rows[].llm, per study in
runs[].llm and runs[].delay.

IQM = mean after dropping floor(n/4) values at each end (scipy trim_mean(x, 0.25), as rliable).
The LLM endpoint is checked once before the first study (see study --help); exit code 3 when an LLM
study ran without its LLM.`;

export async function compareCommand(args: readonly string[], out: CommandOutput, signal?: AbortSignal, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const values = parseCommandArgs('compare', args, {
    ...STUDY_FLAGS, ...LLM_FLAGS, ...LLM_PROFILES_FLAGS, searchers: { type: 'string' }, seeds: { type: 'string' }, 'first-seed': { type: 'string' },
    'worker-threads': { type: 'string' }, 'target-error': { type: 'string' },
  });
  if (values.help) { out.stdout(COMPARE_HELP); return 0; }
  const input = specInputFromFlags(values);
  const count = rangedFlag(values, 'seeds', R.seeds) ?? 10;
  const first = rangedFlag(values, 'first-seed', R.seed) ?? 0;
  const profiles = profilesFromFlags(values);
  const entries = compareEntries(stringFlag(values, 'searchers'), (input.scheduler as SchedulerKind | undefined) ?? 'sync-hyperband', profiles.map((p) => p.name));
  const searchers = entries.map((e) => e.searcher);
  const threads = rangedFlag(values, 'worker-threads', R.workerThreads) ?? autoCompareThreads(entries.length * count, usesLlm(searchers));
  if (threads > 0 && usesLlm(searchers)) throw new UsageError('--worker-threads: LLM searchers run in the main thread; leave the option out or give 0');
  const llm = applyCompareLlmFlags(input, values, entries, env);
  const profileSetups = new Map([...new Set(entries.flatMap((e) => (e.profile === undefined ? [] : [e.profile])))]
    .map((name) => [name, profileSetup(profileNamed(profiles, name, '--searchers'), values, env)] as const));
  const spec = specFromFlags(input);
  // LLM settings errors before any study runs
  const llmSpec = llm ? specFromFlags({ ...input, searcher: 'llambo' }) : undefined;
  const profileSpecs = [...profileSetups].map(([name, p]) => ({ name, setup: p.setup, spec: specFromFlags({ ...specWithProfile(input, p.run), searcher: 'llambo' }) }));
  // Started before the table load: compiling their bundle is most of their start-up.
  const compareThreads = threads > 0 ? CompareThreads.start(threads) : undefined;
  try {
    const { benchmark, loadMs } = loadTableTimed(spec.table, compareThreads !== undefined);
    const targetError = targetErrorFlag(values, benchmark.optimumError);
    if (llm && !values.json) out.stderr(`LLM: ${llm.model} at ${llm.baseUrl} (key: ${llm.keyFrom ?? 'none sent'}); Ctrl-C cancels`);
    for (const p of profileSpecs) if (!values.json) out.stderr(profileNote(p.name, p.setup));
    if (llm && llmSpec) await preflightLlm(llmSpec, llm, out, values.json === true);
    for (const p of profileSpecs) if (p.setup.cacheMode !== 'replay-strict') await preflightLlm(p.spec, p.setup, out, values.json === true);
    const bar = new ProgressBar('compare', values.json ? undefined : out.progressStream);
    // The key reaches LLM studies through `llm` (runComparison forwards it to runStudy); it is never in the spec.
    const options: CompareOptions = {
      benchmark, entries, seeds: Array.from({ length: count }, (_, i) => first + i), baseSpec: input, signal,
      onProgress: (p) => bar.update(p.done / p.total, `${p.done}/${p.total}  ${p.label} seed ${p.seed}`),
      onLlmHealthProblem: (label, seed, problem) => { bar.finish(); out.stderr(healthWarning(problem, `${label} seed ${seed}`)); },
      ...(llm ? { llm: llm.access } : {}),
      profileRuns: new Map([...profileSetups].map(([name, p]) => [name, p.run])),
      ...(targetError !== undefined ? { targetError } : {}),
    };
    let result: ComparisonResult;
    try {
      result = compareThreads ? await compareThreads.run(options) : await runComparison(options);
    } finally {
      bar.finish();
    }
    const without = ranWithoutLlm(result.runs.flatMap((r) => (r.llmHealth ? [{ who: `${r.label} seed ${r.seed}`, health: r.llmHealth }] : [])));
    if (values.json) {
      out.stdout(JSON.stringify({ ...result, tableLoadMs: loadMs, profiles: profileSpecs.map((p) => ({ name: p.name, ...publicSetup(p.setup) })) }));
    } else {
      for (const line of comparisonText(result, loadMs)) out.stdout(line);
      for (const line of timeToTargetText(result.summary)) out.stdout(line);
      for (const line of entryLlmText(result.summary, result.rows)) out.stdout(line);
      if (llm) for (const line of llmCompareLines(llm, input)) out.stdout(line);
      for (const p of profileSpecs) out.stdout(`Profile ${p.name}: ${p.setup.model} at ${p.setup.baseUrl}; ${latencyText(p.spec)}`);
      for (const line of tableNotice(benchmark)) out.stdout(line);
    }
    if (without) out.stderr(without.line);
    return without?.code ?? 0;
  } finally {
    compareThreads?.close();
  }
}

function compareEntries(list: string | undefined, defaultScheduler: SchedulerKind, profiles: readonly string[]): CompareEntry[] {
  try {
    return parseCompareEntries(list ?? DEFAULT_COMPARE_SEARCHERS, defaultScheduler, profiles);
  } catch (error) {
    if (error instanceof StudySpecError) throw new UsageError(`--${error.message}`);
    throw error;
  }
}

/**
 * The LLM flags of a comparison: the default endpoint's when an LLM entry names no profile; when every
 * LLM entry names one, only the flags about the run (latency, LLAMBO options), and no endpoint flags.
 */
function applyCompareLlmFlags(input: Record<string, unknown>, values: FlagValues, entries: readonly CompareEntry[], env: NodeJS.ProcessEnv): LlmSetup | undefined {
  const plain = entries.filter((e) => e.profile === undefined).map((e) => e.searcher);
  const profiled = entries.length - plain.length;
  if (profiled === 0 || usesLlm(plain)) return applyLlmFlags(input, values, { searchers: plain, env, defaultSecondsPerSuggestion: 0 });
  refuseEndpointFlags(values, 'every LLM entry naming a profile');
  applyRunLlmFlags(input, values, { defaultSecondsPerSuggestion: 0 });
  return undefined;
}

/** --target-error: an error rate the table's best architecture can reach (below its optimum no seed ever would). */
function targetErrorFlag(values: FlagValues, optimumError: number): number | undefined {
  const target = rangedFlag(values, 'target-error', R.targetError);
  if (target !== undefined && target < optimumError) {
    throw new UsageError(`--target-error: ${target} is below the table's optimum ${optimumError.toFixed(4)}, so no searcher can reach it; ` +
      `give an error rate of at least ${optimumError.toFixed(4)} (the default is the optimum + 0.01)`);
  }
  return target;
}

function profileNote(name: string, setup: LlmSetup): string {
  const cache = setup.cachePath === undefined ? 'no reply cache' : `replies ${setup.cacheMode} ${setup.cachePath}`;
  return `LLM profile ${name}: ${setup.model} at ${setup.baseUrl} (key: ${setup.keyFrom ?? 'none sent'}); ${cache}`;
}

function publicSetup(setup: LlmSetup): Omit<LlmSetup, 'access'> {
  const { access: _access, ...rest } = setup;
  return rest;
}

/** Short headers of the LLM and delay columns in the text table (the summary's labels are longer). */
const LLM_COLUMN_HEADERS: Readonly<Record<string, string>> = {
  llmRequests: 'requests', promptTokens: 'prompt tok', completionTokens: 'compl tok', llmUsd: '$/study', llmSeconds: 'LLM s',
  parseFailures: 'parse fail', fallbackShare: 'fallback', proposalYield: 'yield', chargedSeconds: 'charged s',
  idleWorkerSeconds: 'idle wkr-s', idleShare: 'idle',
};

/**
 * The LLM and delay columns of the summary, one line per entry that has any: the IQM over seeds of each
 * study's figure (the same numbers the panel and the report show, with their CIs there and in --json),
 * then each entry's sums over its seeds from the runs' bookkeeping (requests over HTTP and from the cache).
 */
export function entryLlmText(summary: ComparisonSummary, rows: readonly CompareRow[]): string[] {
  const columns = splitColumns(summary.columns).llm;
  const shown = summary.entries.filter((e) => columns.some((c) => e.metrics[c.key].n > 0));
  if (shown.length === 0) return [];
  const width = (c: ComparisonMetricColumn) => Math.max(10, (LLM_COLUMN_HEADERS[c.key] ?? c.label).length);
  const lines = [
    'LLM and its delay per study (IQM over seeds; 95% CIs in --json and the report):',
    [pad('searcher', 18), ...columns.map((c) => padL(LLM_COLUMN_HEADERS[c.key] ?? c.label, width(c)))].join(' '),
  ];
  for (const entry of shown) {
    lines.push([pad(entry.label, 18), ...columns.map((c) => padL(formatMetric(c.unit, entry.metrics[c.key].iqm), width(c)))].join(' '));
  }
  lines.push(
    'LLM s = the requests\' recorded latency; fallback = fallback configs / new configs; yield = accepted / proposed cells; a reply replayed from a cache costs $0; ' +
      'charged s = LLM seconds the tuner waited; idle wkr-s = worker-seconds free while it waited; idle = that / (workers x budget) ' +
      '(— : decision time ignored).',
  );
  for (const row of rows) {
    if (row.llm) lines.push(`  ${pad(row.label, 18)} over ${row.llm.studies} seeds: ${row.llm.requests} requests, ${row.llm.httpRequests} over HTTP, ${row.llm.cacheHits} from the cache`);
  }
  lines.push('');
  return lines;
}

/** Per entry, the time its incumbent at r_max took to reach the summary's target error, and how many seeds did. */
export function timeToTargetText(summary: ComparisonSummary): string[] {
  const column = summary.columns.find((c) => c.key === TIME_TO_TARGET_KEY);
  if (!column) return [];
  return [
    `Time to reach ${formatError(summary.targetError)} or better (incumbent at r_max, seed mean; simulated hours, ` +
      'IQM over the seeds that reached it [95% CI]; set with --target-error):',
    ...summary.entries.map((e) => `  ${pad(e.label, 18)} ${columnText(column, e.metrics[column.key])}`),
    '',
  ];
}

function llmCompareLines(llm: LlmSetup, input: Record<string, unknown>): string[] {
  const spec = specFromFlags({ ...input, searcher: 'llambo' });
  return [
    `LLM searchers used ${llm.model} at ${llm.baseUrl}; ${latencyText(spec)}`,
  ];
}

/**
 * The comparison as text. Every statistic comes from result.summary (what --json, the panel and the
 * report show); trials, results and wall time are the runs' own bookkeeping (result.rows).
 */
export function comparisonText(result: ComparisonResult, loadMs: number): string[] {
  const { spec, seeds, summary } = result;
  const seedText = seeds.length === 0 ? 'no seeds' : `${seeds.length} seeds (${seeds[0]}-${seeds[seeds.length - 1]})`;
  const lines = [
    `Comparison: ${seedText}, ${spec.scheduler} scheduler unless named, ${spec.workers} workers, ` +
      `${(spec.budgetSeconds / 3600).toFixed(2)} h simulated, clock ${spec.clock}, decision time ${spec.decisionTime.mode}` +
      (spec.decisionTime.mode === 'ignore' ? '' : `, LLAMBO prefetch ${spec.decisionTime.prefetch === false ? 'off' : 'on'}`),
    `Error = ${ERROR_METRIC}; lower is better. Ranked by the returned architecture's seed-mean error at the table's last epoch; ` +
      `optimum ${result.optimumError.toFixed(4)}`,
    '',
    [padL('#', 2), pad('searcher', 18), padL('n', 4), padL('IQM', 8), padL('95% CI', 18), padL('median', 8), padL('q1-q3', 16),
      padL('regret IQM', 11), padL('regret 95% CI', 18), padL('avg rank', 8), padL(`1 seed @${spec.rMax}`, 11), padL('best any', 9),
      padL('trials', 7), padL('results', 8), padL('wall s', 7)].join(' '),
  ];
  const rows = new Map(result.rows.map((row) => [row.label, row]));
  for (const entry of [...summary.entries].sort((a, b) => a.rank - b.rank)) lines.push(entryText(entry, rows.get(entry.label)));
  lines.push('');
  if (summary.fewSeedsNote) lines.push(`Note: ${summary.fewSeedsNote}`);
  lines.push('Final error per seed (seed mean at the last epoch):');
  for (const entry of summary.entries) {
    lines.push(`  ${pad(entry.label, 18)} ${entry.perSeed.map((p) => `s${p.seed} ${f4(p.values[FINAL_ERROR_KEY])}`).join('  ')}`);
  }
  lines.push('');
  if (summary.entries.some((e) => e.metrics[FINAL_ERROR_KEY].missing > 0)) {
    lines.push(`* some seeds have no headline (no trial reported a result); n counts only those that have one.`);
  }
  if (summary.entries.some((e) => e.metrics.observedAtMax.missing > 0)) {
    lines.push(`Some seeds had no trial reach epoch ${spec.rMax}: their returned architecture is the best at the highest rung reached.`);
  }
  lines.push(`IQM: mean of the middle 50% (floor(n/4) dropped each end); CI: 95% percentile bootstrap, 2,000 resamples, seeded.`);
  lines.push(
    `'avg rank' = rank among the searchers on each seed by the incumbent at epoch ${spec.rMax} at the end of the budget, averaged over seeds ` +
      `(a seed with no trial at epoch ${spec.rMax} yet ranks last).`,
  );
  lines.push(
    `'1 seed @${spec.rMax}' = IQM of the observed single-seed best error at epoch ${spec.rMax}; 'best any' = IQM of the best error at any epoch ` +
      '(secondary: epochs 1–199 of the bundled table are model-generated, so it can fall below the optimum).',
  );
  lines.push(`Wall time ${(result.wallMs / 1000).toFixed(2)} s for ${result.runs.length} studies (table load ${loadMs.toFixed(0)} ms).`);
  return lines;
}

function entryText(entry: ComparisonEntrySummary, row: CompareRow | undefined): string {
  const d: DistributionSummary = entry.metrics[FINAL_ERROR_KEY];
  const regret = entry.metrics[REGRET_KEY];
  const quartiles = d.q1 === null ? 'n/a' : `${f4(d.q1)}-${f4(d.q3)}`;
  const n = d.missing > 0 ? `${d.n}*` : String(d.n);
  const rank = entry.averageRank[entry.averageRank.length - 1];
  return [padL(String(entry.rank), 2), pad(entry.label, 18), padL(n, 4), padL(f4(d.iqm), 8), padL(ciText(d), 18), padL(f4(d.median), 8),
    padL(quartiles, 16), padL(f4(regret.iqm), 11), padL(ciText(regret), 18), padL(rank === undefined ? 'n/a' : rank.toFixed(2), 8),
    padL(f4(entry.metrics.observedAtMax.iqm), 11), padL(f4(entry.metrics.bestAnyEpoch.iqm), 9),
    padL(row ? row.meanTrials.toFixed(1) : 'n/a', 7), padL(row ? row.meanResults.toFixed(0) : 'n/a', 8),
    padL(row ? (row.totalWallMs / 1000).toFixed(2) : 'n/a', 7)].join(' ');
}

const ciText = (d: DistributionSummary) => (d.ciLow === null ? 'n/a' : `[${f4(d.ciLow)}, ${f4(d.ciHigh)}]`);
const f4 = (v: number | null | undefined) => (v === null || v === undefined ? 'n/a' : v.toFixed(4));
const pad = (s: string, w: number) => s.padEnd(w);
const padL = (s: string, w: number) => s.padStart(w);
