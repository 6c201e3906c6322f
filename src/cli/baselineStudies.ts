/**
 * The default `study` when no LLM endpoint is configured: the four baselines (random, BOHB-style KDE,
 * regularized evolution, local search), one study each with the same seed, as one compact table, and
 * one line on how to enable LLAMBO.
 */
import { join, resolve } from 'node:path';
import type { TableBenchmark } from '../core/benchmark/tableLoader';
import { EventLogWriter } from '../core/study/eventLog';
import { runStudy, type StudySummary } from '../core/study/studyRunner';
import type { SearcherName, StudySpec } from '../core/study/studySpec';
import type { CommandOutput } from './commandOutput';
import { ENABLE_LLAMBO_LINE, partialEnvHint } from './llmEndpoint';
import { ProgressBar } from './progressBar';
import { formatHours, studyJson } from './studyReport';
import { tableNotice } from './tableSource';

export const BASELINE_SEARCHERS: readonly SearcherName[] = ['random', 'bohb', 'rea', 'local'];

export interface BaselineRun {
  readonly spec: StudySpec;
  readonly benchmark: TableBenchmark;
  readonly loadMs: number;
  readonly json: boolean;
  readonly env: NodeJS.ProcessEnv;
  /** With --out: each study is saved in <outDir>/<searcher>. */
  readonly outDir?: string;
  readonly force: boolean;
  readonly signal?: AbortSignal;
}

/** Runs the baselines and prints them; returns the exit code (130 when cancelled). */
export async function runBaselineStudies(run: BaselineRun, out: CommandOutput): Promise<number> {
  const { benchmark, spec } = run;
  const summaries: StudySummary[] = [];
  const bar = new ProgressBar('baselines', out.progressStream, run.json ? false : undefined);
  try {
    for (const [i, searcher] of BASELINE_SEARCHERS.entries()) {
      const dir = run.outDir === undefined ? undefined : join(resolve(run.outDir), searcher);
      const log = dir === undefined ? undefined : new EventLogWriter(dir, { table: benchmark.info, overwrite: run.force });
      try {
        const summary = await runStudy({ ...spec, searcher, studyId: undefined }, {
          benchmark, sinks: log ? [log.sink] : [], signal: run.signal,
          onProgress: (p) => bar.update((i + p.fraction) / BASELINE_SEARCHERS.length, `${searcher}  trials ${p.trialsStarted}`),
        });
        summaries.push(summary);
        if (summary.stopReason === 'cancelled') break;
      } finally {
        log?.close();
      }
    }
  } finally {
    bar.finish();
  }
  const hint = partialEnvHint(run.env);
  if (run.json) {
    const studies = summaries.map((s) => studyJson(s, {
      spec: { ...spec, searcher: s.searcher as SearcherName }, loadMs: run.loadMs, tablePath: benchmark.info.path, tableKind: benchmark.info.kind,
      ...(run.outDir ? { outDir: join(resolve(run.outDir), s.searcher) } : {}),
    }));
    out.stdout(JSON.stringify({ mode: 'baselines', searchers: BASELINE_SEARCHERS, studies, enableLlambo: ENABLE_LLAMBO_LINE }));
  } else {
    for (const line of baselineTable(summaries, spec)) out.stdout(line);
    if (run.outDir) out.stdout(`Saved in ${resolve(run.outDir)}/{${BASELINE_SEARCHERS.join(',')}} (study.json, events.jsonl each)`);
    out.stdout(ENABLE_LLAMBO_LINE);
    if (hint) out.stdout(hint);
    for (const line of tableNotice(benchmark)) out.stdout(line);
  }
  return summaries.some((s) => s.stopReason === 'cancelled') ? 130 : 0;
}

/** One row per searcher: trials, results, best error (any epoch), best at r_max, regret, wall ms. */
export function baselineTable(summaries: readonly StudySummary[], spec: StudySpec): string[] {
  const f4 = (v: number | null) => (v === null ? 'n/a' : v.toFixed(4));
  const header = ['searcher'.padEnd(9), 'trials'.padStart(7), 'results'.padStart(8), 'best error'.padStart(11),
    `best @${spec.rMax}`.padStart(10), 'regret'.padStart(8), 'wall ms'.padStart(8)].join(' ');
  const lines = [
    `Baselines (no LLM endpoint configured): ${spec.scheduler} scheduler, ${spec.workers} workers, ` +
      `${formatHours(spec.budgetSeconds)} simulated, seed ${spec.seed}, clock ${spec.clock}, decision time ${spec.decisionTime.mode}`,
    header,
  ];
  for (const s of summaries) {
    const regret = s.bestErrorAtMax === null ? null : s.bestErrorAtMax - s.optimumError;
    lines.push([s.searcher.padEnd(9), String(s.trialsStarted).padStart(7), String(s.resultsReported).padStart(8),
      f4(s.bestError).padStart(11), f4(s.bestErrorAtMax).padStart(10), f4(regret).padStart(8), s.wallMs.toFixed(1).padStart(8)].join(' '));
  }
  const optimum = summaries[0]?.optimumError;
  if (optimum !== undefined) lines.push(`best error = any epoch; best @${spec.rMax} and regret against the optimum ${optimum.toFixed(4)} at epoch ${spec.rMax}`,
    REGRET_NOTE);
  return lines;
}

/** Why a regret can be negative: results are single-seed, the optimum is a 3-seed mean (Syne Tune semantics). */
export const REGRET_NOTE = 'regret < 0 is possible: each trial reports one seed, and one seed can beat the 3-seed-mean optimum';
