/**
 * The timed workloads of `bench` below whole studies: table reads and BOHB's suggestions with thousands
 * of results. Their speed used to be asserted in unit tests, where a busy machine made them fail; here
 * they are measured and printed next to their targets.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TableBenchmark } from '../core/benchmark/tableLoader';
import type { EventSink, StudyEvent } from '../core/events/studyEvents';
import { EventLogWriter } from '../core/study/eventLog';
import { runStudy } from '../core/study/studyRunner';
import type { StudySpecInput } from '../core/study/studySpec';
import { cellCode, NUM_CELLS, type Cell } from '../core/nb201/searchSpace';
import { SeededRandom } from '../core/random/seededRandom';
import { KdeSearcher } from '../core/searchers/kdeSearcher';
import type { Suggestion } from '../core/searchers/searcher';

export const LOOKUPS = 1_000_000;
export const LOOKUPS_TARGET_MS = 1000;
export const KDE_SUGGESTIONS = 400;
export const KDE_TARGET_MS_PER_SUGGESTION = 1;
/** Issue 13: the same study writing events.jsonl takes at most this many times the study without it. */
export const EVENT_LOG_TARGET_RATIO = 2;
/** Untimed logged studies before the timed ones (the bench warms the plain study up with one). */
const LOG_WARMUP_STUDIES = 2;

export interface EventLogCost {
  /** Wall ms per study without sinks, and the same seeds writing events.jsonl (open to close). */
  readonly plainMs: number[];
  readonly loggedMs: number[];
  /** The same in process CPU ms: what other processes on a busy machine do not stretch. */
  readonly plainCpuMs: number[];
  readonly loggedCpuMs: number[];
  /** Where the log's cost goes. The same seeds, with a sink that takes the events as numbered drafts (as the log does) and drops them. */
  readonly draftsMs: number[];
  /** One study's events (seed 0) turned into lines through JSON.stringify, as the log does, once per seed. */
  readonly encodeMs: number[];
  /** Of loggedMs: making the folder and opening the log, and closing it (the last write). */
  readonly openCloseMs: number[];
  readonly events: number;
  readonly bytes: number;
}

/** Takes every event as a numbered draft, as the log does, and keeps nothing. */
const DROPPING_SINK: EventSink = Object.assign((_event: StudyEvent) => undefined, { numbered: () => undefined });

/**
 * The same study over `seeds`, each seed once without a log and once writing events.jsonl into a
 * scratch folder, alternating so that a busy machine slows both alike. Like the plain study (warmed up
 * by bench before its own timing), the logging path is warmed up first with untimed studies: the
 * figure is the steady cost of the log, not its first compilation.
 */
export async function timeEventLogCost(benchmark: TableBenchmark, spec: StudySpecInput, seeds: number): Promise<EventLogCost> {
  const kept: StudyEvent[] = [];
  await runStudy({ ...spec, seed: 0, studyId: 'bench-s0' }, { benchmark, sinks: [(event) => kept.push(event)] });
  const lines = Buffer.allocUnsafe(1 << 23);
  const cost = {
    plainMs: [] as number[], loggedMs: [] as number[], plainCpuMs: [] as number[], loggedCpuMs: [] as number[], draftsMs: [] as number[],
    encodeMs: [] as number[], openCloseMs: [] as number[], events: kept.length, bytes: encodeLines(kept, lines),
  };
  const scratch = mkdtempSync(join(tmpdir(), 'llambo-nas-bench-'));
  try {
    for (let warmup = 0; warmup < LOG_WARMUP_STUDIES; warmup++) {
      const log = new EventLogWriter(join(scratch, `warmup${warmup}`));
      await runStudy({ ...spec, seed: 1000 + warmup, studyId: `warmup-${warmup}` }, { benchmark, sinks: [log.sink] });
      log.close();
    }
    for (let seed = 0; seed < seeds; seed++) {
      const studySpec = { ...spec, seed, studyId: `bench-s${seed}` };
      await timed(cost.plainMs, cost.plainCpuMs, () => runStudy(studySpec, { benchmark }));
      await timed(cost.loggedMs, cost.loggedCpuMs, async () => {
        const opening = performance.now();
        const log = new EventLogWriter(join(scratch, `s${seed}`));
        const opened = performance.now();
        await runStudy(studySpec, { benchmark, sinks: [log.sink] });
        const closing = performance.now();
        log.close();
        cost.openCloseMs.push(opened - opening + performance.now() - closing);
      });
      await timed(cost.draftsMs, [], () => runStudy(studySpec, { benchmark, sinks: [DROPPING_SINK] }));
      await timed(cost.encodeMs, [], async () => encodeLines(kept, lines));
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  return cost;
}

/** The lines of `events` in `into` as the log writes them (JSON.stringify, a newline); returns their bytes. */
function encodeLines(events: readonly StudyEvent[], into: Buffer): number {
  let at = 0;
  for (const event of events) {
    at += into.write(JSON.stringify(event), at);
    into[at++] = 0x0a;
  }
  return at;
}

async function timed(wallMs: number[], cpuMs: number[], body: () => Promise<unknown>): Promise<void> {
  const cpu = process.cpuUsage();
  const started = performance.now();
  await body();
  wallMs.push(performance.now() - started);
  const used = process.cpuUsage(cpu);
  cpuMs.push((used.user + used.system) / 1000);
}

/** Milliseconds for LOOKUPS validError + epochSeconds reads spread over cells, seeds and epochs. */
export function timeTableLookups(table: TableBenchmark): number {
  let sum = 0;
  const started = performance.now();
  for (let k = 0; k < LOOKUPS; k++) sum += table.validError(k % NUM_CELLS, k % 3, 1 + (k % 200)) + table.epochSeconds(k % NUM_CELLS);
  const ms = performance.now() - started;
  if (!Number.isFinite(sum)) throw new Error('table lookups returned a non-finite error or epoch time');
  return ms;
}

/**
 * Milliseconds per BOHB suggestion (results included) over KDE_SUGGESTIONS suggestions fed about 3,500
 * results at `levels`, spread over earlier trials.
 */
export function timeKdeSuggestions(levels: readonly number[]): number {
  const master = new SeededRandom(2);
  const searcher = new KdeSearcher();
  searcher.configure({
    rng: master.derive('searcher'), initialDesignRng: master.derive('initialDesign'),
    rungLevels: [1, 3, 9, 27, 81, 200], maxEpoch: 200, isoClassOf: cellCode,
  });
  const rng = new SeededRandom(5);
  const trials: Cell[] = [];
  const started = performance.now();
  for (let t = 0; t < KDE_SUGGESTIONS; t++) {
    const { cell } = searcher.suggest({ trialId: t, bracket: 0, level: 1, slotsRemaining: 1, time: t }) as Suggestion;
    trials.push(cell);
    for (let r = 0; r < 9; r++) {
      const trialId = rng.int(trials.length);
      const epoch = levels[Math.min(levels.length - 1, Math.floor(-Math.log2(1 - rng.next()) / 1.5))];
      searcher.onResult({ trialId, cell: trials[trialId], epoch, error: rng.next() });
    }
  }
  return (performance.now() - started) / KDE_SUGGESTIONS;
}
