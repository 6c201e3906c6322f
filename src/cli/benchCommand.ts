/**
 * `bench` (hidden; run by `npm run bench`): wall and CPU time of one default study over many seeds, the
 * same with the JSONL event log on, the table load and 1e6 reads, BOHB's suggestion time with thousands of
 * results, a 5 x 100 comparison, and the peak RSS; each next to its target where it has one.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseCompareEntries, runComparison } from '../core/study/compareRunner';
import { quantileSorted } from '../core/study/compareStats';
import { EventLogWriter } from '../core/study/eventLog';
import { runStudy } from '../core/study/studyRunner';
import type { StudySpecInput } from '../core/study/studySpec';
import { NUMERIC_RANGES as R } from '../core/study/numericRanges';
import { rangedFlag, parseCommandArgs, stringFlag } from './cliArgs';
import type { CommandOutput } from './commandOutput';
import {
  KDE_SUGGESTIONS, KDE_TARGET_MS_PER_SUGGESTION, LOOKUPS, LOOKUPS_TARGET_MS, timeKdeSuggestions, timeTableLookups,
} from './benchWorkloads';
import { loadTableTimed } from './tableSource';

export const STUDY_TARGET_MS = 40;
export const TABLE_LOAD_TARGET_MS = 2000;
export const COMPARE_TARGET_S = 10;
export const BENCH_COMPARE_ENTRIES = 'random,bohb,rea,local,random@asha';

export const BENCH_HELP = `Usage: node dist/cli.js bench [--seeds 20] [--compare-seeds 100] [--table PATH] [--json]

Times a 5 h / 4-worker synchronous Hyperband + random study over --seeds seeds (median wall time and
mean CPU time; target <= ${STUDY_TARGET_MS} ms), the same with events.jsonl written, the table load
(target <= ${TABLE_LOAD_TARGET_MS} ms) and ${LOOKUPS} reads (target <= ${LOOKUPS_TARGET_MS} ms), BOHB's suggestions with about
3,500 results (target <= ${KDE_TARGET_MS_PER_SUGGESTION} ms each), and \`compare\` of ${BENCH_COMPARE_ENTRIES} x --compare-seeds
seeds (target <= ${COMPARE_TARGET_S} s); then the peak RSS. Targets are printed, never enforced.`;

export async function benchCommand(args: readonly string[], out: CommandOutput): Promise<number> {
  const values = parseCommandArgs('bench', args, {
    seeds: { type: 'string' }, 'compare-seeds': { type: 'string' }, table: { type: 'string' }, json: { type: 'boolean' },
  });
  if (values.help) { out.stdout(BENCH_HELP); return 0; }
  const seeds = rangedFlag(values, 'seeds', R.seeds) ?? 20;
  const compareSeeds = rangedFlag(values, 'compare-seeds', R.seeds) ?? 100;
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
  const logged: number[] = [];
  const scratch = mkdtempSync(join(tmpdir(), 'llambo-nas-bench-'));
  try {
    for (let seed = 0; seed < seeds; seed++) {
      const log = new EventLogWriter(join(scratch, `s${seed}`));
      const started = performance.now();
      await runStudy({ ...spec, seed, studyId: `bench-s${seed}` }, { benchmark, sinks: [log.sink] });
      log.close();
      logged.push(performance.now() - started);
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }

  const entries = parseCompareEntries(BENCH_COMPARE_ENTRIES, 'sync-hyperband');
  const comparison = await runComparison({
    benchmark, entries, seeds: Array.from({ length: compareSeeds }, (_, i) => i), baseSpec: { workers: 4, hours: 5 },
  });
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
    studyWithEventLogMedianMs: round(median(logged)),
    meanTrials: round(trials.reduce((a, b) => a + b, 0) / trials.length),
    dehbStudyMedianMs: round(median(dehbMs)),
    mobsterStudyMedianMs: round(median(mobsterMs)),
    modelStudySeeds: modelSeeds,
    compareEntries: BENCH_COMPARE_ENTRIES,
    compareSeeds,
    compareStudies: comparison.runs.length,
    compareWallS: round(comparison.wallMs / 1000),
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
  out.stdout(`Same study writing events.jsonl: median ${report.studyWithEventLogMedianMs} ms`);
  out.stdout(`DEHB study (own brackets): median ${report.dehbStudyMedianMs} ms; SyncMOBSTER study (GP per rung level): ` +
    `median ${report.mobsterStudyMedianMs} ms (over ${modelSeeds} seeds)`);
  out.stdout(`compare ${BENCH_COMPARE_ENTRIES} x ${compareSeeds} seeds (${report.compareStudies} studies): ${report.compareWallS} s  ` +
    `target <= ${COMPARE_TARGET_S} s: ${ok(report.compareWithinTarget)}`);
  out.stdout(`Peak RSS ${report.peakRssMb} MB`);
  return 0;
}

function median(values: readonly number[]): number {
  return quantileSorted(Float64Array.from(values).sort(), 0.5);
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}
