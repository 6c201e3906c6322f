/**
 * The default `study` when no LLM endpoint is configured: the four baselines (random, BOHB-style KDE,
 * regularized evolution, local search), one study each with the same seed, as one compact table, and
 * one line on how to enable LLAMBO.
 */
import { join, resolve } from 'node:path';
import type { TableBenchmark } from '../core/benchmark/tableLoader';
import { ERROR_METRIC } from '../core/readModel/errorMetric';
import { EventLogWriter } from '../core/study/eventLog';
import { acquireStudyLock, type StudyLock } from '../core/study/studyLock';
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
  const dirOf = (searcher: SearcherName) => (run.outDir === undefined ? undefined : join(resolve(run.outDir), searcher));
  // All four folders are locked before the first study writes, so a second process on the same --out is refused at once.
  const locks: StudyLock[] = [];
  const bar = new ProgressBar('baselines', run.json ? undefined : out.progressStream);
  try {
    for (const searcher of BASELINE_SEARCHERS) {
      const dir = dirOf(searcher);
      if (dir !== undefined) locks.push(acquireStudyLock(dir));
    }
    for (const [i, searcher] of BASELINE_SEARCHERS.entries()) {
      const dir = dirOf(searcher);
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
    for (const lock of locks) lock.release();
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

/**
 * One row per searcher: trials, results, the headline (returned cell's seed-mean error at the table's
 * last epoch, and its regret), the observed single-seed best at r_max, best error at any epoch, wall ms.
 */
export function baselineTable(summaries: readonly StudySummary[], spec: StudySpec): string[] {
  const f4 = (v: number | null) => (v === null ? 'n/a' : v.toFixed(4));
  const header = ['searcher'.padEnd(9), 'trials'.padStart(7), 'results'.padStart(8), 'error'.padStart(8), 'regret'.padStart(8),
    `1 seed @${spec.rMax}`.padStart(11), 'best any'.padStart(9), 'wall ms'.padStart(8)].join(' ');
  const lines = [
    `Baselines (no LLM endpoint configured): ${spec.scheduler} scheduler, ${spec.workers} workers, ` +
      `${formatHours(spec.budgetSeconds)} simulated, seed ${spec.seed}, clock ${spec.clock}, decision time ${spec.decisionTime.mode}`,
    header,
  ];
  for (const s of summaries) {
    lines.push([s.searcher.padEnd(9), String(s.trialsStarted).padStart(7), String(s.resultsReported).padStart(8),
      f4(s.headline?.finalError ?? null).padStart(8), f4(s.headline?.regret ?? null).padStart(8),
      f4(s.bestErrorAtMax).padStart(11), f4(s.bestError).padStart(9), s.wallMs.toFixed(1).padStart(8)].join(' '));
  }
  const optimum = summaries[0]?.optimumError;
  if (optimum !== undefined) {
    lines.push(
      `error = the returned architecture's (best at r_max, else at the highest rung reached) seed-mean error at the table's last epoch; ` +
        `regret against the optimum ${optimum.toFixed(4)}, never negative; '1 seed @${spec.rMax}' = observed best single-seed error at r_max; ` +
        `'best any' = best error at any epoch (secondary). Error = ${ERROR_METRIC}.`,
    );
  }
  return lines;
}
