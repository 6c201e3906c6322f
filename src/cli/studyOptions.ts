/**
 * The study flags shared by `study`, `compare` and `bench`, and their translation into a study spec.
 * Flags override fields of an optional `--spec FILE` (JSON); spec errors are reported by flag name.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import {
  CLOCK_MODES, DECISION_TIME_MODES, SCHEDULER_KINDS, StudySpecError, parseStudySpec,
  type StudySpec, type StudySpecInput,
} from '../core/study/studySpec';
import { NUMERIC_RANGES as R } from '../core/study/numericRanges';
import { choiceFlag, rangedFlag, stringFlag, UsageError, type FlagValues, type OptionSpecs } from './cliArgs';
import { LLM_FLAG_OF_FIELD } from './llmFlags';
import type { Benchmark } from '../core/benchmark/benchmark';
import { checkStudyRunnable } from '../core/study/studyRunner';

export const STUDY_FLAGS: OptionSpecs = {
  scheduler: { type: 'string' },
  workers: { type: 'string' },
  hours: { type: 'string' },
  'budget-seconds': { type: 'string' },
  'max-trials': { type: 'string' },
  'r-min': { type: 'string' },
  eta: { type: 'string' },
  'r-max': { type: 'string' },
  clock: { type: 'string' },
  'decision-time': { type: 'string' },
  'decision-seconds': { type: 'string' },
  table: { type: 'string' },
  tag: { type: 'string' },
  spec: { type: 'string' },
  json: { type: 'boolean' },
};

export const STUDY_FLAGS_HELP = `  --scheduler KIND         sync-hyperband (default) | sync-sh | asha | fifo
  --workers N              simulated workers (default 4)
  --hours H                simulated wall-clock budget in hours (default 5)
  --budget-seconds S       the same budget in seconds (instead of --hours)
  --max-trials N           also stop after N trials were started
  --r-min N --eta X --r-max N   rung system (default 1, 3, 200; r-max <= the table's 200 epochs)
  --clock MODE             event (default) | synetune (5 s polling tick, 0.05 s delays, as Syne Tune)
  --decision-time MODE     ignore (default) | measured | modelled: searcher time on the simulated clock
  --decision-seconds X     seconds charged per suggestion when --decision-time modelled
  --table PATH             table file (default: the bundled nb201-c10-mf.v1 table)
  --tag TEXT               free label stored with the study and its exports
  --spec FILE              JSON study spec; flags given as well override its fields
  --json                   print machine-readable JSON instead of text`;

/** Spec field -> flag, to report spec errors in the user's terms. */
const FLAG_OF_FIELD: Record<string, string> = {
  searcher: '--searcher', scheduler: '--scheduler', workers: '--workers', hours: '--hours',
  budgetSeconds: '--budget-seconds', maxTrials: '--max-trials', seed: '--seed', rMin: '--r-min', eta: '--eta',
  rMax: '--r-max', clock: '--clock', 'decisionTime.mode': '--decision-time',
  'decisionTime.secondsPerSuggestion': '--decision-seconds', table: '--table', tag: '--tag',
  ...LLM_FLAG_OF_FIELD,
};

/** Reads the shared flags (and --spec) into a spec input; searcher/seed are added by the command. */
export function specInputFromFlags(values: FlagValues): Record<string, unknown> {
  const base = readSpecFile(stringFlag(values, 'spec'));
  const input: Record<string, unknown> = { ...base };
  const set = (field: string, value: unknown) => { if (value !== undefined) input[field] = value; };
  set('scheduler', choiceFlag(values, 'scheduler', SCHEDULER_KINDS));
  set('workers', rangedFlag(values, 'workers', R.workers));
  const hours = rangedFlag(values, 'hours', R.hours);
  const budgetSeconds = rangedFlag(values, 'budget-seconds', R.budgetSeconds);
  if (hours !== undefined && budgetSeconds !== undefined) throw new UsageError('give either --hours or --budget-seconds, not both');
  if (hours !== undefined) { input.hours = hours; delete input.budgetSeconds; }
  if (budgetSeconds !== undefined) { input.budgetSeconds = budgetSeconds; delete input.hours; }
  set('maxTrials', rangedFlag(values, 'max-trials', R.maxTrials));
  set('rMin', rangedFlag(values, 'r-min', R.rMin));
  set('eta', rangedFlag(values, 'eta', R.eta));
  set('rMax', rangedFlag(values, 'r-max', R.rMax));
  set('clock', choiceFlag(values, 'clock', CLOCK_MODES));
  const mode = choiceFlag(values, 'decision-time', DECISION_TIME_MODES);
  const seconds = rangedFlag(values, 'decision-seconds', R.secondsPerSuggestion);
  if (mode !== undefined || seconds !== undefined) {
    const previous = (typeof input.decisionTime === 'object' && input.decisionTime !== null ? input.decisionTime : {}) as Record<string, unknown>;
    input.decisionTime = {
      ...previous,
      ...(mode !== undefined ? { mode } : {}),
      ...(seconds !== undefined ? { secondsPerSuggestion: seconds } : {}),
    };
  }
  const table = stringFlag(values, 'table');
  if (table !== undefined) input.table = resolve(table);
  set('tag', stringFlag(values, 'tag'));
  return input;
}

/** Validates a spec built from flags; errors name the flag (and the spec field). */
export function specFromFlags(input: StudySpecInput | Record<string, unknown>): StudySpec {
  try {
    return parseStudySpec(input);
  } catch (error) {
    if (error instanceof StudySpecError) throw new UsageError(error.issues.map(flagTerms).join('\n'));
    throw error;
  }
}

/** The checks of a spec against its table and memory (checkStudyRunnable), reported by flag name. */
export function checkFlagsRunnable(spec: StudySpec, benchmark: Benchmark): void {
  try {
    checkStudyRunnable(spec, benchmark);
  } catch (error) {
    if (error instanceof StudySpecError) throw new UsageError(error.issues.map(flagTerms).join('\n'));
    throw error;
  }
}

function flagTerms(issue: string): string {
  const match = /^spec\.([\w.]+)(?=:)/.exec(issue);
  const flag = match ? FLAG_OF_FIELD[match[1]] : undefined;
  return flag ? `${flag} (spec.${match![1]})${issue.slice(match![0].length)}` : issue;
}

function readSpecFile(path: string | undefined): Record<string, unknown> {
  if (path === undefined) return {};
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new UsageError(`--spec: cannot read ${path}: ${(error as Error).message}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`--spec: ${path} is not valid JSON: ${(error as Error).message}`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new UsageError(`--spec: ${path} must hold a JSON object`);
  return parsed as Record<string, unknown>;
}
