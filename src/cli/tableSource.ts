/** Loads the table a command runs on and times the load (the bench reports it separately). */
import type { TableBenchmark } from '../core/benchmark/tableLoader';
import { loadTable } from '../core/benchmark/tableLoader';
import { defaultTablePath } from '../core/benchmark/tablePaths';

export interface LoadedTable {
  readonly benchmark: TableBenchmark;
  readonly loadMs: number;
}

/**
 * The table at `path`, or the bundled one; a TableError propagates (main prints it as one line).
 * `shared`: loaded for worker threads to share (TableBenchmark.shared).
 */
export function loadTableTimed(path: string | undefined, shared = false): LoadedTable {
  const started = performance.now();
  const benchmark = loadTable(path ?? defaultTablePath(), shared ? { shared } : {});
  return { benchmark, loadMs: performance.now() - started };
}

/** The note printed under results from the bundled table: what is modelled and how to get the exact table. */
export function tableNotice(benchmark: TableBenchmark): string[] {
  const lines = [`Table: ${benchmark.info.label}  (${benchmark.info.path})`];
  if (benchmark.info.kind === 'bundled-model-calibrated') {
    lines.push('  Note: epochs 1-199 of this table are model-generated (only the epoch-200 seed mean and epoch times are real).');
    lines.push('  For the exact Syne Tune table: `node dist/cli.js import-table --download` (or --from DIR), then pass --table PATH.');
  } else {
    lines.push(`  ${benchmark.info.provenanceNote}`);
  }
  return lines;
}
