/**
 * `bench` (hidden; run by `npm run bench`): wall and CPU time of one default study over many seeds (warm),
 * the same study in fresh processes (cold study, whole-process wall time and peak RSS), the same with the
 * JSONL event log on, the table load and 1e6 reads, BOHB's suggestion time with thousands of results, a
 * 5 x 100 comparison on worker threads and in one thread, and the peak RSS; each next to its target.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { availableParallelism } from 'node:os';
import { parseCompareEntries, runComparison } from '../core/study/compareRunner';
import { quantileSorted } from '../core/study/compareStats';
import { runStudy } from '../core/study/studyRunner';
import type { StudySpecInput } from '../core/study/studySpec';
import { NUMERIC_RANGES as R } from '../core/study/numericRanges';
import { rangedFlag, parseCommandArgs, stringFlag } from './cliArgs';
import type { CommandOutput } from './commandOutput';
import {
  EVENT_LOG_TARGET_RATIO, KDE_SUGGESTIONS, KDE_TARGET_MS_PER_SUGGESTION, LOOKUPS, LOOKUPS_TARGET_MS, timeEventLogCost, timeKdeSuggestions,
  timeTableLookups,
} from './benchWorkloads';
import {
  EXTRA_CA_CERTS_VARIABLE, timeFreshEventLog, timeFreshStudies, withoutExtraCaCerts, type FreshEventLogTimes, type FreshProcessTimes,
} from './benchProcesses';
import { autoCompareThreads, CompareThreads } from './compareThreads';
import { loadTableTimed } from './tableSource';

export const STUDY_TARGET_MS = 40;
export const COLD_STUDY_TARGET_MS = 10;
export const PROCESS_WALL_TARGET_MS = 150;
export const PROCESS_RSS_TARGET_MIB = 80;
export const TABLE_LOAD_TARGET_MS = 30;
export const COMPARE_TARGET_S = 1.5;
export const BENCH_COMPARE_ENTRIES = 'random,bohb,rea,local,random@asha';

export const BENCH_HELP = `Usage: node dist/cli.js bench [--seeds 20] [--processes 10] [--compare-seeds 100] [--table PATH] [--json]

Times a 5 h / 4-worker synchronous Hyperband + random study over --seeds seeds in this process (warm:
median wall time and mean CPU time; target <= ${STUDY_TARGET_MS} ms), then \`study --json\` of it in --processes
fresh processes (median and range of the cold study, target <= ${COLD_STUDY_TARGET_MS} ms; of the process wall time,
target <= ${PROCESS_WALL_TARGET_MS} ms, and again without NODE_EXTRA_CA_CERTS where it is set; of its peak RSS, target <= ${PROCESS_RSS_TARGET_MIB} MiB), the same study with events.jsonl written (target <= ${EVENT_LOG_TARGET_RATIO}x;
warm, with where the log's time goes, and cold in fresh processes),
the table load (target <= ${TABLE_LOAD_TARGET_MS} ms) and ${LOOKUPS} reads (target <= ${LOOKUPS_TARGET_MS} ms), BOHB's suggestions with about
3,500 results (target <= ${KDE_TARGET_MS_PER_SUGGESTION} ms each), and \`compare\` of ${BENCH_COMPARE_ENTRIES} x --compare-seeds
seeds on this thread and one worker thread per other core (target <= ${COMPARE_TARGET_S} s) and in one thread, with
where the threaded run's time went and its CPU time; then the peak RSS. Targets are
printed, never enforced. Wall times stretch on a busy machine: the load average is printed with them.`;

export async function benchCommand(args: readonly string[], out: CommandOutput): Promise<number> {
  const values = parseCommandArgs('bench', args, {
    seeds: { type: 'string' }, processes: { type: 'string' }, 'compare-seeds': { type: 'string' }, table: { type: 'string' }, json: { type: 'boolean' },
  });
  if (values.help) { out.stdout(BENCH_HELP); return 0; }
  const seeds = rangedFlag(values, 'seeds', R.seeds) ?? 20;
  const compareSeeds = rangedFlag(values, 'compare-seeds', R.seeds) ?? 100;
  const processes = rangedFlag(values, 'processes', R.benchProcesses) ?? 10;
  const { benchmark, loadMs } = loadTableTimed(stringFlag(values, 'table'));
  const spec: StudySpecInput = { searcher: 'random', scheduler: 'sync-hyperband', workers: 4, hours: 5 };

  await runStudy({ ...spec, seed: 1000, studyId: 'warmup' }, { benchmark }); // JIT warm-up, not timed
  const plain: number[] = [];
  const trials: number[] = [];
  // CPU time as well as wall time: other processes on a busy machine stretch only the latter.
  const cpuBefore = process.cpuUsage();
  for (let seed = 0; seed < seeds; seed++) {
    const summary = await runStudy({ ...spec, seed, studyId: `bench-s${seed}` }, { benchmark });
    plain.push(summary.wallMs);
    trials.push(summary.trialsStarted);
  }
  const cpu = process.cpuUsage(cpuBefore);
  const studyCpuMeanMs = (cpu.user + cpu.system) / 1000 / seeds;
  const lookupsMs = timeTableLookups(benchmark);
  const kdeMs = { oneLevel: timeKdeSuggestions([1]), sixLevels: timeKdeSuggestions([1, 3, 9, 27, 81, 200]) };
  // The remaining baselines of the original study: DEHB (own brackets) and SyncMOBSTER (a GP per rung).
  const modelSeeds = Math.min(seeds, 5);
  const timed = async (searcher: 'dehb' | 'mobster') => {
    const ms: number[] = [];
    for (let seed = 0; seed < modelSeeds; seed++) {
      ms.push((await runStudy({ workers: 4, hours: 5, searcher, seed, studyId: `bench-${searcher}-s${seed}` }, { benchmark })).wallMs);
    }
    return ms;
  };
  const dehbMs = await timed('dehb');
  const mobsterMs = await timed('mobster');
  const logCost = await timeEventLogCost(benchmark, spec, seeds);
  const logRatio = median(logCost.loggedMs) / median(logCost.plainMs);
  const logCpuRatio = median(logCost.loggedCpuMs) / median(logCost.plainCpuMs);
  const scratch = mkdtempSync(join(tmpdir(), 'llambo-nas-bench-'));
  let fresh: FreshProcessTimes;
  // Where NODE_EXTRA_CA_CERTS is set, the same processes again without it: what the target means on a machine without it.
  const extraCaCertsSet = process.env[EXTRA_CA_CERTS_VARIABLE] !== undefined;
  let freshWithoutCa: FreshProcessTimes | undefined;
  let freshLog: FreshEventLogTimes;
  try {
    fresh = timeFreshStudies(process.argv[1], processes, scratch); // argv[1]: this bundle, dist/cli.js
    if (extraCaCertsSet) freshWithoutCa = timeFreshStudies(process.argv[1], processes, scratch, withoutExtraCaCerts(process.env));
    freshLog = timeFreshEventLog(process.argv[1], processes, scratch);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }

  const entries = parseCompareEntries(BENCH_COMPARE_ENTRIES, 'sync-hyperband');
  const compareOptions = {
    benchmark, entries, seeds: Array.from({ length: compareSeeds }, (_, i) => i), baseSpec: { workers: 4, hours: 5 },
  };
  const threads = Math.max(1, autoCompareThreads(entries.length * compareSeeds, false));
  // CPU time too: the process's (every thread's), which other processes on a busy machine do not stretch as they do wall time.
  const threadedCpuBefore = process.cpuUsage();
  const compareThreads = CompareThreads.start(threads);
  const comparison = await compareThreads.run(compareOptions);
  const threadedCpu = process.cpuUsage(threadedCpuBefore);
  const threadTimes = compareThreads.times!;
  const sequentialCpuBefore = process.cpuUsage();
  const sequential = await runComparison(compareOptions);
  const sequentialCpu = process.cpuUsage(sequentialCpuBefore);
  const coldLogRatio = median(freshLog.loggedMs) / median(freshLog.plainMs);
  const freshStats = (values: readonly number[]) => ({ median: round(median(values)), min: round(Math.min(...values)), max: round(Math.max(...values)) });
  const report = {
    table: benchmark.info.label,
    tableLoadMs: round(loadMs),
    tableLoadTargetMs: TABLE_LOAD_TARGET_MS,
    lookups: LOOKUPS,
    lookupsMs: round(lookupsMs),
    lookupsTargetMs: LOOKUPS_TARGET_MS,
    kdeSuggestions: KDE_SUGGESTIONS,
    kdeMsPerSuggestionOneLevel: round(kdeMs.oneLevel),
    kdeMsPerSuggestionSixLevels: round(kdeMs.sixLevels),
    kdeTargetMsPerSuggestion: KDE_TARGET_MS_PER_SUGGESTION,
    studySeeds: seeds,
    studyMedianMs: round(median(plain)),
    studyMaxMs: round(Math.max(...plain)),
    studyCpuMeanMs: round(studyCpuMeanMs),
    studyWithEventLogMedianMs: round(median(logCost.loggedMs)),
    studyWithoutEventLogMedianMs: round(median(logCost.plainMs)),
    eventLogRatio: round(logRatio),
    studyWithEventLogCpuMedianMs: round(median(logCost.loggedCpuMs)),
    studyWithoutEventLogCpuMedianMs: round(median(logCost.plainCpuMs)),
    eventLogCpuRatio: round(logCpuRatio),
    /** Where the warm log's time goes: the study handing drafts to a sink that drops them, and one study's lines encoded. */
    studyWithDroppedDraftsMedianMs: round(median(logCost.draftsMs)),
    eventLogEvents: logCost.events,
    eventLogBytes: logCost.bytes,
    eventLinesEncodeMedianMs: round(median(logCost.encodeMs)),
    eventLogOpenCloseMedianMs: round(median(logCost.openCloseMs)),
    coldStudyWithEventLogMs: freshStats(freshLog.loggedMs),
    coldStudyWithoutEventLogMs: freshStats(freshLog.plainMs),
    coldEventLogRatio: round(coldLogRatio),
    eventLogTargetRatio: EVENT_LOG_TARGET_RATIO,
    meanTrials: round(trials.reduce((a, b) => a + b, 0) / trials.length),
    dehbStudyMedianMs: round(median(dehbMs)),
    mobsterStudyMedianMs: round(median(mobsterMs)),
    modelStudySeeds: modelSeeds,
    compareEntries: BENCH_COMPARE_ENTRIES,
    compareSeeds,
    compareStudies: comparison.runs.length,
    compareThreads: threads,
    cores: availableParallelism(),
    compareWallS: round(comparison.wallMs / 1000),
    compareCpuS: round((threadedCpu.user + threadedCpu.system) / 1e6),
    compareStudiesS: round(threadTimes.studiesMs / 1000),
    compareIntervals: threadTimes.intervals,
    compareIntervalsS: round(threadTimes.intervalsMs / 1000),
    compareSummaryPassesS: round(threadTimes.summaryPassesMs / 1000),
    compareThreadBusyS: threadTimes.busyMs.map((ms) => round(ms / 1000)),
    compareThreadStudies: threadTimes.studies,
    compareSequentialWallS: round(sequential.wallMs / 1000),
    compareSequentialCpuS: round((sequentialCpu.user + sequentialCpu.system) / 1e6),
    freshProcesses: processes,
    coldStudyMs: freshStats(fresh.coldStudyMs),
    coldStudyTargetMs: COLD_STUDY_TARGET_MS,
    freshTableLoadMs: freshStats(fresh.tableLoadMs),
    processWallMs: freshStats(fresh.processWallMs),
    processCpuMs: freshStats(fresh.processCpuMs),
    processWallTargetMs: PROCESS_WALL_TARGET_MS,
    nodeStartMs: freshStats(fresh.nodeStartMs),
    extraCaCertsSet,
    /** The same processes with NODE_EXTRA_CA_CERTS removed from their environment (only where it is set). */
    withoutExtraCaCerts: freshWithoutCa && {
      processWallMs: freshStats(freshWithoutCa.processWallMs),
      processCpuMs: freshStats(freshWithoutCa.processCpuMs),
      nodeStartMs: freshStats(freshWithoutCa.nodeStartMs),
    },
    processPeakRssMiB: freshStats(fresh.peakRssMiB),
    processPeakRssTargetMiB: PROCESS_RSS_TARGET_MIB,
    loadAverage: loadavg().map((v) => round(v)),
    peakRssMb: round(process.resourceUsage().maxRSS / 1024),
    studyTargetMs: STUDY_TARGET_MS,
    compareTargetS: COMPARE_TARGET_S,
    studyWithinTarget: median(plain) <= STUDY_TARGET_MS,
    compareWithinTarget: comparison.wallMs / 1000 <= COMPARE_TARGET_S,
  };
  if (values.json) { out.stdout(JSON.stringify(report)); return 0; }
  const ok = (pass: boolean) => (pass ? 'ok' : 'OVER TARGET');
  out.stdout(`Table ${report.table}: load ${report.tableLoadMs} ms  target <= ${TABLE_LOAD_TARGET_MS} ms: ${ok(loadMs <= TABLE_LOAD_TARGET_MS)}`);
  out.stdout(`Table reads: ${LOOKUPS} validError + epochSeconds in ${report.lookupsMs} ms  target <= ${LOOKUPS_TARGET_MS} ms: ${ok(lookupsMs <= LOOKUPS_TARGET_MS)}`);
  out.stdout(`BOHB suggestion with ~3,500 results (${KDE_SUGGESTIONS} suggestions): ${report.kdeMsPerSuggestionOneLevel} ms at one level, ` +
    `${report.kdeMsPerSuggestionSixLevels} ms over six  target <= ${KDE_TARGET_MS_PER_SUGGESTION} ms: ` +
    `${ok(Math.max(kdeMs.oneLevel, kdeMs.sixLevels) <= KDE_TARGET_MS_PER_SUGGESTION)}`);
  out.stdout(`Study (random + sync-hyperband, 4 workers, 5 h): median ${report.studyMedianMs} ms over ${seeds} seeds ` +
    `(max ${report.studyMaxMs} ms, ${report.meanTrials} trials on average)  target <= ${STUDY_TARGET_MS} ms: ${ok(report.studyWithinTarget)}`);
  out.stdout(`  CPU time per study: mean ${report.studyCpuMeanMs} ms  target <= ${STUDY_TARGET_MS} ms: ${ok(studyCpuMeanMs <= STUDY_TARGET_MS)}`);
  const spread = (s: { median: number; min: number; max: number }, unit: string) => `median ${s.median} ${unit} (${s.min}-${s.max})`;
  out.stdout(`Fresh processes (${processes} x \`study --json\` of that study, one at a time):`);
  out.stdout(`  cold study (the first in its process): ${spread(report.coldStudyMs, 'ms')}  target <= ${COLD_STUDY_TARGET_MS} ms: ` +
    `${ok(report.coldStudyMs.median <= COLD_STUDY_TARGET_MS)}`);
  out.stdout(`  table load: ${spread(report.freshTableLoadMs, 'ms')}  target <= ${TABLE_LOAD_TARGET_MS} ms: ${ok(report.freshTableLoadMs.median <= TABLE_LOAD_TARGET_MS)}`);
  const caLabel = report.extraCaCertsSet ? ` (${EXTRA_CA_CERTS_VARIABLE} set, as here)` : '';
  out.stdout(`  whole process wall${caLabel}: ${spread(report.processWallMs, 'ms')}  target <= ${PROCESS_WALL_TARGET_MS} ms: ` +
    `${ok(report.processWallMs.median <= PROCESS_WALL_TARGET_MS)}; CPU (user + sys) ${spread(report.processCpuMs, 'ms')}`);
  out.stdout(`    of which node itself (an empty script, same environment): ${spread(report.nodeStartMs, 'ms')}` +
    (report.extraCaCertsSet ? `; ${EXTRA_CA_CERTS_VARIABLE} is set here, so every node start parses its certificates` : ''));
  const withoutCa = report.withoutExtraCaCerts;
  if (withoutCa) {
    out.stdout(`  whole process wall without ${EXTRA_CA_CERTS_VARIABLE} (removed from the children's environment): ` +
      `${spread(withoutCa.processWallMs, 'ms')}  target <= ${PROCESS_WALL_TARGET_MS} ms: ${ok(withoutCa.processWallMs.median <= PROCESS_WALL_TARGET_MS)}; ` +
      `CPU (user + sys) ${spread(withoutCa.processCpuMs, 'ms')}`);
    out.stdout(`    of which node itself (an empty script, without it): ${spread(withoutCa.nodeStartMs, 'ms')}`);
  }
  out.stdout(`  peak RSS: ${spread(report.processPeakRssMiB, 'MiB')}  target <= ${PROCESS_RSS_TARGET_MIB} MiB: ` +
    `${ok(report.processPeakRssMiB.median <= PROCESS_RSS_TARGET_MIB)}`);
  out.stdout(`Same study writing events.jsonl: median ${report.studyWithEventLogMedianMs} ms against ${report.studyWithoutEventLogMedianMs} ms ` +
    `without it (same seeds, alternating): ${report.eventLogRatio}x  target <= ${EVENT_LOG_TARGET_RATIO}x: ${ok(logRatio <= EVENT_LOG_TARGET_RATIO)}`);
  out.stdout(`  CPU time: median ${report.studyWithEventLogCpuMedianMs} ms against ${report.studyWithoutEventLogCpuMedianMs} ms: ` +
    `${report.eventLogCpuRatio}x  target <= ${EVENT_LOG_TARGET_RATIO}x: ${ok(logCpuRatio <= EVENT_LOG_TARGET_RATIO)}`);
  const added = report.studyWithEventLogMedianMs - report.studyWithoutEventLogMedianMs;
  const drafts = report.studyWithDroppedDraftsMedianMs - report.studyWithoutEventLogMedianMs;
  out.stdout(`  of the ${round(added)} ms the log adds: ${round(drafts)} ms the study making its ${report.eventLogEvents} events as drafts ` +
    `(a sink that drops them: median ${report.studyWithDroppedDraftsMedianMs} ms), ${report.eventLinesEncodeMedianMs} ms for JSON.stringify to turn them into ` +
    `${round(report.eventLogBytes / 1024)} kB of lines, ` +
    `${report.eventLogOpenCloseMedianMs} ms making the folder, opening and closing the log, and by subtraction ` +
    `${round(added - drafts - report.eventLinesEncodeMedianMs - report.eventLogOpenCloseMedianMs)} ms the rest (the writer: keeping events, splicing seq into lines, buffering and writing them)`);
  out.stdout(`  cold, in fresh processes (\`study --json\` against the same with --out, alternating): median ${report.coldStudyWithEventLogMs.median} ms ` +
    `(${report.coldStudyWithEventLogMs.min}-${report.coldStudyWithEventLogMs.max}) against ${report.coldStudyWithoutEventLogMs.median} ms ` +
    `(${report.coldStudyWithoutEventLogMs.min}-${report.coldStudyWithoutEventLogMs.max}): ${report.coldEventLogRatio}x  ` +
    `target <= ${EVENT_LOG_TARGET_RATIO}x: ${ok(coldLogRatio <= EVENT_LOG_TARGET_RATIO)}`);
  out.stdout(`DEHB study (own brackets): median ${report.dehbStudyMedianMs} ms; SyncMOBSTER study (GP per rung level): ` +
    `median ${report.mobsterStudyMedianMs} ms (over ${modelSeeds} seeds)`);
  out.stdout(`compare ${BENCH_COMPARE_ENTRIES} x ${compareSeeds} seeds (${report.compareStudies} studies) on this thread and ` +
    `${threads} worker thread${threads === 1 ? '' : 's'} (${report.cores} cores): ${report.compareWallS} s  target <= ${COMPARE_TARGET_S} s: ` +
    `${ok(report.compareWithinTarget)}; in one thread: ${report.compareSequentialWallS} s`);
  out.stdout(`  threaded: studies done at ${report.compareStudiesS} s, then ${report.compareIntervals} bootstrap intervals in ` +
    `${report.compareIntervalsS} s and the summary's two passes in ${report.compareSummaryPassesS} s; busy per thread ` +
    `${report.compareThreadBusyS.join(' / ')} s (studies ${report.compareThreadStudies.join(' / ')}); CPU ${report.compareCpuS} s ` +
    `against ${report.compareSequentialCpuS} s in one thread`);
  out.stdout(`Peak RSS ${report.peakRssMb} MB; load average ${report.loadAverage.join(' ')} on ${report.cores} cores`);
  return 0;
}

function median(values: readonly number[]): number {
  return quantileSorted(Float64Array.from(values).sort(), 0.5);
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}
