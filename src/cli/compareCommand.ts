/** `compare`: runs searchers x seeds on one loaded table and prints IQM/CI, median and quartiles. */
import {
  parseCompareEntries, runComparison, type CompareEntry, type CompareOptions, type ComparisonResult, type CompareRow,
} from '../core/study/compareRunner';
import type { DistributionSummary } from '../core/study/compareStats';
import { ERROR_METRIC } from '../core/readModel/errorMetric';
import { StudySpecError, type SchedulerKind } from '../core/study/studySpec';
import { NUMERIC_RANGES as R } from '../core/study/numericRanges';
import { rangedFlag, parseCommandArgs, stringFlag, UsageError } from './cliArgs';
import type { CommandOutput } from './commandOutput';
import { healthWarning, ranWithoutLlm } from './llmHealthOutcome';
import { preflightLlm } from './llmPreflight';
import { applyLlmFlags, LLM_FLAGS, LLM_FLAGS_HELP, usesLlm, type LlmSetup } from './llmFlags';
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

  --searchers LIST         comma-separated; an entry may name its scheduler: random,bohb,rea@asha;
                           llambo and bohb-llambo use the LLM flags below (baselines are charged
                           --decision-seconds, default 0, when --llm-latency-mode is modelled)
  --seeds N                seeds 0..N-1 (default 10)
  --first-seed S           start the seeds at S instead of 0
${STUDY_FLAGS_HELP}

${LLM_FLAGS_HELP}

