/** `study`: runs one simulated study and prints its summary (text or one JSON line). */
import { resolve } from 'node:path';
import { EventLogWriter } from '../core/study/eventLog';
import type { EventSink } from '../core/study/events';
import { runStudy, type StudySummary } from '../core/study/studyRunner';
import { SEARCHER_NAMES, type StudySpec } from '../core/study/studySpec';
import { choiceFlag, intFlag, parseCommandArgs, stringFlag } from './cliArgs';
import type { CommandOutput } from './commandOutput';
import { ProgressBar } from './progressBar';
import { specFromFlags, specInputFromFlags, STUDY_FLAGS, STUDY_FLAGS_HELP } from './studyOptions';
import { loadTableTimed, tableNotice } from './tableSource';

export const STUDY_HELP = `Usage: node dist/cli.js study [options]

Runs one simulated NAS study on NAS-Bench-201 / CIFAR-10 and prints its outcome.

  --searcher NAME          random (default) | bohb | rea | local
  --seed N                 master seed (default 0): same seed, same study, event for event
${STUDY_FLAGS_HELP}
  --out DIR                save study.json + events.jsonl in DIR (refuses a folder holding a study)
  --force                  with --out: replace a study already in DIR
  --study-id ID            id recorded in the events (default <searcher>-<scheduler>-s<seed>-<time>)

With --json one JSON line is printed: searcher, scheduler, seed, table, trialsStarted,
resultsReported, bestError, bestErrorAtMax, incumbentArch, simulatedSeconds, wallMs, ...`;

export async function studyCommand(args: readonly string[], out: CommandOutput, signal?: AbortSignal): Promise<number> {
  const values = parseCommandArgs('study', args, {
    ...STUDY_FLAGS, searcher: { type: 'string' }, seed: { type: 'string' }, out: { type: 'string' },
    force: { type: 'boolean' }, 'study-id': { type: 'string' },
  });
  if (values.help) { out.stdout(STUDY_HELP); return 0; }
  const input = specInputFromFlags(values);
  const searcher = choiceFlag(values, 'searcher', SEARCHER_NAMES);
  if (searcher !== undefined) input.searcher = searcher;
  const seed = intFlag(values, 'seed', 0);
  if (seed !== undefined) input.seed = seed;
  const studyId = stringFlag(values, 'study-id');
  if (studyId !== undefined) input.studyId = studyId;
  const spec = specFromFlags(input);

  const { benchmark, loadMs } = loadTableTimed(spec.table);
  const outDir = stringFlag(values, 'out');
  const log = outDir === undefined ? undefined : new EventLogWriter(resolve(outDir), { table: benchmark.info, overwrite: values.force === true });
  const sinks: EventSink[] = log ? [log.sink] : [];
  const bar = new ProgressBar('study', out.progressStream, values.json ? false : undefined);
  let summary: StudySummary;
  try {
    summary = await runStudy(spec, {
      benchmark, sinks, signal,
      onProgress: (p) => bar.update(p.fraction, `trials ${p.trialsStarted}  results ${p.resultsReported}`),
    });
  } finally {
    bar.finish();
    log?.close();
  }
  if (values.json) {
    out.stdout(JSON.stringify(studyJson(summary, spec, loadMs, benchmark.info.path, benchmark.info.kind, log?.dir)));
  } else {
    for (const line of studyText(summary, spec, loadMs, log?.dir)) out.stdout(line);
    for (const line of tableNotice(benchmark)) out.stdout(line);
  }
  return summary.stopReason === 'cancelled' ? 130 : 0;
}

function studyJson(summary: StudySummary, spec: StudySpec, loadMs: number, tablePath: string, tableKind: string, outDir: string | undefined) {
  return {
    studyId: summary.studyId, searcher: summary.searcher, scheduler: summary.scheduler, seed: summary.seed,
    workers: spec.workers, budgetSeconds: spec.budgetSeconds, clock: spec.clock, decisionTime: spec.decisionTime.mode,
    table: summary.table, tableKind, tablePath,
    trialsStarted: summary.trialsStarted, resultsReported: summary.resultsReported,
    bestError: summary.bestError, bestErrorAtMax: summary.bestErrorAtMax,
    regret: summary.bestErrorAtMax === null ? null : summary.bestErrorAtMax - summary.optimumError,
    optimumError: summary.optimumError, incumbentArch: summary.incumbentArch,
    simulatedSeconds: summary.simulatedSeconds, stopReason: summary.stopReason,
    wallMs: round(summary.wallMs, 2), tableLoadMs: round(loadMs, 1), events: summary.eventCount,
    ...(outDir ? { out: outDir } : {}),
  };
}

function studyText(summary: StudySummary, spec: StudySpec, loadMs: number, outDir: string | undefined): string[] {
  const err = (v: number | null) => (v === null ? 'n/a' : v.toFixed(4));
  const regret = summary.bestErrorAtMax === null ? '' : `  (regret ${(summary.bestErrorAtMax - summary.optimumError).toFixed(4)} vs optimum ${summary.optimumError.toFixed(4)})`;
  const lines = [
    `Study ${summary.studyId}: ${summary.searcher} searcher, ${summary.scheduler} scheduler, ${spec.workers} workers, ` +
      `${formatHours(spec.budgetSeconds)} simulated, seed ${summary.seed}, clock ${spec.clock}, decision time ${spec.decisionTime.mode}`,
    `  trials started     ${summary.trialsStarted}`,
    `  results reported   ${summary.resultsReported}`,
    `  best error         ${err(summary.bestError)}  (any epoch)`,
    `  best error @${spec.rMax}    ${err(summary.bestErrorAtMax)}${regret}`,
    `  incumbent          ${summary.incumbentArch ?? 'n/a'}`,
    `  simulated time     ${(summary.simulatedSeconds / 3600).toFixed(2)} h  (stopped: ${summary.stopReason})`,
    `  wall time          ${summary.wallMs.toFixed(1)} ms  (table load ${loadMs.toFixed(0)} ms)`,
  ];
  if (outDir) lines.push(`  saved              ${outDir} (study.json, events.jsonl)`);
  return lines;
}

function formatHours(seconds: number): string {
  const hours = seconds / 3600;
  return Number.isInteger(hours) ? `${hours} h` : `${hours.toFixed(2)} h`;
}

function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