IQM = mean after dropping floor(n/4) values at each end (scipy trim_mean(x, 0.25), as rliable).
The LLM endpoint is checked once before the first study (see study --help); exit code 3 when an LLM
study ran without its LLM.`;

export async function compareCommand(args: readonly string[], out: CommandOutput, signal?: AbortSignal, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const values = parseCommandArgs('compare', args, {
    ...STUDY_FLAGS, ...LLM_FLAGS, searchers: { type: 'string' }, seeds: { type: 'string' }, 'first-seed': { type: 'string' },
  });
  if (values.help) { out.stdout(COMPARE_HELP); return 0; }
  const input = specInputFromFlags(values);
  const count = rangedFlag(values, 'seeds', R.seeds) ?? 10;
  const first = rangedFlag(values, 'first-seed', R.seed) ?? 0;
  const entries = compareEntries(stringFlag(values, 'searchers'), (input.scheduler as SchedulerKind | undefined) ?? 'sync-hyperband');
  const searchers = entries.map((e) => e.searcher);
  const llm = applyLlmFlags(input, values, { searchers, env, defaultSecondsPerSuggestion: 0 });
  const spec = specFromFlags(input);
  // LLM settings errors before any study runs
  const llmSpec = usesLlm(searchers) ? specFromFlags({ ...input, searcher: 'llambo' }) : undefined;
  const { benchmark, loadMs } = loadTableTimed(spec.table);
  if (llm && !values.json) out.stderr(`LLM: ${llm.model} at ${llm.baseUrl} (key: ${llm.keyFrom ?? 'none sent'}); Ctrl-C cancels`);
  if (llm && llmSpec) await preflightLlm(llmSpec, llm, out, values.json === true);
  const bar = new ProgressBar('compare', out.progressStream, values.json ? false : undefined);
  // The key reaches LLM studies through `llm` (runComparison forwards it to runStudy); it is never in the spec.
  const options: CompareOptions = {
    benchmark, entries, seeds: Array.from({ length: count }, (_, i) => first + i), baseSpec: input, signal,
    onProgress: (p) => bar.update(p.done / p.total, `${p.done}/${p.total}  ${p.label} seed ${p.seed}`),
    onLlmHealthProblem: (label, seed, problem) => { bar.finish(); out.stderr(healthWarning(problem, `${label} seed ${seed}`)); },
    ...(llm ? { llm: llm.access } : {}),
  };
  let result: ComparisonResult;
  try {
    result = await runComparison(options);
  } finally {
    bar.finish();
  }
  const without = ranWithoutLlm(result.runs.flatMap((r) => (r.llmHealth ? [{ who: `${r.label} seed ${r.seed}`, health: r.llmHealth }] : [])));
  if (values.json) {
    out.stdout(JSON.stringify({ ...result, tableLoadMs: loadMs }));
  } else {
    for (const line of comparisonText(result, loadMs)) out.stdout(line);
    if (llm) for (const line of llmCompareLines(llm, input)) out.stdout(line);
    for (const line of tableNotice(benchmark)) out.stdout(line);
  }
  if (without) out.stderr(without.line);
  return without?.code ?? 0;
}

function compareEntries(list: string | undefined, defaultScheduler: SchedulerKind): CompareEntry[] {
  try {
    return parseCompareEntries(list ?? DEFAULT_COMPARE_SEARCHERS, defaultScheduler);
  } catch (error) {
    if (error instanceof StudySpecError) throw new UsageError(`--${error.message}`);
    throw error;
  }
}

function llmCompareLines(llm: LlmSetup, input: Record<string, unknown>): string[] {
  const spec = specFromFlags({ ...input, searcher: 'llambo' });
  return [
    `LLM searchers used ${llm.model} at ${llm.baseUrl}; ${latencyText(spec)}`,
  ];
}

export function comparisonText(result: ComparisonResult, loadMs: number): string[] {
  const { spec, seeds } = result;
  const seedText = seeds.length === 0 ? 'no seeds' : `${seeds.length} seeds (${seeds[0]}-${seeds[seeds.length - 1]})`;
  const lines = [
    `Comparison: ${seedText}, ${spec.scheduler} scheduler unless named, ${spec.workers} workers, ` +
      `${(spec.budgetSeconds / 3600).toFixed(2)} h simulated, clock ${spec.clock}, decision time ${spec.decisionTime.mode}`,
    `Error = ${ERROR_METRIC}; lower is better. Ranked by the returned architecture's seed-mean error at the table's last epoch; ` +
      `optimum ${result.optimumError.toFixed(4)}`,
    '',
    [padL('#', 2), pad('searcher', 18), padL('n', 4), padL('IQM', 8), padL('95% CI', 18), padL('median', 8), padL('q1-q3', 16),
      padL('regret IQM', 11), padL(`1 seed @${spec.rMax}`, 11), padL('best any', 9), padL('trials', 7), padL('results', 8), padL('wall s', 7)].join(' '),
  ];
  for (const row of [...result.rows].sort((a, b) => a.rank - b.rank)) lines.push(rowText(row));
  lines.push('');
  if (result.rows.some((row) => row.headline.finalError.missing > 0)) {
    lines.push(`* some seeds have no headline (no trial reported a result); n counts only those that have one.`);
  }
  if (result.rows.some((row) => row.bestErrorAtMax.missing > 0)) {
    lines.push(`Some seeds had no trial reach epoch ${spec.rMax}: their returned architecture is the best at the highest rung reached.`);
  }
  lines.push(`IQM: mean of the middle 50% (floor(n/4) dropped each end); CI: 95% percentile bootstrap, 2,000 resamples, seeded.`);
  lines.push(
    `'1 seed @${spec.rMax}' = IQM of the observed single-seed best error at epoch ${spec.rMax}; 'best any' = IQM of the best error at any epoch ` +
      '(secondary: epochs 1–199 of the bundled table are model-generated, so it can fall below the optimum).',
  );
  lines.push(`Wall time ${(result.wallMs / 1000).toFixed(2)} s for ${result.runs.length} studies (table load ${loadMs.toFixed(0)} ms).`);
  return lines;
}

function rowText(row: CompareRow): string {
  const d: DistributionSummary = row.headline.finalError;
  const ci = d.ciLow === null ? 'n/a' : `[${f4(d.ciLow)}, ${f4(d.ciHigh)}]`;
  const quartiles = d.q1 === null ? 'n/a' : `${f4(d.q1)}-${f4(d.q3)}`;
  const n = d.missing > 0 ? `${d.n}*` : String(d.n);
  return [padL(String(row.rank), 2), pad(row.label, 18), padL(n, 4), padL(f4(d.iqm), 8), padL(ci, 18), padL(f4(d.median), 8), padL(quartiles, 16),
    padL(f4(row.headline.regret.iqm), 11), padL(f4(row.bestErrorAtMax.iqm), 11), padL(f4(row.bestError.iqm), 9), padL(row.meanTrials.toFixed(1), 7),
    padL(row.meanResults.toFixed(0), 8), padL((row.totalWallMs / 1000).toFixed(2), 7)].join(' ');
}

const f4 = (v: number | null) => (v === null ? 'n/a' : v.toFixed(4));
const pad = (s: string, w: number) => s.padEnd(w);
const padL = (s: string, w: number) => s.padStart(w);
